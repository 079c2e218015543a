"""The session controller's rules, on a fake clock and a fake player (fast; the real sound server
proves the same behaviour in test_playback_real.py)."""

from __future__ import annotations

import io

from support.fakes import RATE, PlanFn
from support.playback import Clock, FakePlayer, NullScreen, ScriptedKeys

from voice_coach.model import Library, Timeline
from voice_coach.plan import spoken
from voice_coach.playback.controller import Moment, SessionController
from voice_coach.playback.screen import PlainScreen, count_at


def run(
    timeline: Timeline, script: list[tuple[float, str]]
) -> tuple[SessionController, FakePlayer, object]:
    clock = Clock()
    player = FakePlayer(clock, timeline.length)
    controller = SessionController(
        timeline, lambda text: b"", player, NullScreen(), ScriptedKeys(clock, script)
    )
    return controller, player, controller.run()


def test_straight_through_completes_everything(plan_of: PlanFn) -> None:
    timeline = plan_of("disc-bulge", reps=2, hold_s=5)
    _, player, outcome = run(timeline, [])
    assert outcome.completed == ["lower-back-extension", "pelvic-tilts", "decompression"]  # type: ignore[attr-defined]
    assert outcome.skipped == [] and not outcome.quit  # type: ignore[attr-defined]
    assert outcome.heard_samples == timeline.length  # type: ignore[attr-defined]
    assert player.starts == [0]


def test_pause_resumes_from_the_sample_reached(plan_of: PlanFn) -> None:
    timeline = plan_of("disc-bulge", reps=2, hold_s=5)
    controller, player, outcome = run(timeline, [(10.0, " "), (13.0, " ")])
    assert len(player.starts) == 2
    resumed = player.starts[1]
    assert abs(resumed - 10 * RATE) <= RATE * 0.05  # where the pause caught it
    assert outcome.heard_samples == timeline.length  # type: ignore[attr-defined]
    assert controller.screen.paused_seen  # type: ignore[attr-defined]


def test_next_previous_repeat_and_quit(plan_of: PlanFn) -> None:
    timeline = plan_of("disc-bulge", reps=2, hold_s=5)
    chapters = timeline.chapters
    # n at 5 s -> chapter 2; r 10 s later restarts chapter 2; p right after -> chapter 1; q.
    _, player, outcome = run(timeline, [(5.0, "n"), (15.0, "r"), (15.5, "p"), (17.0, "q")])
    assert player.starts == [0, chapters[1].start, chapters[1].start, chapters[0].start]
    assert outcome.quit and outcome.completed == []  # type: ignore[attr-defined]
    assert outcome.skipped == ["lower-back-extension", "pelvic-tilts", "decompression"]  # type: ignore[attr-defined]


def test_p_late_in_an_exercise_restarts_it(plan_of: PlanFn) -> None:
    timeline = plan_of("disc-bulge", reps=2, hold_s=5)
    _, player, _ = run(timeline, [(1.0, "n"), (10.0, "p"), (11.0, "q")])
    assert player.starts[-1] == timeline.chapters[1].start
    second = timeline.chapters[1].start
    assert player.starts == [0, second, second]  # the `p` itself restarted it


def test_n_on_the_last_exercise_ends_the_session(plan_of: PlanFn) -> None:
    timeline = plan_of("pelvic-tilts", reps=2)
    _, _, outcome = run(timeline, [(2.0, "n")])
    assert outcome.quit and outcome.skipped == ["pelvic-tilts"]  # type: ignore[attr-defined]


def test_plain_screen_prints_each_cue_once_and_follows_skips(
    plan_of: PlanFn, library: Library
) -> None:
    timeline = plan_of("disc-bulge", reps=2, hold_s=5)
    out = io.StringIO()
    screen = PlainScreen(out)
    titles = tuple((c.exercise, c.title) for c in timeline.chapters)
    for position in range(0, timeline.chapters[0].end, RATE // 10):
        screen.update(Moment(timeline, position, False, titles))
    screen.update(Moment(timeline, timeline.chapters[2].start + RATE, False, titles))  # a skip
    lines = out.getvalue().splitlines()
    # The session's intro comes first, then the first exercise's heading.
    assert lines[0] == "[0:00] Welcome to your sciatica session."
    heading = lines.index("== Lower Back Extension")
    intro = [e for e in timeline.events if e.kind == "speech" and e.exercise is None]
    assert lines[:heading] == [line for line in lines[:heading] if line.startswith("[")]
    assert heading == len([e for e in intro if e.start < timeline.chapters[0].end])
    spoken = [line for line in lines if line.startswith("[")]
    assert len(spoken) == len(set(spoken))
    assert "== Decompression" in lines
    assert not any("Pelvic Tilts." in line for line in lines[lines.index("== Decompression") :])


def test_countdown_and_rep_counter(plan_of: PlanFn) -> None:
    timeline = plan_of("seated-piriformis-stretch", "pelvic-tilts")
    start = next(e for e in timeline.events if e.role == "hold-start").end
    assert str(count_at(timeline, start + RATE // 2)) == "Hold: 30 s left"
    assert str(count_at(timeline, start + 20 * RATE + 1)) == "Hold: 10 s left"
    reps = [e for e in timeline.events if e.role == "rep"]
    assert str(count_at(timeline, reps[6].start + 10)) == "Rep 7 of 20"
    # While the plan still grows, a set's total is not known yet: it is left out, not guessed.
    assert str(count_at(timeline, reps[6].start + 10, complete=False)) == "Rep 7"


def test_t_says_the_time_left_and_the_session_goes_on_where_it_was(plan_of: PlanFn) -> None:
    timeline = plan_of("disc-bulge", reps=2, hold_s=5)
    said: list[str] = []

    def cue(text: str) -> bytes:
        said.append(text)
        return bytes(RATE)  # half a second of words

    clock = Clock()
    player = FakePlayer(clock, timeline.length)
    controller = SessionController(
        timeline, cue, player, NullScreen(), ScriptedKeys(clock, [(10.0, "t")])
    )
    outcome = controller.run()
    chapter = timeline.chapters[0]
    position = player.starts[1]  # counted before where it stopped: the answer comes first
    preamble = round(0.15 * RATE) * 2 + RATE // 2  # the tone and gap, then the words
    stopped = position + preamble
    assert abs(stopped - 10 * RATE) <= RATE * 0.05  # it goes on from where it was, after them
    left = (chapter.end - stopped) // RATE
    total = (timeline.length - stopped) // RATE
    assert said == [spoken.remaining(left, total)]
    assert said[0].startswith("About ") and "left in this exercise" in said[0]
    assert outcome.heard_samples == timeline.length  # nothing heard twice, nothing skipped
    assert outcome.completed == ["lower-back-extension", "pelvic-tilts", "decompression"]


def test_the_spoken_time_left_rounds_as_a_person_would() -> None:
    assert spoken.remaining(150, 900) == (
        "About three minutes left in this exercise, and fifteen minutes in the session."
    )
    assert spoken.remaining(44, 61) == (
        "About forty seconds left in this exercise, and one minute in the session."
    )
    assert spoken.remaining(None, 3) == "About ten seconds left in the session."


class Song:
    """Music whose title says which second of music time is heard."""

    def read(self, at: int, count: int) -> object:
        import numpy as np

        return np.zeros(count, dtype=np.float32)

    def title_at(self, at: int) -> str | None:
        return f"second {at // RATE}"


def test_music_pauses_with_the_session_and_does_not_jump_on_a_skip(plan_of: PlanFn) -> None:
    from voice_coach.audio.mix import Mixing

    timeline = plan_of("disc-bulge", reps=2, hold_s=5)
    clock = Clock()
    player = FakePlayer(clock, timeline.length)
    mixing = Mixing(Song(), RATE, lambda: timeline.length)  # type: ignore[arg-type]
    screen = NullScreen()
    script = [(10.0, " "), (13.0, " "), (20.0, "n")]
    controller = SessionController(
        timeline, lambda text: b"", player, screen, ScriptedKeys(clock, script), mixing=mixing
    )
    controller.run()
    paused = [m for m in screen.moments if m.paused]
    assert paused and all(m.music is None for m in paused)  # nothing shown while still
    resumed, skipped = player.starts[1], player.starts[2]
    assert skipped > 20 * RATE
    after_pause = next(m for m in screen.moments if m.position >= resumed and not m.paused)
    after_skip = next(m for m in screen.moments if m.position >= skipped)
    # After the pause the music goes on from the 10 s heard; after the skip from the 17 s heard
    # (10 before the pause, 7 after), wherever in the session the skip landed.
    assert after_pause.music == "second 10"
    assert after_skip.music == "second 17"
