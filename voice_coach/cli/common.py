"""The options and output every kind of command shares, with nothing heavy behind them: the
listings (causes, exercises, show, guide) load only these."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import click

Decorator = Callable[[Callable[..., None]], Callable[..., None]]

content_option: Decorator = click.option(
    "--content-dir",
    "content_dirs",
    multiple=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Extra folder of your own exercises and playlists (YAML), checked like the "
    "built-in ones; may be given more than once.",
)

cache_dir_option: Decorator = click.option(
    "--cache-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Where speech cues are cached [default: audio_cache/ of the checkout].",
)

json_option: Decorator = click.option(
    "--json", "as_json", is_flag=True, help="Print JSON instead of a table."
)


def print_json(data: object) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))
