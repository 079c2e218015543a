"""Click options defined once and stacked on the commands that share them (as pip-tools does).

`session_options` turns the ten options of `plan`, `play` and `export` into one typed
`SessionOptions` value before the command sees them, so no loose keyword dict goes further down.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from voice_coach.audio.formats import FORMAT_HELP, FORMATS, NAMES, SPLIT_FORMATS
from voice_coach.choose import MRI_ANSWERS, YES_NO
from voice_coach.cli.common import (
    Decorator,
    HomePath,
    WholeNumber,
    cache_dir_option,
    content_option,
)
from voice_coach.environment import Environment
from voice_coach.journal.settings import KEYS
from voice_coach.model import Difficulty, Side
from voice_coach.playback import DEFAULT_PLAYER, PLAYERS
from voice_coach.session.options import SessionOptions


def _setting_option(name: str, **extra: Any) -> Decorator:
    """`--NAME` for a setting, its type and help read from the settings table (one source of
    truth for `config` and the command line); it wins over the stored setting."""
    key = KEYS[name]
    kind: click.Choice[str] | WholeNumber | None = None
    if key.choices:
        kind = click.Choice(key.choices)
    elif key.low is not None and key.high is not None:
        kind = WholeNumber(int(key.low), int(key.high))
    help = key.help[0].upper() + key.help[1:] + " [default: the `config` setting]."
    return click.option(f"--{name.replace('_', '-')}", type=kind, help=help, **extra)


_SESSION_OPTIONS: list[Decorator] = [
    cache_dir_option,
    _setting_option("side"),
    click.option(
        "--reps",
        type=WholeNumber(1, 200),
        help="Override every exercise's repetitions (for a quick try).",
    ),
    click.option(
        "--hold",
        "hold_s",
        type=WholeNumber(1, 600),
        metavar="SECONDS",
        help="Override every hold and timed part, in seconds (for a quick try).",
    ),
    # --engine is checked by the speech stage, which suggests the nearest name on a typo
    click.option("--engine", help=f"{KEYS['engine'].help}: {', '.join(KEYS['engine'].choices)}."),
    _setting_option("difficulty"),
    _setting_option("voice"),
    click.option(
        "--voice-model",
        type=HomePath(dir_okay=False),
        metavar="FILE.onnx",
        help="A Piper voice model file, with its FILE.onnx.json beside it (implies Piper).",
    ),
    _setting_option("rate"),
    content_option,
    click.option(
        "--full",
        is_flag=True,
        help="Say every setup and step, even for exercises you have done often.",
    ),
    click.option(
        "--music",
        metavar="FILE|DIR",
        help="Your own music under the coach (any format ffmpeg reads; a folder plays every "
        "file in it), ducked under every word [default: the music setting].",
    ),
    click.option("--no-music", is_flag=True, help="No music this time, whatever the setting."),
    _setting_option("music_level"),
    click.option(
        "--shuffle/--in-order",
        "music_shuffle",
        default=None,
        help="The music's order: shuffled, or by name [default: the music_shuffle setting].",
    ),
]


def session_options(command: Callable[..., None]) -> Callable[..., None]:
    """Add the session options to `command`, which receives them as `options=SessionOptions`."""

    @functools.wraps(command)
    def with_options(
        *args: object,
        content_dirs: tuple[Path, ...],
        cache_dir: Path | None,
        side: Side | None,
        reps: int | None,
        hold_s: int | None,
        engine: str | None,
        voice: str | None,
        voice_model: str | None,
        rate: int | None,
        difficulty: Difficulty | None,
        full: bool,
        music: str | None,
        no_music: bool,
        music_level: int | None,
        music_shuffle: bool | None,
        **rest: object,
    ) -> None:
        options = SessionOptions(
            content_dirs,
            cache_dir,
            side,
            reps,
            hold_s,
            engine,
            voice,
            voice_model,
            rate,
            difficulty,
            full,
            music,
            music_level,
            music_shuffle,
            no_music,
        )
        command(*args, options=options, **rest)

    decorated: Callable[..., None] = with_options
    for option in reversed(_SESSION_OPTIONS):
        decorated = option(decorated)
    return decorated


class Pain(click.ParamType):  # type: ignore[type-arg]
    """Leg pain as every command takes it (play, log add, log edit): a whole number from 0 to
    10, refused in the log's own words as one line (exit 1), whichever command it was."""

    name = "0-10"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> int:
        from voice_coach.journal.values import parse_pain

        return parse_pain(str(value), _name(param))


def _name(param: click.Parameter | None) -> str:
    return param.opts[0] if param is not None and param.opts else "pain"


def pain_option(name: str, what: str) -> Decorator:
    return click.option(name, type=Pain(), help=f"{what}: 0 (none) to 10 (worst).")


_RATING_OPTIONS: list[Decorator] = [
    pain_option("--pain-before", "Leg pain before"),
    pain_option("--pain-after", "Leg pain after"),
    click.option(
        "--effect",
        "effects",
        multiple=True,
        metavar="EXERCISE=better|same|worse",
        help="How an exercise made your leg feel; repeat for each.",
    ),
]


def rating_options(command: Callable[..., None]) -> Callable[..., None]:
    """--pain-before, --pain-after and --effect, as `log add` and `log edit` take them."""
    return _stacked(_RATING_OPTIONS)(command)


def _stacked(options: list[Decorator]) -> Callable[[Callable[..., None]], Callable[..., None]]:
    def stack(command: Callable[..., None]) -> Callable[..., None]:
        for option in reversed(options):
            command = option(command)
        return command

    return stack


export_options = _stacked(
    [
        click.option(
            "-o",
            "--output",
            type=HomePath(path_type=Path, dir_okay=False),
            help="The file to write: "
            + ", ".join(FORMAT_HELP[f] for f in FORMATS[:-1])
            + f" or {FORMAT_HELP[FORMATS[-1]]}.",
        ),
        click.option(
            "--split",
            type=HomePath(path_type=Path, file_okay=False),
            help="Also (or instead) write one track per exercise and an .m3u playlist into "
            "this folder.",
        ),
        click.option(
            "--format",
            "split_format",
            type=click.Choice(SPLIT_FORMATS),
            help="Format of the --split tracks [default: that of -o, else mp3].",
        ),
        click.option(
            "--force",
            is_flag=True,
            help="Replace a read-only file in the way too (a writable one is always replaced; "
            "a link is replaced as a link, never followed).",
        ),
    ]
)
"""`export`'s own options: where to write, and in which format."""

answer_options = _stacked(
    [
        click.option("--mri", type=click.Choice(MRI_ANSWERS), help="What an MRI scan showed."),
        click.option(
            "--back-movements",
            type=click.Choice(YES_NO),
            help="Whether lower-back movements bring on your leg symptoms.",
        ),
        click.option(
            "--leg-raise",
            type=click.Choice(YES_NO),
            help="Whether the straight-leg raise test (a helper raises your straight leg, then "
            "bends your foot back at the ankle, toes towards your head) brought on your leg "
            "symptoms and increased them, more than on your other leg.",
        ),
        click.option(
            "-o",
            "--output",
            type=HomePath(dir_okay=False, path_type=Path),
            help=f"Where an export is saved, a {NAMES} file (else it asks, suggesting "
            "PLAYLIST.mp3 here).",
        ),
    ]
)
"""`choose`'s answers given as options (for use without a terminal)."""


play_options = _stacked(
    [
        click.option(
            "--player",
            default=DEFAULT_PLAYER,
            show_default=True,
            help="Sound output: " + ", ".join(sorted(PLAYERS)) + ".",
        ),
        pain_option("--pain-before", "Leg pain now (logged)"),
        pain_option("--pain-after", "Leg pain after (logged)"),
        click.option(
            "--listen/--no-listen",
            default=None,
            help='Obey spoken commands ("coach, pause", "coach, next"...) heard by the '
            "microphone [default: the listen setting, off].",
        ),
    ]
)


pass_env = click.make_pass_decorator(Environment, ensure=True)
"""Hands a command the Environment from the click context (tests put their own there)."""
