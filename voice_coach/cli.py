"""The `voice-coach` command: parse, call, print. Every error leaves through `main`'s one funnel."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from voice_coach import __version__, views
from voice_coach.content import load_library, lookup, resolve_target
from voice_coach.cues import CueSource, estimated_length
from voice_coach.errors import ExitStatus, UserError
from voice_coach.model import Library, Settings, Side
from voice_coach.plan import build_timeline, timeline_dict
from voice_coach.tts import DEFAULT_ENGINE, ENGINES, make_engine
from voice_coach.tts.pyttsx3_engine import DEFAULT_RATE

F = TypeVar("F", bound=Callable[..., Any])

ESTIMATE_RATE = 22050


def content_option(func: F) -> F:
    return click.option(
        "--content-dir",
        "content_dirs",
        multiple=True,
        type=click.Path(path_type=Path, file_okay=False),
        help="Extra folder of your own exercises and playlists (YAML), checked like the "
        "built-in ones; may be given more than once.",
    )(func)


def session_options(func: F) -> F:
    """The options shared by plan, play and export, defined once."""
    options = [
        click.option(
            "--side",
            type=click.Choice(["left", "right"]),
            help="Your painful side; cues then name the real side.",
        ),
        click.option(
            "--reps",
            type=click.IntRange(1, 200),
            help="Override every exercise's repetitions (for a quick try).",
        ),
        click.option(
            "--hold",
            "hold_s",
            type=click.IntRange(1, 600),
            metavar="SECONDS",
            help="Override every hold and timed part, in seconds (for a quick try).",
        ),
        click.option(
            "--engine",
            default=DEFAULT_ENGINE,
            show_default=True,
            help="Speech engine: " + ", ".join(sorted(ENGINES)) + ".",
        ),
        click.option("--voice", help="Voice id of the engine (see the engine's voice list)."),
        click.option(
            "--rate",
            type=click.IntRange(80, 400),
            help=f"Speaking rate in words per minute [default: {DEFAULT_RATE}].",
        ),
        content_option,
    ]
    for option in reversed(options):
        func = option(func)
    return func


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="voice-coach")
@click.option("--debug", is_flag=True, help="Show the full traceback when something fails.")
def cli(debug: bool) -> None:
    """Hands-free, voice-guided sciatica exercise sessions.

    Not medical advice: see `voice-coach guide` and a healthcare professional.
    """


def _library(content_dirs: Sequence[Path]) -> Library:
    return load_library(content_dirs)


def _print_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@content_option
def causes(as_json: bool, content_dirs: tuple[Path, ...]) -> None:
    """List the playlists, one per cause of sciatica (length is an estimate)."""
    library = _library(content_dirs)
    guess = estimated_length(ESTIMATE_RATE, DEFAULT_RATE)
    lengths = {
        p.id: build_timeline(library, p.exercises, p, Settings(), guess, ESTIMATE_RATE).length
        for p in library.playlists.values()
    }
    if as_json:
        _print_json(views.causes_json(library, lengths, ESTIMATE_RATE))
    else:
        click.echo(views.causes_table(library, lengths, ESTIMATE_RATE))


@cli.command()
@click.option("--cause", help="Only the exercises of this playlist.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@content_option
def exercises(cause: str | None, as_json: bool, content_dirs: tuple[Path, ...]) -> None:
    """List the exercises."""
    library = _library(content_dirs)
    chosen = list(library.exercises.values())
    if cause is not None:
        playlist = lookup(
            library.playlists, cause, "playlist", "--cause", "see `voice-coach causes`"
        )
        chosen = [library.exercises[i] for i in playlist.exercises]
    if as_json:
        _print_json([views.exercise_json(library, e) for e in chosen])
    else:
        click.echo(views.exercises_table(library, chosen))


@cli.command()
@click.argument("exercise_id", metavar="ID")
@content_option
def show(exercise_id: str, content_dirs: tuple[Path, ...]) -> None:
    """Show one exercise as a person would read it."""
    library = _library(content_dirs)
    otherwise = "see `voice-coach exercises`"
    if exercise_id in library.playlists:
        otherwise = (
            f"'{exercise_id}' is a playlist: try `voice-coach exercises --cause {exercise_id}`"
        )
    exercise = lookup(library.exercises, exercise_id, "exercise", "ID", otherwise)
    click.echo(views.exercise_page(library, exercise))


@cli.command()
@click.argument("topic", required=False)
@content_option
def guide(topic: str | None, content_dirs: tuple[Path, ...]) -> None:
    """Read the programme's advice beyond the exercises (all of it, or one TOPIC)."""
    library = _library(content_dirs)
    topics = list(library.guide.values())
    if topic is not None:
        otherwise = "topics: " + ", ".join(library.guide)
        topics = [lookup(library.guide, topic, "guide topic", "TOPIC", otherwise)]
    click.echo(views.guide_page(topics, library.programme.disclaimer))


@cli.command()
@click.argument("target", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print the timeline as JSON (see SPEC).")
@session_options
def plan(
    target: tuple[str, ...],
    as_json: bool,
    side: Side | None,
    reps: int | None,
    hold_s: int | None,
    engine: str,
    voice: str | None,
    rate: int | None,
    content_dirs: tuple[Path, ...],
) -> None:
    """Show the timeline that would be spoken for TARGET, without rendering audio.

    TARGET is a playlist id (see `causes`) or one or more exercise ids.
    """
    library = _library(content_dirs)
    ids, playlist = resolve_target(library, target)
    settings = Settings(side=side, reps=reps, hold_s=hold_s, engine=engine, voice=voice, rate=rate)
    speech = make_engine(engine, voice, rate)
    problem = speech.problem()
    if problem:
        raise UserError(problem)
    cues = CueSource(speech)
    timeline = build_timeline(library, ids, playlist, settings, cues.length, cues.sample_rate)
    if as_json:
        _print_json(timeline_dict(timeline))
    else:
        click.echo(views.plan_page(timeline, playlist))


def _one_line(message: str) -> str:
    return " ".join(message.split())


def main(argv: Sequence[str] | None = None) -> None:
    """Run the CLI; turn every failure into one line on stderr and an exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args or bool(os.environ.get("VOICE_COACH_DEBUG"))
    args = [a for a in args if a != "--debug"]
    status: int = ExitStatus.OK
    try:
        result = cli.main(args=args, prog_name="voice-coach", standalone_mode=False)
        status = result if isinstance(result, int) else ExitStatus.OK
    except click.exceptions.Abort:
        click.echo("voice-coach: stopped", err=True)
        status = 130
    except click.ClickException as exc:
        if debug:
            raise
        ctx = getattr(exc, "ctx", None)
        command = ctx.command_path if isinstance(ctx, click.Context) else "voice-coach"
        message = _one_line(exc.format_message())
        click.echo(f"voice-coach: error: {message} (see '{command} --help')", err=True)
        status = ExitStatus.USAGE
    except UserError as exc:
        if debug:
            raise
        click.echo(f"voice-coach: error: {_one_line(str(exc))}", err=True)
        status = exc.status
    except KeyboardInterrupt:
        click.echo("voice-coach: stopped", err=True)
        status = 130
    except BrokenPipeError:
        sys.stderr.close()  # the reader (e.g. `head`) left; nothing more to say
        status = ExitStatus.OK
    except Exception as exc:
        if debug:
            raise
        click.echo(
            f"voice-coach: error: internal error: {type(exc).__name__}: {_one_line(str(exc))} "
            "(run again with --debug for the traceback, and please report it)",
            err=True,
        )
        status = ExitStatus.INTERNAL
    sys.exit(status)


__all__ = ["cli", "main"]
