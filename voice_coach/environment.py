"""The outside world as one replaceable object: terminal flags, questions, output, the engine.

The commands and use-cases never ask `sys` whether they may prompt, and never build a speech
engine or a player themselves; they ask the Environment. The command line hands in the real one
(voice_coach.cli.terminal: click's prompts, rich's progress bars); tests hand in one with
scripted answers and a fake engine, and run `choose` or the after-session questions in-process
(the shape of httpie's `Environment`). The factories import their stages only when called, so
a command that never plays loads no player.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, TypeVar

from voice_coach.errors import inert_lines

if TYPE_CHECKING:
    from voice_coach.listening.listener import Listens
    from voice_coach.playback.base import Player
    from voice_coach.speech.selection import Choice, EngineSelector

T = TypeVar("T")


class Prompter(Protocol):
    """Asks the person a question and returns a checked answer (asking again when it is not)."""

    def choice(self, question: str, choices: Sequence[str], default: str) -> str: ...

    def confirm(self, question: str, default: bool) -> bool: ...

    def optional(self, question: str, parse: Callable[[str], T | None]) -> T | None:
        """Enter skips (None); `parse` raises ValueError with what to type instead."""


class NoPrompter:
    """The default: no one to ask (the command line hands in a terminal's prompter)."""

    def choice(self, question: str, choices: Sequence[str], default: str) -> str:
        raise RuntimeError(f"no terminal to ask: {question}")

    def confirm(self, question: str, default: bool) -> bool:
        raise RuntimeError(f"no terminal to ask: {question}")

    def optional(self, question: str, parse: Callable[[str], T | None]) -> T | None:
        raise RuntimeError(f"no terminal to ask: {question}")


def _echo(text: str) -> None:
    print(inert_lines(text), flush=True)


def _echo_err(text: str) -> None:
    print(inert_lines(text), file=sys.stderr, flush=True)


def _select_engine(
    name: str | None,
    voice: str | None = None,
    rate: int | None = None,
    *,
    voice_model: str | None = None,
    source: str = "--engine",
    voice_from: str = "--voice",
) -> Choice:
    from voice_coach.speech.selection import select_engine

    return select_engine(
        name, voice, rate, voice_model=voice_model, source=source, voice_from=voice_from
    )


def _make_player(name: str, sample_rate: int) -> Player:
    from voice_coach.playback import make_player

    return make_player(name, sample_rate)


def _make_listener(device: str, wake_word: str, sensitivity: float, fit: int) -> Listens:
    from voice_coach.listening.listener import start_listening

    return start_listening(device, wake_word, sensitivity, fit)


ProgressBar = Callable[[int, str], AbstractContextManager[Callable[[int], None] | None]]
"""A progress bar for `total` units of work with a label; it yields the function that advances
it, or None when there is nowhere to show one."""


@contextlib.contextmanager
def _no_progress(total: int, label: str) -> Iterator[Callable[[int], None] | None]:
    yield None


@dataclass
class Environment:
    """Where a command runs. The command line builds the real one; tests build their own."""

    stdin_isatty: bool = False
    stdout_isatty: bool = False
    stderr_isatty: bool = False
    prompter: Prompter = field(default_factory=NoPrompter)
    select_engine: EngineSelector = _select_engine
    make_player: Callable[[str, int], Player] = _make_player
    """A sound output by name (`--player`) at a sample rate."""
    make_listener: Callable[[str, str, float, int], Listens] = _make_listener
    """The microphone (a device), listening for a wake word at a sensitivity and voice fit."""
    echo: Callable[[str], None] = _echo
    """A line for the person (stdout)."""
    note: Callable[[str], None] = _echo_err
    """A line about the run itself (stderr): notes, progress, never results."""
    progress_bar: ProgressBar = _no_progress
    """How a long wait is shown (only used when stderr is a terminal)."""

    @contextlib.contextmanager
    def progress(self, total: int, label: str) -> Iterator[Callable[[int], None] | None]:
        """A progress bar with the time left on a terminal's stderr, gone when done; nothing
        when stderr is a file or a pipe."""
        if not self.stderr_isatty or total <= 0:
            yield None
            return
        with self.progress_bar(total, label) as step:
            yield step

    @property
    def can_ask(self) -> bool:
        """Questions need a person at a keyboard: stdin must be a terminal."""
        return self.stdin_isatty
