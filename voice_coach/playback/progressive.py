"""Planning in the background while the session already plays.

On a cold cache every cue must be synthesised before the plan is complete. The plan is built
front to back, so its first events are final long before its last: they are handed over as they
become final, and playback starts once the first exercise is planned, while the rest is still
being synthesised and planned faster than it is heard.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

from voice_coach.model import Event, Timeline


class LiveTimeline:
    def __init__(self, build: Callable[[Callable[[Event], None]], Timeline]) -> None:
        self._events: list[Event] = []
        self._changed = threading.Condition()
        self._result: Timeline | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(build,), daemon=True)
        self._thread.start()

    def _run(self, build: Callable[[Callable[[Event], None]], Timeline]) -> None:
        try:
            result = build(self._add)
        except BaseException as exc:  # handed to the waiting thread, which raises it
            with self._changed:
                self._error = exc
                self._changed.notify_all()
            return
        with self._changed:
            self._result = result
            self._changed.notify_all()

    def _add(self, event: Event) -> None:
        with self._changed:
            self._events.append(event)
            self._changed.notify_all()

    def _check(self) -> None:
        if self._error is not None:
            raise self._error

    def wait_for_first_exercise(self) -> None:
        """Return once the first exercise is fully planned (an event of another one exists)."""
        with self._changed:
            while True:
                self._check()
                if self._result is not None:
                    return
                seen = [e.exercise for e in self._events if e.exercise]
                if seen and seen[-1] != seen[0]:
                    return
                self._changed.wait()

    def events(self) -> Iterator[Event]:
        """Every event in order, waiting for those not planned yet."""
        index = 0
        while True:
            with self._changed:
                while index >= len(self._events) and self._result is None:
                    self._check()
                    self._changed.wait()
                self._check()
                if index >= len(self._events):
                    return
                ready = self._events[index:]
            yield from ready
            index += len(ready)

    def result(self) -> Timeline:
        self._thread.join()
        self._check()
        assert self._result is not None
        return self._result
