"""The real terminal behind the Environment: click's prompts and output, rich's progress bars,
and the process's own tty flags. Only the command line builds it."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

import click

from voice_coach.cli.common import say
from voice_coach.environment import Environment
from voice_coach.errors import inert_lines

T = TypeVar("T")


class TerminalPrompter:
    """Questions on the terminal, through click (its retry message on a bad answer)."""

    def choice(self, question: str, choices: Sequence[str], default: str) -> str:
        answer: str = click.prompt(
            inert_lines(question), type=click.Choice(list(choices)), default=default
        )
        return answer

    def confirm(self, question: str, default: bool) -> bool:
        return click.confirm(inert_lines(question), default=default)

    def optional(self, question: str, parse: Callable[[str], T | None]) -> T | None:
        def checked(text: str) -> T | None:
            try:
                return parse(text)
            except ValueError as exc:
                raise click.BadParameter(str(exc)) from None

        answer: T | None = click.prompt(
            inert_lines(question), default="", show_default=False, value_proc=checked
        )
        return answer


def _echo(text: str) -> None:
    say(text)


def _echo_err(text: str) -> None:
    say(text, err=True)


@contextlib.contextmanager
def _bar(total: int, label: str) -> Iterator[Callable[[int], None] | None]:
    """A bar with the time left on stderr, gone when done; the estimate comes from the work
    done so far."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeRemainingColumn,
    )

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda done: bar.advance(task, done)


def real_environment() -> Environment:
    """The Environment of this process: its tty flags, click's prompts and output, and a
    progress bar when stderr is a terminal."""
    return Environment(
        stdin_isatty=sys.stdin.isatty(),
        stdout_isatty=sys.stdout.isatty(),
        stderr_isatty=sys.stderr.isatty(),
        prompter=TerminalPrompter(),
        echo=_echo,
        note=_echo_err,
        progress_bar=_bar,
    )
