"""The commands of a session and its content: what there is (causes, exercises, show, guide),
what will be said (plan), and saying it (play, export), or finding which playlist fits (choose).
Each parses, calls one use-case and prints; the speech stack is imported when a command runs."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from voice_coach.cli.options import (
    answer_options,
    content_option,
    export_options,
    json_option,
    pass_env,
    play_options,
    print_json,
    session_options,
)
from voice_coach.environment import Environment
from voice_coach.errors import ExitStatus
from voice_coach.names import lookup
from voice_coach.session.options import SessionOptions

if TYPE_CHECKING:
    from voice_coach.coach import PlayRequest
    from voice_coach.model import Library


def _library(content_dirs: Sequence[Path]) -> Library:
    """The built-in programme, the person's saved playlists (my-plan), then --content-dir."""
    from voice_coach.content.loader import load_library
    from voice_coach.journal.home import user_content

    return load_library(content_dirs, saved=user_content())


@click.command()
@json_option
@content_option
def causes(as_json: bool, content_dirs: tuple[Path, ...]) -> None:
    """List the playlists, one per cause of sciatica (length is an estimate)."""
    from voice_coach.cli import views
    from voice_coach.session.estimate import ESTIMATE_RATE, estimated_lengths

    library = _library(content_dirs)
    lengths = estimated_lengths(library)
    if as_json:
        print_json(views.causes_json(library, lengths, ESTIMATE_RATE))
    else:
        click.echo(views.causes_table(library, lengths, ESTIMATE_RATE))


@click.command()
@click.option("--cause", help="Only the exercises of this playlist.")
@json_option
@content_option
def exercises(cause: str | None, as_json: bool, content_dirs: tuple[Path, ...]) -> None:
    """List the exercises."""
    from voice_coach.cli import views

    library = _library(content_dirs)
    chosen = library.only_exercises()
    if cause is not None:
        playlist = lookup(
            library.playlists, cause, "playlist", "--cause", "see `voice-coach causes`"
        )
        chosen = [library.exercises[i] for i in playlist.exercises]
    if as_json:
        print_json([views.exercise_json(library, e) for e in chosen])
    else:
        click.echo(views.exercises_table(library, chosen))


@click.command()
@click.argument("exercise_id", metavar="ID")
@content_option
def show(exercise_id: str, content_dirs: tuple[Path, ...]) -> None:
    """Show one exercise as a person would read it."""
    from voice_coach.cli import views

    library = _library(content_dirs)
    otherwise = "see `voice-coach exercises`"
    if exercise_id in library.playlists:
        otherwise = (
            f"'{exercise_id}' is a playlist: try `voice-coach exercises --cause {exercise_id}`"
        )
    exercise = lookup(library.exercises, exercise_id, "exercise", "ID", otherwise)
    click.echo(views.exercise_page(library, exercise))


@click.command()
@click.argument("topic", required=False)
@content_option
def guide(topic: str | None, content_dirs: tuple[Path, ...]) -> None:
    """Read the programme's advice beyond the exercises (all of it, or one TOPIC)."""
    from voice_coach.cli import views

    library = _library(content_dirs)
    topics = list(library.guide.values())
    if topic is not None:
        otherwise = "topics: " + ", ".join(library.guide)
        topics = [lookup(library.guide, topic, "guide topic", "TOPIC", otherwise)]
    click.echo(views.guide_page(topics, library.programme.disclaimer))


@click.command()
@click.argument("target", nargs=-1, required=True)
@click.option(
    "--json", "as_json", is_flag=True, help="Print the timeline as JSON (times in samples too)."
)
@session_options
@pass_env
def plan(env: Environment, target: tuple[str, ...], as_json: bool, options: SessionOptions) -> None:
    """Show the timeline that would be spoken for TARGET, without rendering audio.

    TARGET is a playlist id (see `causes`) or one or more exercise ids. Speech lengths come
    from the cue cache, or from the speech engine for cues not cached yet.
    """
    from voice_coach import coach
    from voice_coach.cli import views
    from voice_coach.plan import timeline_dict

    session = coach.planned(target, options, env)
    if as_json:
        engine = session.cues.engine
        speech = {"engine": engine.name, "voice": engine.voice, "rate": engine.rate or None}
        print_json(timeline_dict(session.timeline) | {"speech": speech})
    else:
        click.echo(views.plan_page(session.timeline, session.playlist, session.library))


def _play_or_stop(
    env: Environment, target: Sequence[str], request: PlayRequest, options: SessionOptions
) -> None:
    """Play; Ctrl-C ends the command with status 130."""
    from voice_coach import coach

    if coach.play(target, options, request, env).interrupted:
        raise click.exceptions.Exit(ExitStatus.INTERRUPTED)


@click.command()
@click.argument("target", nargs=-1, required=True)
@play_options
@session_options
@pass_env
def play(
    env: Environment,
    target: tuple[str, ...],
    player: str,
    pain_before: int | None,
    pain_after: int | None,
    listen: bool | None,
    options: SessionOptions,
) -> None:
    """Play TARGET hands-free through the sound device.

    Keys: space pause/resume, n next exercise, p previous (or restart), r repeat, t says the
    time left, v switches the screen's view, q quit.
    Without a terminal on stdin it plays straight through.

    With --listen, say the wake word and a command: "coach, pause" (or wait), "coach, go on"
    (or resume), "coach, next" (or skip), "coach, back", "coach, repeat", "coach, stop",
    "coach, how long". `voice-coach listen-test` shows what the microphone hears.
    """
    from voice_coach.coach import PlayRequest

    request = PlayRequest(player, pain_before, pain_after, listen)
    _play_or_stop(env, target, request, options)


@click.command()
@click.argument("target", nargs=-1, required=True)
@export_options
@session_options
@pass_env
def export(
    env: Environment,
    target: tuple[str, ...],
    output: Path | None,
    split: Path | None,
    split_format: str | None,
    options: SessionOptions,
) -> None:
    """Render TARGET to an audio file (and/or split tracks) for your phone."""
    if output is None and split is None:
        raise click.UsageError("say where to write: -o FILE.mp3, --split DIR, or both")
    from voice_coach import coach

    request = coach.ExportRequest(output, split, split_format)
    for line in coach.export(target, options, request, env):
        click.echo(line)


@click.command("choose")
@answer_options
@session_options
@pass_env
def choose_command(
    env: Environment,
    mri: str | None,
    back_movements: str | None,
    leg_raise: str | None,
    output: Path | None,
    options: SessionOptions,
) -> None:
    """A few questions from the programme's own tests, to suggest a playlist.

    Without a terminal, give the answers as options.
    """
    from voice_coach import choose as choosing
    from voice_coach import coach
    from voice_coach.playback import DEFAULT_PLAYER

    def export_it(target: str) -> None:
        path = choosing.where_to_save(env, target, output)
        for line in (
            coach.export((target,), options, coach.ExportRequest(path), env) if path else []
        ):
            env.echo(line)

    def play_it(target: str) -> None:
        _play_or_stop(env, (target,), coach.PlayRequest(DEFAULT_PLAYER), options)

    given = choosing.Given(mri, back_movements, leg_raise)
    choosing.choose(env, play_it, export_it, given)


COMMANDS = (causes, exercises, show, guide, plan, play, export, choose_command)
