"""Where the session is (playing, saying something before it plays on, paused, or waiting for the
plan) and every way it goes from one to another, written once, in `Machine`.

Whether it is paused or waiting is a fact of the state, asked of it, never worked out again from
flags. The person's commands arrive as actions (commands_in.py makes the same action of a key and
of its spoken command); which way one came changes nothing here but the words said to show it was
heard. Those words go where the session goes: before it when it plays on from somewhere (so it
goes on exactly there, after them), else said in place while it stays still.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from typing import ClassVar, Protocol

from voice_coach.listening.commands import Action

RESTART_WITHIN_S = 3.0
"""`back` this soon after an exercise's start goes to the one before; later, restarts it."""
SILENCE_FIRST: frozenset[Action] = frozenset({"pause", "stop"})
"""Asked for quiet: silenced before the words are made. Any other answer is made first, while the
session still sounds, so that there is no gap while its words are synthesised."""


class Transport(Protocol):
    """What the transitions tell the sound and ask of the plan (transport.py; a fake in tests)."""

    @property
    def chapters(self) -> int: ...

    @property
    def sample_rate(self) -> int: ...

    def chapter_start(self, index: int) -> int | None: ...

    def chapter_at(self, position: int) -> int: ...

    def time_left(self, position: int) -> str: ...

    def answer(self, text: str) -> bytes: ...

    def again(self) -> bytes: ...

    def play(self, position: int, preamble: bytes = b"") -> None: ...

    def say(self, answer: bytes, position: int) -> None: ...

    def stop(self) -> int: ...

    def position(self) -> int: ...

    def in_preamble(self) -> bool: ...


@dataclass(frozen=True)
class Playing:
    """The session sounds; where it is, the transport says (the device's clock)."""

    playing: ClassVar[bool] = True
    paused: ClassVar[bool] = False
    waiting_for: ClassVar[None] = None

    def position(self, transport: Transport) -> int:
        return transport.position()


@dataclass(frozen=True)
class Telling:
    """Words first (an answer, an acknowledgement), then the session from `at`: the transport
    plays both as one stream, so the session goes on exactly where it was. It acts as Playing."""

    at: int
    playing: ClassVar[bool] = True
    paused: ClassVar[bool] = False
    waiting_for: ClassVar[None] = None

    def position(self, transport: Transport) -> int:
        return transport.position()  # `at` until the words are over: they count before it


@dataclass(frozen=True)
class Paused:
    at: int
    playing: ClassVar[bool] = False
    paused: ClassVar[bool] = True
    waiting_for: ClassVar[None] = None

    def position(self, transport: Transport) -> int:
        return self.at


@dataclass(frozen=True)
class Waiting:
    """Chapter `index` was asked for before it was planned: silent at `at` until it is, then
    playing from it (or paused there, if the person paused meanwhile)."""

    index: int
    at: int
    paused: bool = False
    playing: ClassVar[bool] = False

    @property
    def waiting_for(self) -> int:
        return self.index

    def position(self, transport: Transport) -> int:
        return self.at


State = Playing | Telling | Paused | Waiting
Still = Paused | Waiting


@dataclass(frozen=True)
class PlayFrom:
    """Where a transition sends the sound (not a state: what it becomes depends on the words)."""

    at: int


class Then(enum.Enum):
    GO_ON = "go on"
    END = "end"
    END_AFTER_WORDS = "end once the last words are heard"


class Machine:
    """The session's state, and the only place where it changes."""

    def __init__(self, transport: Transport, state: State | None = None) -> None:
        self.transport = transport
        self.state: State = state if state is not None else Playing()

    def act(self, action: Action, position: int, words: str = "") -> Then:
        """Do what the person asked, at `position` (where the screen showed the session when
        they asked); `words` show that it was heard (a spoken command's)."""
        paused = self.state.paused
        if (action == "pause" and paused) or (action == "resume" and not paused):
            return Then.GO_ON  # already so: nothing to do, nothing to say
        if action == "time":
            words = " ".join(w for w in (words, self.transport.time_left(position)) if w)
        early = self.transport.answer(words) if words and action not in SILENCE_FIRST else b""
        target, then = self._move(action, position)
        if action == "stop" and words:
            then = Then.END_AFTER_WORDS
        self._arrive(target, words, early)
        return then

    def tell(self, sound: bytes) -> None:
        """Something said that changes nothing (a reminder, the 'say again' tone): in place
        while the session is still, else before it goes on from where it is."""
        state = self.state
        if isinstance(state, Paused | Waiting):
            self.transport.say(sound, state.at)
        else:
            at = self.transport.stop()
            self.transport.play(at, sound)
            self.state = Telling(at)

    def tick(self) -> None:
        """What changes without the person: the plan reaching what the session waits for, and
        words said before the session goes on coming to their end."""
        state = self.state
        if isinstance(state, Waiting):
            start = self.transport.chapter_start(state.index)
            if start is not None:
                self._arrive(Paused(start) if state.paused else PlayFrom(start))
        elif isinstance(state, Telling) and not self.transport.in_preamble():
            self.state = Playing()

    def _move(self, action: Action, position: int) -> tuple[State | PlayFrom, Then]:
        state = self.state
        if action == "stop":
            return self._silenced(), Then.END
        if action == "pause":
            return self._silenced(), Then.GO_ON
        if action == "resume":
            return self._resumed(), Then.GO_ON
        if action == "time":
            return state, Then.GO_ON
        here = state.waiting_for
        if here is None:
            here = self.transport.chapter_at(position)
        if action == "next":
            if here + 1 >= self.transport.chapters:
                return state, Then.END
            return self._go_to(here + 1), Then.GO_ON
        if action == "back":
            start = self.transport.chapter_start(here)
            into = 0.0 if start is None else (position - start) / self.transport.sample_rate
            back = here if into > RESTART_WITHIN_S or here == 0 else here - 1
            return self._go_to(back), Then.GO_ON
        return self._go_to(here), Then.GO_ON  # repeat

    def _silenced(self) -> Still:
        state = self.state
        if isinstance(state, Waiting):
            return replace(state, paused=True)
        if isinstance(state, Paused):
            return state
        return Paused(self.transport.stop())

    def _resumed(self) -> State | PlayFrom:
        state = self.state
        if isinstance(state, Paused):
            return PlayFrom(state.at)
        if isinstance(state, Waiting):
            return replace(state, paused=False)
        return state

    def _go_to(self, index: int) -> State | PlayFrom:
        """Chapter `index`, at once if it is planned, else as soon as it is; paused there if
        the session was paused."""
        start = self.transport.chapter_start(index)
        state = self.state
        if isinstance(state, Paused | Waiting):
            at, paused = state.at, state.paused
        else:
            at, paused = self.transport.stop(), False
        if start is None:
            return Waiting(index, at, paused)
        return Paused(start) if paused else PlayFrom(start)

    def _arrive(self, target: State | PlayFrom, words: str = "", answer: bytes = b"") -> None:
        """Take up `target`, saying `words` before the session where it plays on from, else in
        place (made into sound now, if they were not made already)."""
        if words and not answer:
            answer = self.transport.answer(words)
        if isinstance(target, PlayFrom):
            self.transport.play(target.at, answer)
            self.state = Telling(target.at) if words else Playing()
            return
        self.state = target
        if words:
            self.tell(answer)
