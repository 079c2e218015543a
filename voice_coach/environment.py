"""The outside world as one replaceable object: terminal flags, questions, output, the engine.

The commands and use-cases never ask `sys` or `click` directly whether they may prompt, and never
build a speech engine themselves; they ask the Environment. Tests hand in one with scripted
answers and a fake engine, and run `choose` or the after-session questions in-process (the shape
of httpie's `Environment`).
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
)

from voice_coach import playback
from voice_coach.listening.listener import Listens, start_listening
from voice_coach.playback import Player
from voice_coach.speech import selection
from voice_coach.speech.selection import EngineSelector

T = TypeVar("T")


class Prompter(Protocol):
    """Asks the person a question and returns a checked answer (asking again when it is not)."""

    def choice(self, question: str, choices: Sequence[str], default: str) -> str: ...

    def confirm(self, question: str, default: bool) -> bool: ...

    def optional(self, question: str, parse: Callable[[str], T | None]) -> T | None:
        """Enter skips (None); `parse` raises ValueError with what to type instead."""


class TerminalPrompter:
    """Questions on the terminal, through click (its retry message on a bad answer)."""

    def choice(self, question: str, choices: Sequence[str], default: str) -> str:
        answer: str = click.prompt(question, type=click.Choice(list(choices)), default=default)
        return answer

    def confirm(self, question: str, default: bool) -> bool:
        return click.confirm(question, default=default)

    def optional(self, question: str, parse: Callable[[str], T | None]) -> T | None:
        def checked(text: str) -> T | None:
            try:
                return parse(text)
            except ValueError as exc:
                raise click.BadParameter(str(exc)) from None

        answer: T | None = click.prompt(
            question, default="", show_default=False, value_proc=checked
        )
        return answer


def _echo(text: str) -> None:
    click.echo(text)


def _echo_err(text: str) -> None:
    click.echo(text, err=True)


@dataclass
class Environment:
    """Where a command runs. `from_process()` is the real one; tests build their own."""

    stdin_isatty: bool = False
    stdout_isatty: bool = False
    stderr_isatty: bool = False
    prompter: Prompter = field(default_factory=TerminalPrompter)
    select_engine: EngineSelector = selection.select_engine
    make_player: Callable[[str, int], Player] = playback.make_player
    """A sound output by name (`--player`) at a sample rate."""
    make_listener: Callable[[str, str, float], Listens] = start_listening
    """The microphone (a device), listening for a wake word at a sensitivity."""
    echo: Callable[[str], None] = _echo
    """A line for the person (stdout)."""
    note: Callable[[str], None] = _echo_err
    """A line about the run itself (stderr): notes, progress, never results."""

    @classmethod
    def from_process(cls) -> Environment:
        return cls(
            stdin_isatty=sys.stdin.isatty(),
            stdout_isatty=sys.stdout.isatty(),
            stderr_isatty=sys.stderr.isatty(),
        )

    @contextlib.contextmanager
    def progress(self, total: int, label: str) -> Iterator[Callable[[int], None] | None]:
        """A progress bar with the time left on a terminal's stderr, gone when done; nothing
        when stderr is a file or a pipe. The estimate comes from the work done so far."""
        if not self.stderr_isatty or total <= 0:
            yield None
            return
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            TaskProgressColumn(),
            TimeRemainingColumn(),
        )
        console = Console(stderr=True)
        with Progress(*columns, console=console, transient=True) as bar:
            task = bar.add_task(label, total=total)
            yield lambda done: bar.advance(task, done)

    @property
    def can_ask(self) -> bool:
        """Questions need a person at a keyboard: stdin must be a terminal."""
        return self.stdin_isatty
