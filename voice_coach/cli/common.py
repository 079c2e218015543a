"""The options and output every kind of command shares, with nothing heavy behind them: the
listings (causes, exercises, show, guide) load only these."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from voice_coach import files
from voice_coach.errors import UserError, inert_lines

Decorator = Callable[[Callable[..., None]], Callable[..., None]]


class HomePath(click.Path):
    """A path option that reads ~ and ~user as home folders, as the shell does. The shell leaves
    them as typed in `--cache-dir=~/voices` or in quotes, and a folder named "~" made in the
    current one is never what the person meant (and hard for them to remove safely)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and value.startswith("~"):
            try:
                value = str(files.user_path(value))
            except UserError as error:
                self.fail(f"{error.message}: {error.hint}", param, ctx)
        return super().convert(value, param, ctx)


content_option: Decorator = click.option(
    "--content-dir",
    "content_dirs",
    multiple=True,
    type=HomePath(path_type=Path, file_okay=False),
    help="Extra folder of your own exercises and playlists (YAML), checked like the "
    "built-in ones; may be given more than once.",
)

cache_dir_option: Decorator = click.option(
    "--cache-dir",
    type=HomePath(path_type=Path, file_okay=False),
    help="Where speech cues are cached [default: audio_cache/ of the checkout].",
)

json_option: Decorator = click.option(
    "--json", "as_json", is_flag=True, help="Print JSON instead of a table."
)


def say(text: str, *, err: bool = False) -> None:
    """A line (or a table, a page) for the terminal: every click.echo of the command line is
    this, so what a person or a file supplied (a path, a name, a stored value) can never send an
    escape sequence or a bidi control to the terminal (errors.inert_lines). The sites make each
    such value inert too (errors.inert), so a newline in it cannot split its line."""
    click.echo(inert_lines(text), err=err)


def _json_inert(text: str) -> str:
    """JSON whose strings hold no character a terminal would act on: each is written as its
    JSON escape (ensure_ascii=False keeps the C1 and bidi controls raw, and a file name's
    undecodable bytes, which cannot even be encoded)."""
    return "".join(char if char.isprintable() or char == "\n" else _escaped(char) for char in text)


def _escaped(char: str) -> str:
    point = ord(char)
    if point <= 0xFFFF:
        return f"\\u{point:04x}"
    point -= 0x10000  # beyond the first plane: JSON spells it as a surrogate pair
    return f"\\u{0xD800 + (point >> 10):04x}\\u{0xDC00 + (point & 0x3FF):04x}"


def print_json(data: object) -> None:
    text = json.dumps(data, indent=2, ensure_ascii=False)
    click.echo(_json_inert(text))


class WholeNumber(click.IntRange):
    """click's IntRange for digits as a keyboard types them only (as `config set` takes them):
    int() also reads "٣" as 3 and "1_0" as 10."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from voice_coach.journal.values import typed_digits

        if isinstance(value, str):
            try:
                typed_digits(value)
            except ValueError:
                self.fail(f"{value!r} is not a whole number typed in digits 0-9.", param, ctx)
        return super().convert(value, param, ctx)
