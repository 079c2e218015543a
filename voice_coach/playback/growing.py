"""A plan that is still being built while the session already plays.

On a cold cache every cue must be synthesised before the plan is complete, which takes far longer
than a person will wait in silence. The plan is built front to back in a background thread, so its
first events are final long before its last: the session plays them at once, and the keys and the
screen work on the plan as it is so far. What is not planned yet is simply not there yet: a skip
to it waits for it (the screen says "preparing"), and it arrives much faster than it is heard.
"""

from __future__ import annotations

import bisect
import contextlib
import os
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import NoReturn

from voice_coach.errors import ExitStatus
from voice_coach.model import Chapter, Event, Timeline
from voice_coach.plan.timeline import ChapterTitle, PlanSink

THREAD_NAME = "voice-coach-planner"


def leave(code: int) -> NoReturn:
    """End the process, without waiting for a cue still being synthesised when a session ended
    before its planning did: the speech runtime aborts the process when it is torn down in the
    middle of a cue, and that cue is not needed (its cache entry is never half-written).
    After Ctrl-C (130) too: tearing down the voice model can take a second on a busy machine,
    and a person who pressed it wants the prompt back at once (every file is already whole)."""
    planning = any(t.name == THREAD_NAME and t.is_alive() for t in threading.enumerate())
    if planning or code == ExitStatus.INTERRUPTED:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


class _Cancelled(Exception):
    """Raised inside the planning thread once nobody needs the rest of the plan."""


class GrowingPlan:
    """The plan so far, safe to read from any thread while the planning thread adds to it."""

    def __init__(
        self,
        target: tuple[str, ...],
        sample_rate: int,
        titles: Sequence[ChapterTitle],
        build: Callable[[PlanSink], Timeline] | None = None,
        guess: Timeline | None = None,
    ) -> None:
        self.target = target
        self.guess = guess
        """The same plan on word-count guesses: lengths to go by until the real ones are known."""
        self.sample_rate = sample_rate
        self.titles = tuple(titles)
        self._events: list[Event] = []
        self._ends: list[int] = []
        self._starts: list[int] = []
        self._changed = threading.Condition()
        self._result: Timeline | None = None
        self._error: BaseException | None = None
        self._cancelled = False
        self._snapshot: tuple[int, Timeline] | None = None
        self._version = 0
        self._thread: threading.Thread | None = None
        if build is not None:
            self._thread = threading.Thread(
                target=self._run, args=(build,), name=THREAD_NAME, daemon=True
            )
            self._thread.start()

    @classmethod
    def of(cls, timeline: Timeline) -> GrowingPlan:
        """A plan that is complete from the start (a warm cache, or a test)."""
        titles = [(c.exercise, c.title) for c in timeline.chapters]
        plan = cls(timeline.target, timeline.sample_rate, titles)
        plan._finish(timeline)
        return plan

    # The planning thread's side (a PlanSink).

    def _run(self, build: Callable[[PlanSink], Timeline]) -> None:
        try:
            result = build(self)
        except _Cancelled:
            return
        except BaseException as exc:  # handed to the session's thread, which raises it
            with self._changed:
                self._error = exc
                self._changed.notify_all()
            return
        self._finish(result)

    def _finish(self, result: Timeline) -> None:
        with self._changed:
            self._result = result
            self._events = list(result.events)
            self._ends = [e.end for e in result.events]
            self._starts = [c.start for c in result.chapters]
            self._version += 1
            self._changed.notify_all()

    def event(self, event: Event) -> None:
        with self._growing():
            self._events.append(event)
            self._ends.append(event.end)

    def chapter(self, start: int) -> None:
        with self._growing():
            self._starts.append(start)

    @contextlib.contextmanager
    def _growing(self) -> Iterator[None]:
        """Add to the plan under the lock, then wake the readers; nobody listening any more
        (the session ended) stops the planning thread here."""
        with self._changed:
            if self._cancelled:
                raise _Cancelled
            yield
            self._version += 1
            self._changed.notify_all()

    # The session's side.

    def check(self) -> None:
        """Raise what went wrong in the planning thread, if anything did."""
        if self._error is not None:
            raise self._error

    @property
    def complete(self) -> bool:
        return self._result is not None

    @property
    def guess_length(self) -> int:
        if self._result is not None:
            return self._result.length
        return max(self.planned, self.guess.length if self.guess else 0)

    @property
    def planned(self) -> int:
        """How much of the session (in samples) is final so far."""
        with self._changed:
            return self._ends[-1] if self._ends else 0

    def chapter_start(self, index: int) -> int | None:
        """Where chapter `index` begins, once that is known and its first sound is planned."""
        with self._changed:
            if index >= len(self._starts):
                return None
            start = self._starts[index]
            planned = self._ends[-1] if self._ends else 0
            return start if start < planned or self._result is not None else None

    def snapshot(self) -> Timeline:
        """The plan so far as a timeline; the last known chapter ends where planning has got to."""
        with self._changed:
            if self._result is not None:
                return self._result
            if self._snapshot is not None and self._snapshot[0] == self._version:
                return self._snapshot[1]
            version, events, starts = self._version, tuple(self._events), list(self._starts)
        planned = events[-1].end if events else 0
        ends = [*starts[1:], max(planned, starts[-1] if starts else 0)]
        chapters = tuple(
            Chapter(exercise, title, start, end)
            for (exercise, title), start, end in zip(self.titles, starts, ends, strict=False)
        )
        timeline = Timeline(self.target, self.sample_rate, events, chapters)
        with self._changed:
            self._snapshot = (version, timeline)
        return timeline

    def stream(self, start: int) -> EventStream:
        return EventStream(self, start)

    def _events_from(self, index: int, stream: EventStream) -> list[Event]:
        """The events from `index` on, waiting while there are none yet; [] at the end."""
        with self._changed:
            while (
                index >= len(self._events)
                and self._result is None
                and self._error is None
                and not stream.cancelled
            ):
                self._changed.wait()
            if stream.cancelled:
                return []
            return self._events[index:]

    def _first_ending_after(self, start: int) -> int:
        with self._changed:
            return bisect.bisect_right(self._ends, start)

    def _wake(self) -> None:
        with self._changed:
            self._changed.notify_all()

    def wait_for_sound(self, timeout: float) -> bool:
        """Wait up to `timeout` seconds for the first event; True once there is one."""
        with self._changed:
            self._changed.wait_for(
                lambda: bool(self._events) or self._result is not None or self._error is not None,
                timeout,
            )
            return bool(self._events)

    def final(self) -> Timeline:
        """The whole plan if it is complete; else stop planning and keep what there is (the
        session ended early, and nobody should wait for the rest to be synthesised). The thread
        stops at its next cue."""
        with self._changed:
            if self._result is None:
                self._cancelled = True
                self._changed.notify_all()
        self.check()
        return self.snapshot()


class EventStream:
    """The plan's events from a sample on, as they become final; cancelling it ends it at once
    (a player waiting for the next event must never make a key wait)."""

    def __init__(self, plan: GrowingPlan, start: int) -> None:
        self.plan = plan
        self.start = start
        self.cancelled = False

    def __iter__(self) -> Iterator[Event]:
        index = self.plan._first_ending_after(self.start)
        while True:
            ready = self.plan._events_from(index, self)
            if not ready:
                return
            yield from ready
            index += len(ready)

    def cancel(self) -> None:
        self.cancelled = True
        self.plan._wake()
