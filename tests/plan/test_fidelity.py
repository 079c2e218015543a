"""The coach says what the programme says: checked on the plan's spoken text and timing, so a
regression in any layer (content, plan, speech text) fails here."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from support.fakes import RATE, FakeEngine, PlanFn, fake_selector
from support.running import Result
from support.timeline import texts

from voice_coach import coach
from voice_coach.environment import Environment
from voice_coach.journal import home, log, stats
from voice_coach.model import Timeline
from voice_coach.session.options import SessionOptions

Run = Callable[..., Result]
SOURCE = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "000_4cfb4f54f1ae9a45.txt"

# Each exercise's heading in the source post, in the order the post gives them.
HEADINGS = [
    ("b) Lumbar Roll", "lumbar-roll"),
    ("c) Knees To Chest", "knees-to-chest"),
    ("d) Standing Extension", "standing-extension"),
    ("e) Standing Side Bends", "standing-side-bends"),
    ("a) Decompression with Ball", "decompression-with-ball"),
    ("b) Side Stretch", "side-stretch"),
    ("c) Core Exercise", "core-exercise"),
    ("a) Lower Back Extension", "lower-back-extension"),
    ("b) Pelvic Tilts", "pelvic-tilts"),
    ("c) Decompression", "decompression"),
    ("a) Releases To Piriformis", "piriformis-release"),
    ("1. Seated", "seated-piriformis-stretch"),
    ("2. Supine", "supine-piriformis-stretch"),
    ("3. Floor", "floor-piriformis-stretch"),
    ("c) Piriformis Strengthening Exercise", "clam-shell"),
    ("a) Floss", "sciatic-nerve-floss"),
    ("b) Glide", "sciatic-nerve-glide"),
    ("c) Stretch", "sciatic-nerve-stretch"),
]
REPS = re.compile(r"(?:Repeat|Perform|Continue for) (\d+)(?:-(\d+))? (?:times|repetitions|cycles)")
HOLD = re.compile(r"Hold (?:this position )?for (\d+) seconds")
MINUTES = re.compile(r"Continue for (\d+) minutes")


def source_dosages() -> dict[str, tuple[tuple[int, int] | None, int | None]]:
    """Exercise id -> ((low, high) reps or None, hold or timed seconds or None), read from the
    source post itself."""
    text = SOURCE.read_text(encoding="utf-8").replace("\xa0", " ")  # the post has no-break spaces
    found = {}
    position = 0
    starts = []
    for heading, exercise in HEADINGS:
        position = text.index(heading, position)
        starts.append((position, exercise))
    ends = [start for start, _ in starts[1:]] + [text.index("STEP 8", position)]
    for (start, exercise), end in zip(starts, ends, strict=True):
        section = text[start:end]
        reps = REPS.search(section)
        hold = HOLD.search(section)
        minutes = MINUTES.search(section)
        rep_range = (int(reps[1]), int(reps[2] or reps[1])) if reps else None
        seconds = int(hold[1]) if hold else (60 * int(minutes[1]) if minutes else None)
        found[exercise] = (rep_range, seconds)
    return found


def holds(timeline: Timeline) -> list[int]:
    ends = [e.start for e in timeline.events if e.kind == "tone" and e.role == "hold-end"]
    starts = [e.end for e in timeline.events if e.kind == "tone" and e.role == "hold-start"]
    return [b - a for a, b in zip(starts, ends, strict=True)]


@pytest.mark.skipif(not SOURCE.exists(), reason="the source post is not beside this checkout")
@pytest.mark.parametrize(("heading", "exercise"), HEADINGS)
def test_each_exercise_speaks_and_times_the_source_dosage(
    plan_of: PlanFn, heading: str, exercise: str
) -> None:
    rep_range, seconds = source_dosages()[exercise]
    assert rep_range or seconds, f"no dosage found under {heading!r} in the source post"
    timeline = plan_of(exercise)
    said = " ".join(texts(timeline)).lower()
    reps = [e for e in timeline.events if e.role == "rep"]
    words = {3: "three", 5: "five", 20: "twenty", 30: "thirty", 2: "two"}
    if rep_range is not None:
        low, high = rep_range
        assert len(reps) == low
        spoken_range = f"{words[low]} to {words[high]}" if high != low else words[low]
        assert spoken_range in said
        if seconds is not None:  # reps that each hold
            assert holds(timeline) == [seconds * RATE] * low
    else:
        assert seconds is not None and not reps
        passes = len(holds(timeline))
        assert holds(timeline) == [seconds * RATE] * passes and passes >= 1
        phrase = "two minutes" if seconds == 120 else f"{words[seconds]} seconds"
        assert phrase in said


def test_the_floor_stretch_position_is_in_words(plan_of: PlanFn) -> None:
    said = [
        e.text
        for e in plan_of("floor-piriformis-stretch", side="right").events
        if e.text and e.exercise
    ]
    joined = " ".join(said)
    assert "the outside of your right shin and knee rest on the floor" in joined
    assert "Take your left leg behind you." in said
    assert "so that your left shoulder moves towards your right knee" in joined  # the lean
    assert "stretched out" not in joined and "as shown" not in joined
    assert holds(plan_of("floor-piriformis-stretch")) == [30 * RATE]


def test_one_breathing_cycle_is_in_then_out_never_two_in_breaths(plan_of: PlanFn) -> None:
    timeline = plan_of("core-exercise", difficulty="harder")
    breaths = []
    for event in timeline.events:
        text = (event.text or "").lower()
        if event.role in ("phase", "rep") and ("breathe in" in text or "breathe out" in text):
            breaths.append("in" if "breathe in" in text else "out")
    assert breaths == ["in", "out"] * 5
    said = texts(timeline)
    assert "A harder set: five cycles, the top of the programme's three to five." in said
    assert not any("build up" in t for t in said)


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"difficulty": "easier"}, "An easier set: fifteen repetitions, instead of twenty."),
        ({"reps": 2}, "As you asked: two repetitions, instead of twenty."),
        ({"difficulty": "normal"}, "Twenty repetitions."),
        ({"difficulty": "harder"}, "Twenty repetitions."),  # no range: the same set
    ],
)
def test_a_changed_dosage_is_said_aloud(
    plan_of: PlanFn, options: dict[str, object], expected: str
) -> None:
    assert expected in texts(plan_of("pelvic-tilts", **options))


def test_a_changed_hold_is_said_aloud(plan_of: PlanFn) -> None:
    said = texts(plan_of("side-stretch", hold_s=12))
    assert "As you asked: hold for twelve seconds, instead of thirty seconds." in said
    extension = texts(plan_of("lower-back-extension", difficulty="easier"))
    expected = "An easier set: fifteen repetitions, instead of twenty, each held for three seconds, instead of five seconds."
    assert expected in extension


@pytest.mark.parametrize("options", [{"difficulty": "easier"}, {"reps": 3}, {"reps": 1}])
def test_alternating_sets_end_on_an_even_split(plan_of: PlanFn, options: dict[str, object]) -> None:
    for exercise in ("lumbar-roll", "standing-side-bends"):
        counts = [e.text for e in plan_of(exercise, **options).events if e.role == "rep"]
        lefts = [t for t in counts if t and t.endswith("left.")]
        rights = [t for t in counts if t and t.endswith("right.")]
        assert len(lefts) == len(rights) >= 1 and len(counts) == 2 * len(lefts)


def test_nothing_is_said_twice_in_a_row_or_contradicted(plan_of: PlanFn) -> None:
    for playlist in (
        "not-sure",
        "piriformis-syndrome",
        "irritated-sciatic-nerve",
        "gentle-movements",
    ):
        sentences = [  # the per-repetition cues repeat by design
            e.text
            for e in plan_of(playlist).events
            if e.text and e.role not in ("rep", "phase") and len(e.text.split()) > 3
        ]
        for first, second in itertools.pairwise(sentences):
            assert first != second, first
        for exercise_text in _by_exercise(plan_of(playlist)).values():
            joined = " ".join(exercise_text).lower()
            assert joined.count("comfortably manage") <= 1
            assert not ("strong stretch" in joined and "deep, but comfortable" in joined)
            assert "build up" not in joined


def _by_exercise(timeline: Timeline) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for event in timeline.events:
        if event.text and event.exercise:
            found.setdefault(event.exercise, []).append(event.text)
    return found


def test_the_lengthened_piriformis_caution_is_said_once_then_reminded(plan_of: PlanFn) -> None:
    said = texts(plan_of("piriformis-syndrome"))
    full = [t for t in said if "already lengthened" in t]
    reminders = [t for t in said if t.startswith("As before, stretching may increase")]
    assert len(full) == 1 and len(reminders) == 2
    assert said.count("If so, strengthening may help you more.") == 3


def test_exports_begin_with_the_full_disclaimer_and_carry_no_dated_advice(
    run_cli: Run, tmp_path: Path
) -> None:
    for ago in (15, 12, 9, 6, 3, 0):  # two weeks without improvement
        day = (dt.date.today() - dt.timedelta(days=ago)).isoformat()
        run_cli("log", "add", "pelvic-tilts", "--date", day, "--pain-after", "6")
    out = tmp_path / "tilts.wav"
    result = run_cli("export", "pelvic-tilts", "--reps", "2", "-o", str(out), "--full")
    assert result.code == 0, result.err
    env = Environment(select_engine=fake_selector(FakeEngine()))
    options = SessionOptions(reps=2, full=True)
    prepared = coach.prepared_with_note(("pelvic-tilts",), options, env, for_file=True)
    timeline = prepared.plan()
    first = timeline.chapters[0]
    assert first.title == "Before you start" and first.exercise is None and first.start == 0
    preface = [e.text for e in timeline.events if e.text and e.end <= first.end]
    disclaimer = " ".join(preface)
    for words in ("not medical advice", "professional advice, diagnosis or treatment", "own risk"):
        assert words in disclaimer
    assert not any("two weeks without improvement" in t for t in texts(timeline))
    assert out.stat().st_size == 44 + 2 * timeline.length


def test_a_first_session_begins_with_the_disclaimer_and_later_ones_do_not(run_cli: Run) -> None:
    first = json.loads(run_cli("plan", "pelvic-tilts", "--json").out)
    assert first["chapters"][0]["title"] == "Before you start"
    home.remember(home.DISCLAIMER_MARK)
    later = json.loads(run_cli("plan", "pelvic-tilts", "--json").out)
    assert [c["exercise"] for c in later["chapters"]] == ["pelvic-tilts"]


def said_for(run_cli: Run) -> Callable[..., list[str]]:
    """What a plan of lower-back-extension says, with the options given."""

    def said(*args: str) -> list[str]:
        data = json.loads(run_cli("plan", "lower-back-extension", *args, "--json").out)
        return [e["text"] for e in data["events"] if e.get("text")]

    return said


def log_lower_back_extension(run_cli: Run, ago: int) -> None:
    day = (dt.date.today() - dt.timedelta(days=ago)).isoformat()
    assert run_cli("log", "add", "lower-back-extension", "--date", day).code == 0


def test_repeat_sessions_shorten_the_setup_but_keep_the_cautions(run_cli: Run) -> None:
    said = said_for(run_cli)
    full = said()
    assert "Lie down on your stomach." in full
    for ago in (3, 2, 1):
        log_lower_back_extension(run_cli, ago)
    short = said()
    assert "You know this one." in short
    assert any(t.startswith("Lie on your stomach, forearms on the floor") for t in short)
    assert "Lie down on your stomach." not in short
    assert "Make sure that you are not moving into any pain." in short  # cautions stay
    assert "Twenty repetitions, each held for five seconds." in short  # and the dosage
    assert said("--full") == full
    assert run_cli("config", "set", "short_repeats", "off").code == 0
    assert said() == full
    assert len(stats.familiar(log.sessions())) == 1


def test_the_short_coach_waits_for_the_third_session(run_cli: Run) -> None:
    said = said_for(run_cli)
    full = said()
    for done, ago in ((1, 3), (2, 2)):
        log_lower_back_extension(run_cli, ago)
        assert said() == full, f"the short coach after {done} session(s)"
    log_lower_back_extension(run_cli, 1)
    assert "You know this one." in said()
