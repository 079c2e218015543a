"""The commands of a session: what will be said (plan), saying it (play, export), or finding
which playlist fits (choose). Each parses, calls one use-case and prints; the speech stack is
imported when a command runs."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from voice_coach.cli.common import print_json, say
from voice_coach.cli.options import (
    answer_options,
    export_options,
    pass_env,
    play_options,
    session_options,
)
from voice_coach.environment import Environment
from voice_coach.errors import ExitStatus
from voice_coach.session.options import SessionOptions

if TYPE_CHECKING:
    from voice_coach.coach import PlayRequest


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
    from voice_coach.plan.timeline import timeline_dict

    session = coach.planned(target, options, env)
    if as_json:
        engine = session.cues.engine
        speech = {"engine": engine.name, "voice": engine.voice, "rate": engine.rate or None}
        music = session.music.describe() if session.music else {"on": False}
        print_json(timeline_dict(session.timeline) | {"speech": speech, "music": music})
    else:
        say(views.plan_page(session.timeline, session.playlist, session.library))


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
    force: bool,
    options: SessionOptions,
) -> None:
    """Render TARGET to an audio file (.mp3, .m4b or .wav) and/or split tracks for your phone."""
    if output is None and split is None:
        raise click.UsageError(
            "say where to write: -o FILE (.mp3, .m4b or .wav), --split DIR, or both"
        )
    from voice_coach import coach

    request = coach.ExportRequest(output, split, split_format, force)
    for line in coach.export(target, options, request, env):
        say(line)


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
            # the person said yes to replacing a file that was there: read-only or not
            coach.export((target,), options, coach.ExportRequest(path, force=True), env)
            if path
            else []
        ):
            env.echo(line)

    def play_it(target: str) -> None:
        _play_or_stop(env, (target,), coach.PlayRequest(DEFAULT_PLAYER), options)

    given = choosing.Given(mri, back_movements, leg_raise)
    choosing.choose(env, play_it, export_it, given)


COMMANDS = (plan, play, export, choose_command)
