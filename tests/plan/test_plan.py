"""The plan is exact: contiguous events in integer samples, holds to the sample, reps on an even
beat, the seed's dosage, and the user's overrides and side."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from support.fakes import RATE, FakeLengths, PlanFn
from support.files import write
from support.timeline import texts

from voice_coach.content.loader import load_library, resolve_target
from voice_coach.model import Event, Library, Settings, Timeline
from voice_coach.plan.timeline import build_timeline, timeline_dict


def events(timeline: Timeline, role: str, exercise: str | None = None) -> list[Event]:
    return [
        e
        for e in timeline.events
        if e.role == role and (exercise is None or e.exercise == exercise)
    ]


def holds(timeline: Timeline, exercise: str | None = None) -> list[int]:
    """Samples from the end of each hold-start tone to the start of the next hold-end tone."""
    result = []
    start = None
    for event in timeline.events:
        if exercise is not None and event.exercise != exercise:
            continue
        if event.kind == "tone" and event.role == "hold-start":
            start = event.end
        elif event.kind == "tone" and event.role == "hold-end":
            assert start is not None
            result.append(event.start - start)
            start = None
    return result


def beats(evs: list[Event]) -> set[int]:
    return {b.start - a.start for a, b in itertools.pairwise(evs)}


def assert_exact(timeline: Timeline) -> None:
    position = 0
    for event in timeline.events:
        assert isinstance(event.start, int) and isinstance(event.length, int)
        assert event.start == position, f"gap or overlap at {event}"
        assert event.length > 0
        position = event.end
    assert position == timeline.length
    chapter_position = 0
    for chapter in timeline.chapters:
        assert chapter.start == chapter_position and chapter.end > chapter.start
        chapter_position = chapter.end
    assert chapter_position == timeline.length


@pytest.mark.parametrize("side", [None, "left", "right"])
def test_every_playlist_plans_contiguous_and_exact(
    library: Library, plan_of: PlanFn, side: str | None
) -> None:
    for playlist in library.playlists.values():
        timeline = plan_of(playlist.id, side=side)
        assert_exact(timeline)
        assert [c.exercise for c in timeline.chapters] == list(playlist.exercises)
        for chapter in timeline.chapters:
            inside = [
                e.exercise
                for e in timeline.events
                if chapter.start <= e.start < chapter.end and e.exercise
            ]
            assert set(inside) == {chapter.exercise}


def test_speech_events_last_exactly_as_long_as_their_cue(plan_of: PlanFn) -> None:
    lengths = FakeLengths()
    timeline = plan_of("not-sure", lengths=lengths)
    for event in timeline.events:
        if event.kind == "speech":
            assert event.text and event.length == lengths(event.text)


def test_pelvic_tilts_are_twenty_reps_on_an_even_beat(plan_of: PlanFn) -> None:
    reps = events(plan_of("pelvic-tilts"), "rep")
    assert len(reps) == 20
    assert [e.text for e in reps[:3]] == ["One.", "Two.", "Three."]
    assert reps[-1].text == "Twenty."
    assert len(beats(reps)) == 1
    assert beats(reps).pop() >= 4 * RATE  # the content's tempo


def test_seated_piriformis_holds_exactly_thirty_seconds(plan_of: PlanFn) -> None:
    assert holds(plan_of("seated-piriformis-stretch")) == [30 * RATE]


def test_lower_back_extension_is_twenty_holds_of_five_seconds(plan_of: PlanFn) -> None:
    timeline = plan_of("lower-back-extension")
    assert holds(timeline) == [5 * RATE] * 20
    reps = events(timeline, "rep")
    assert len(reps) == 20 and len(beats(reps)) == 1


def test_floss_is_thirty_reps_with_both_positions_called(plan_of: PlanFn) -> None:
    timeline = plan_of("sciatic-nerve-floss")
    assert len(events(timeline, "rep")) == 30
    phases = [e.text for e in events(timeline, "phase")]
    assert (
        phases
        == [
            "Helper: up, gently. Lying down: point your foot.",
            "Helper: down a little. Lying down: toes to your head.",
        ]
        * 30
    )
    assert len(beats(events(timeline, "rep"))) == 1


def test_release_is_timed_for_two_minutes(plan_of: PlanFn) -> None:
    assert holds(plan_of("piriformis-release")) == [120 * RATE]


def test_ranges_start_low_and_say_the_programmes_range(plan_of: PlanFn) -> None:
    core = plan_of("core-exercise")
    assert [e.text for e in events(core, "rep")] == ["Cycle one.", "Cycle two.", "Cycle three."]
    assert "Three to five cycles. We will do three." in texts(core)
    glide = plan_of("sciatic-nerve-glide")
    assert len(events(glide, "rep")) == 20
    assert "Twenty to thirty repetitions. We will do twenty." in texts(glide)
    for timeline in (core, glide):  # nothing the programme does not say
        assert not any("build up" in t for t in texts(timeline))


def test_reps_and_hold_overrides_apply_to_every_exercise(plan_of: PlanFn) -> None:
    timeline = plan_of("disc-bulge", reps=3, hold_s=7)
    assert len(events(timeline, "rep", "pelvic-tilts")) == 3
    assert len(events(timeline, "rep", "lower-back-extension")) == 3
    assert holds(timeline, "lower-back-extension") == [7 * RATE] * 3
    assert holds(timeline, "decompression") == [7 * RATE]
    assert holds(plan_of("piriformis-release", hold_s=9)) == [9 * RATE]
    cycles = plan_of("core-exercise", reps=5)
    assert len(events(cycles, "rep")) == 5
    assert not any("build up" in (e.text or "") for e in cycles.events)


def test_side_left_names_the_left_side_in_the_floor_stretch(plan_of: PlanFn) -> None:
    said = " ".join(e.text or "" for e in plan_of("floor-piriformis-stretch", side="left").events)
    assert "your left leg" in said and "left knee" in said and "left hip" in said
    assert "your right shoulder" in said
    assert "painful-side" not in said and "{" not in said
    right = " ".join(e.text or "" for e in plan_of("floor-piriformis-stretch", side="right").events)
    assert "your right leg" in right and "your left shoulder" in right


def test_without_a_side_the_coach_says_painful_side(plan_of: PlanFn) -> None:
    said = " ".join(e.text or "" for e in plan_of("floor-piriformis-stretch").events)
    assert "your painful-side leg" in said and "opposite shoulder" in said
    assert " left " not in said and " right " not in said


def test_alternating_exercises_alternate(plan_of: PlanFn) -> None:
    reps = [e.text for e in events(plan_of("lumbar-roll"), "rep")]
    assert reps[:4] == ["One, left.", "Two, right.", "Three, left.", "Four, right."]
    assert len(reps) == 20


def test_each_side_exercises_switch_sides(tmp_path: Path) -> None:
    write(
        tmp_path,
        "each.yaml",
        """\
exercises:
  - id: hip-hold
    name: Hip Hold
    source: test
    position: lying on your back
    sides: each
    setup:
      - Bend your {side} knee.
    steps: [Hold it.]
    dosage: {hold: 10}
""",
    )
    library = load_library([tmp_path])
    ids, playlist = resolve_target(library, ["hip-hold"])
    timeline = build_timeline(library, ids, playlist, Settings(side="right"), FakeLengths(), RATE)
    assert_exact(timeline)
    assert holds(timeline) == [10 * RATE, 10 * RATE]
    switches = events(timeline, "switch-side")
    assert [e.text for e in switches] == ["Switch sides. Now your left side."]
    said = " ".join(e.text or "" for e in timeline.events)
    assert "Bend your right knee." in said and "starting with your right side" in said


def test_long_holds_announce_time_left_and_count_the_last_seconds(plan_of: PlanFn) -> None:
    timeline = plan_of("sciatic-nerve-stretch")
    end = next(e for e in timeline.events if e.role == "hold-end" and e.kind == "tone").start
    countdown = {e.text: e.start for e in events(timeline, "countdown")}
    assert countdown["Three."] == end - 3 * RATE
    assert countdown["Two."] == end - 2 * RATE
    assert countdown["One."] == end - 1 * RATE
    assert countdown["Ten seconds left."] == end - 10 * RATE
    assert countdown["Twenty seconds left."] == end - 20 * RATE
    long = plan_of("piriformis-release")
    assert "One minute left." in [e.text for e in events(long, "countdown")]


def test_cautions_are_spoken_where_they_matter(plan_of: PlanFn) -> None:
    timeline = plan_of("sciatic-nerve-stretch")
    start = next(e for e in timeline.events if e.role == "hold-start").end
    end = next(e for e in timeline.events if e.role == "hold-end").start
    inside = [e for e in events(timeline, "caution") if start <= e.start < end]
    assert [e.text for e in inside] == [
        "Reduce the stretch if you feel tingling, pain or numbness."
    ]
    before = [e for e in events(timeline, "caution", "sciatic-nerve-stretch") if e.start < start]
    assert any("pain free" in (e.text or "") for e in before)
    # A hold too short for the caution: it is said before the hold instead, never dropped.
    short = plan_of("sciatic-nerve-stretch", hold_s=4)
    assert any(
        "tingling" in (e.text or "") for e in events(short, "caution", "sciatic-nerve-stretch")
    )
    assert holds(short) == [4 * RATE]


def test_a_slow_voice_never_bends_the_timing(plan_of: PlanFn) -> None:
    def slow(text: str) -> int:
        return RATE * 2 + len(text) * RATE // 5

    timeline = plan_of("lower-back-extension", lengths=slow)
    assert_exact(timeline)
    assert holds(timeline) == [5 * RATE] * 20
    assert len(beats(events(timeline, "rep"))) == 1


def test_rests_and_next_up_between_exercises(library: Library, plan_of: PlanFn) -> None:
    timeline = plan_of("disc-bulge")
    rests = [e for e in events(timeline, "rest") if e.kind == "silence"]
    assert [e.length for e in rests] == [15 * RATE, 15 * RATE]
    nexts = [e.text for e in events(timeline, "next-up")]
    assert "Next up: Pelvic Tilts, lying on your back." in nexts
    assert "You will need your helper." in nexts
    intro = " ".join(e.text or "" for e in events(timeline, "intro"))
    assert "helper for exercise three, Decompression" in intro
    assert plan_of("pelvic-tilts", rest_s=5).length == plan_of("pelvic-tilts").length


def test_playlist_intro_lists_equipment_and_outro_says_two_weeks(plan_of: PlanFn) -> None:
    timeline = plan_of("piriformis-syndrome", side="left")
    intro = " ".join(e.text or "" for e in events(timeline, "intro"))
    assert "a massage ball and a chair" in intro
    assert "left side as the painful side" in intro
    outro = " ".join(e.text or "" for e in events(timeline, "outro"))
    assert "two weeks" in outro
    assert timeline.events[-1].role == "outro"
    assert all(e.exercise is None for e in events(timeline, "outro"))


def test_json_matches_the_spec_shape(plan_of: PlanFn) -> None:
    timeline = plan_of("disc-bulge")
    data = timeline_dict(timeline)
    assert data["target"] == ["disc-bulge"] and data["sample_rate"] == RATE
    assert data["duration_s"] == round(timeline.length / RATE, 6)
    first, *rest = data["events"]
    assert first["start_s"] == 0.0
    previous = first
    for event in rest:
        assert event["start_s"] == previous["end_s"]
        assert event["kind"] in ("speech", "tone", "silence")
        previous = event
    assert previous["end_s"] == data["duration_s"]
    assert {c["exercise"] for c in data["chapters"]} == {
        "lower-back-extension",
        "pelvic-tilts",
        "decompression",
    }
    required_roles = {"intro", "instruction", "caution", "get-ready", "rep", "hold", "hold-start"}
    required_roles |= {"hold-end", "countdown", "rest", "next-up", "outro"}
    assert required_roles <= {e["role"] for e in data["events"]}


def test_first_use_speaks_the_full_disclaimer(library: Library, plan_of: PlanFn) -> None:
    first = plan_of("pelvic-tilts", disclaimer=True)
    said = [e.text or "" for e in first.events if e.role == "caution"]
    assert library.programme.disclaimer in " ".join(said)  # sentence by sentence
    later = plan_of("pelvic-tilts")
    assert "should not be treated as such" not in " ".join(e.text or "" for e in later.events)


def test_easier_takes_two_thirds_of_each_hold_and_three_quarters_of_the_reps(
    plan_of: PlanFn,
) -> None:
    stretch = plan_of("seated-piriformis-stretch", difficulty="easier")
    assert holds(stretch) == [20 * RATE]
    assert "An easier set: hold for twenty seconds, instead of thirty seconds." in texts(stretch)
    extension = plan_of("lower-back-extension", difficulty="easier")
    assert len(events(extension, "rep")) == 15
    assert holds(extension) == [3 * RATE] * 15  # 5 s * 2/3, rounded
    release = plan_of("piriformis-release", difficulty="easier")
    assert holds(release) == [80 * RATE]
    assert holds(plan_of("seated-piriformis-stretch", difficulty="harder")) == [30 * RATE]
