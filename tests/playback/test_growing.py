"""A session that plays while it is still being planned: keys, screen and score from the first
moment (fast: fake clock, fake player; the sound-server test proves it with Piper for real)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from support.fakes import RATE, FakeLengths
from support.playback import Clock, FakePlayer, NullScreen, ScriptedKeys

from voice_coach.content.loader import resolve_target
from voice_coach.model import Event, Library, Settings, Timeline
from voice_coach.plan.timeline import PlanSink, build_timeline, outline
from voice_coach.playback.controller import SessionController
from voice_coach.playback.growing import GrowingPlan


class Recorded:
    """A PlanSink that keeps what the planner said, to be replayed into a GrowingPlan bit by bit."""

    def __init__(self) -> None:
        self.steps: list[tuple[str, object]] = []

    def event(self, event: Event) -> None:
        self.steps.append(("event", event))

    def chapter(self, start: int) -> None:
        self.steps.append(("chapter", start))


def planned(library: Library, *target: str, **options: object) -> tuple[Timeline, Recorded, list]:  # type: ignore[type-arg]
    ids, playlist = resolve_target(library, target)
    settings = Settings(**options)  # type: ignore[arg-type]
    sink = Recorded()
    timeline = build_timeline(library, ids, playlist, settings, FakeLengths(), RATE, sink=sink)
    return timeline, sink, list(outline(library, ids, settings))


def feeder(plan: GrowingPlan, sink: Recorded, timeline: Timeline) -> Callable[[int], None]:
    """Hands the plan the planner's steps up to `upto` samples (all of them past the end)."""
    given = [0]

    def feed(upto: int) -> None:
        while given[0] < len(sink.steps):
            kind, value = sink.steps[given[0]]
            at = value.start if isinstance(value, Event) else value
            assert isinstance(at, int)
            if at > upto:
                return
            if kind == "event":
                assert isinstance(value, Event)
                plan.event(value)
            else:
                plan.chapter(at)
            given[0] += 1
        plan._finish(timeline)

    return feed


def test_the_planner_tells_every_chapter_start_and_event_in_order(library: Library) -> None:
    timeline, sink, _ = planned(library, "disc-bulge", reps=2, hold_s=5, disclaimer=True)
    events = [v for k, v in sink.steps if k == "event"]
    starts = [v for k, v in sink.steps if k == "chapter"]
    assert tuple(events) == timeline.events
    assert starts == [c.start for c in timeline.chapters]
    # Each chapter's start is told before any of its events.
    for index, (kind, value) in enumerate(sink.steps):
        if kind == "chapter":
            assert all(e.end <= value for k, e in sink.steps[:index] if k == "event")  # type: ignore[attr-defined]


def test_everything_before_a_cue_is_final_before_the_cue_is_synthesised(library: Library) -> None:
    """On a cold cache each cue's length is known only once it is synthesised. A session that
    has just begun plays what is final meanwhile, so the pause before the words must be final
    already: otherwise the first words alone are there to play, and the session waits for the
    second cue before it can start (or runs dry and its pause grows)."""
    ids, playlist = resolve_target(library, ("disc-bulge",))
    sink = Recorded()
    asked: list[tuple[str, int]] = []

    def length(text: str) -> int:
        told = [v for k, v in sink.steps if k == "event"]
        asked.append((text, told[-1].end if told else 0))  # type: ignore[attr-defined]
        return RATE // 10 + len(text) * RATE // 20

    settings = Settings(reps=2, hold_s=5, disclaimer=True)
    timeline = build_timeline(library, ids, playlist, settings, length, RATE, sink=sink)
    said = [e for e in timeline.events if e.text]
    assert len(said) > 20
    # Each word's own synthesis is the last one asked for its text before the next word's
    # (lengths are asked for timing too): matched from the end.
    late, upto = [], len(asked)
    for event in reversed(said):
        upto = max(i for i in range(upto) if asked[i][0] == event.text)
        if asked[upto][1] != event.start:
            late.append(event.text)
    assert late == []


def test_keys_act_at_once_on_a_plan_still_growing(library: Library) -> None:
    timeline, sink, titles = planned(library, "disc-bulge", reps=2, hold_s=5)
    plan = GrowingPlan(timeline.target, RATE, titles)
    feed = feeder(plan, sink, timeline)
    feed(2 * RATE)  # only the first seconds are planned when the session starts
    clock = Clock()
    player = FakePlayer(clock, lambda: plan.planned)
    second = timeline.chapters[1].start
    script: list[tuple[float, str | Callable[[], None]]] = [
        (1.0, "n"),  # skip to an exercise not planned yet: silence, and "preparing" on screen
        (1.5, " "),  # pause while waiting
        (2.0, lambda: feed(second + RATE)),  # now it is planned
        (2.5, " "),  # resume: it plays from the new exercise's start
        (3.0, lambda: feed(timeline.length + 1)),
        (4.0, "q"),
    ]
    screen = NullScreen()
    controller = SessionController(
        plan, lambda text: b"", player, screen, ScriptedKeys(clock, script)
    )
    outcome = controller.run()
    assert player.starts == [0, second]
    waiting = [m for m in screen.moments if m.preparing == "Pelvic Tilts"]
    assert waiting and all(m.position < 2 * RATE for m in waiting)  # shown where it stopped
    assert any(m.paused and m.preparing for m in screen.moments)
    assert outcome.quit and outcome.skipped == [
        "lower-back-extension",
        "pelvic-tilts",
        "decompression",
    ]


def test_the_screen_says_preparing_when_the_sound_catches_up(library: Library) -> None:
    timeline, sink, titles = planned(library, "pelvic-tilts", reps=2)
    plan = GrowingPlan(timeline.target, RATE, titles)
    feed = feeder(plan, sink, timeline)
    feed(3 * RATE)
    so_far = plan.planned
    clock = Clock()
    player = FakePlayer(clock, lambda: plan.planned)
    screen = NullScreen()
    script: list[tuple[float, str | Callable[[], None]]] = [
        (8.0, lambda: feed(timeline.length + 1))
    ]
    outcome = SessionController(
        plan, lambda text: b"", player, screen, ScriptedKeys(clock, script)
    ).run()
    caught_up = [m for m in screen.moments if m.preparing]
    assert caught_up and all(so_far - RATE // 10 <= m.position <= so_far for m in caught_up)
    assert not screen.moments[-1].preparing
    assert outcome.completed == ["pelvic-tilts"] and not outcome.quit
    assert outcome.heard_samples == timeline.length


def test_an_exercise_is_done_only_once_its_end_is_final(library: Library) -> None:
    """Reaching the end of what is planned so far is not reaching the end of the exercise."""
    timeline, sink, titles = planned(library, "pelvic-tilts", "clam-shell", reps=2)
    plan = GrowingPlan(timeline.target, RATE, titles)
    feed = feeder(plan, sink, timeline)
    feed(timeline.chapters[0].end - RATE)
    clock = Clock()
    player = FakePlayer(clock, lambda: plan.planned)
    end = timeline.chapters[0].end / RATE
    outcome = SessionController(
        plan, lambda text: b"", player, NullScreen(), ScriptedKeys(clock, [(end + 5, "q")])
    ).run()
    assert outcome.completed == [] and outcome.skipped == ["pelvic-tilts", "clam-shell"]


def test_a_waiting_reader_lets_go_the_moment_it_is_cancelled(library: Library) -> None:
    timeline, sink, titles = planned(library, "pelvic-tilts", reps=2)
    plan = GrowingPlan(timeline.target, RATE, titles)
    feeder(plan, sink, timeline)(RATE)
    waits: list[float | None] = []
    waiting = threading.Event()

    class Recorded(threading.Condition):
        def wait(self, timeout: float | None = None) -> bool:
            waits.append(timeout)
            waiting.set()  # the lock is still held: a cancel cannot slip in before the wait
            return super().wait(timeout)

    plan._changed = Recorded()  # type: ignore[attr-defined]
    stream = plan.stream(0)
    seen: list[Event] = []
    reader = threading.Thread(target=lambda: seen.extend(stream))
    reader.start()
    assert waiting.wait(timeout=10)  # until it waits for more
    assert reader.is_alive() and seen  # it has what is planned and waits for more
    stream.cancel()
    reader.join(timeout=10)
    # It waited without a timeout, so only the cancel's notify can have let it go: no polling,
    # and no wall-clock bound needed to show it.
    assert not reader.is_alive() and waits and all(w is None for w in waits)


def test_planning_in_the_background_and_stopping_it_early(library: Library) -> None:
    ids, playlist = resolve_target(library, ["disc-bulge"])
    settings = Settings(reps=2, hold_s=5)
    gate = threading.Event()
    asked: list[str] = []

    def slow_lengths(text: str) -> int:
        asked.append(text)
        if len(asked) > 5:
            gate.wait(5)  # a slow synthesis of the sixth cue
        return RATE // 10 + len(text) * RATE // 20

    def build(sink: PlanSink) -> Timeline:
        return build_timeline(library, ids, playlist, settings, slow_lengths, RATE, sink=sink)

    plan = GrowingPlan(("disc-bulge",), RATE, outline(library, ids, settings), build)
    assert plan.wait_for_sound(5)
    assert not plan.complete and plan.chapter_start(1) is None
    partial = plan.final()  # the session ended: keep what there is, stop planning
    gate.set()
    planner = plan._thread
    assert planner is not None
    planner.join(timeout=10)  # it ends of itself, or this test would hang here
    assert not planner.is_alive() and len(asked) <= 7  # it stopped at the next cue
    assert partial.events and partial.length < 60 * RATE
    assert partial.target == ("disc-bulge",)


def test_a_fault_while_planning_reaches_the_session(library: Library) -> None:
    def build(sink: PlanSink) -> Timeline:
        sink.chapter(0)
        raise OSError(28, "No space left on device")

    plan = GrowingPlan(("pelvic-tilts",), RATE, [("pelvic-tilts", "Pelvic Tilts")], build)
    clock = Clock()
    controller = SessionController(
        plan, lambda text: b"", FakePlayer(clock, lambda: 0), NullScreen(), ScriptedKeys(clock, [])
    )
    with pytest.raises(OSError, match="No space"):
        controller.run()


def test_every_key_works_before_the_first_sound_is_planned(library: Library) -> None:
    timeline, sink, titles = planned(library, "pelvic-tilts", "clam-shell", reps=2)
    plan = GrowingPlan(timeline.target, RATE, titles, guess=timeline)
    feed = feeder(plan, sink, timeline)
    clock = Clock()
    player = FakePlayer(clock, lambda: plan.planned)
    said: list[str] = []

    def cue(text: str) -> bytes:
        said.append(text)
        return bytes(RATE // 10)

    script: list[tuple[float, str | Callable[[], None]]] = [
        (0.1, "t"),  # nothing planned yet: the answer comes from the plan's guess
        (0.2, " "),
        (0.3, "n"),
        (0.4, "p"),
        (0.5, "r"),
        (0.6, " "),
        (1.0, lambda: feed(timeline.length + 1)),
        (3.0, "q"),
    ]
    screen = NullScreen()
    outcome = SessionController(plan, cue, player, screen, ScriptedKeys(clock, script)).run()
    assert said and "left in the session" in said[0]
    assert screen.moments[0].preparing and outcome.quit
    assert player.starts[-1] == 0  # back at the start once it was planned, as `p` asked
