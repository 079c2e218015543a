"""A fake clock, a player that plays by it, keys pressed on cue, and a screen that only
remembers: the session controller's world in fast tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from support.fakes import RATE
from voice_coach.playback.controller import Moment


class Clock:
    def __init__(self) -> None:
        self.now = 0.0


class FakePlayer:
    name = "fake"

    def __init__(self, clock: Clock, length: int | Callable[[], int]) -> None:
        self.clock = clock
        self._length = length
        self.begin = 0.0
        self.start_at = 0
        self.running = False
        self.starts: list[int] = []

    @property
    def length(self) -> int:
        """All of it, or (a plan still growing) as far as it is planned."""
        return self._length() if callable(self._length) else self._length

    def start(self, blocks: Iterator[bytes], position: int) -> None:
        self.begin, self.start_at, self.running = self.clock.now, position, True
        self.starts.append(position)

    def position(self) -> int:
        if not self.running:
            return self.start_at
        return min(self.length, self.start_at + int((self.clock.now - self.begin) * RATE))

    def stop(self) -> int:
        reached = self.position()
        self.running, self.start_at = False, reached
        return reached

    def done(self) -> bool:
        return self.running and self.position() >= self.length

    def close(self) -> None:
        self.running = False


Action = str | Callable[[], None]


class ScriptedKeys:
    """Presses each key once the fake clock reaches its time (or does something else then)."""

    def __init__(self, clock: Clock, script: list[tuple[float, Action]]) -> None:
        self.clock = clock
        self.script = list(script)

    def read(self, timeout: float) -> str | None:
        self.clock.now += timeout
        if self.script and self.clock.now >= self.script[0][0]:
            action = self.script.pop(0)[1]
            if callable(action):
                action()
                return None
            return action
        return None


class NullScreen:
    def __init__(self) -> None:
        self.paused_seen = False
        self.moments: list[Moment] = []

    def update(self, moment: Moment) -> None:
        self.paused_seen |= moment.paused
        self.moments.append(moment)

    def key(self, key: str) -> bool:
        return False

    def close(self) -> None:
        pass


class InstantPlayer:
    """Takes the whole session at once and reports it heard: the controller sees the end."""

    name = "instant"

    def __init__(self, sample_rate: int) -> None:
        self.sample_rate = sample_rate
        self.samples = 0
        self.started: list[int] = []

    def start(self, blocks: Iterator[bytes], position: int) -> None:
        self.started.append(position)
        self.samples = position + sum(len(b) // 2 for b in blocks)

    def position(self) -> int:
        return self.samples

    def stop(self) -> int:
        return self.samples

    def done(self) -> bool:
        return True

    def close(self) -> None:
        pass


def instant(players: list[InstantPlayer]) -> Callable[[str, int], InstantPlayer]:
    def make(name: str, rate: int) -> InstantPlayer:
        players.append(InstantPlayer(rate))
        return players[-1]

    return make
