"""The `voice-coach` command: each command parses, calls one use-case, and prints.

The use-cases live in their stages (coach, choose, journal, speech); what they need from the
outside world comes from the Environment on the click context. Every error leaves through
`main`'s one funnel.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from voice_coach import __version__, coach, doctor, views
from voice_coach import choose as choosing
from voice_coach.cli_journal import config_group, log_group, progress, recommend_command
from voice_coach.cli_options import (
    answer_options,
    cache_dir_option,
    content_option,
    export_options,
    json_option,
    pass_env,
    play_options,
    print_json,
    session_options,
)
from voice_coach.content.loader import lookup
from voice_coach.environment import Environment
from voice_coach.errors import UserError, funnel
from voice_coach.journal import settings
from voice_coach.listening import echo
from voice_coach.plan import timeline_dict
from voice_coach.playback import DEFAULT_PLAYER
from voice_coach.playback.growing import leave
from voice_coach.session.options import SessionOptions
from voice_coach.session.prepare import ESTIMATE_RATE, estimated_lengths, library_from
from voice_coach.speech.cache import CueCache, default_cache_dir
from voice_coach.speech.selection import ENGINES, PROGRAMME_LANGUAGE, list_voices, select_engine


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="voice-coach")
@click.option("--debug", is_flag=True, help="Show the full traceback when something fails.")
def cli(debug: bool) -> None:
    """Hands-free, voice-guided sciatica exercise sessions.

    Not medical advice: see `voice-coach guide` and a healthcare professional.
    """


@cli.command()
@json_option
@content_option
def causes(as_json: bool, content_dirs: tuple[Path, ...]) -> None:
    """List the playlists, one per cause of sciatica (length is an estimate)."""
    library = library_from(content_dirs)
    lengths = estimated_lengths(library)
    if as_json:
        print_json(views.causes_json(library, lengths, ESTIMATE_RATE))
    else:
        click.echo(views.causes_table(library, lengths, ESTIMATE_RATE))


@cli.command()
@click.option("--cause", help="Only the exercises of this playlist.")
@json_option
@content_option
def exercises(cause: str | None, as_json: bool, content_dirs: tuple[Path, ...]) -> None:
    """List the exercises."""
    library = library_from(content_dirs)
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


@cli.command()
@click.argument("exercise_id", metavar="ID")
@content_option
def show(exercise_id: str, content_dirs: tuple[Path, ...]) -> None:
    """Show one exercise as a person would read it."""
    library = library_from(content_dirs)
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
    library = library_from(content_dirs)
    topics = list(library.guide.values())
    if topic is not None:
        otherwise = "topics: " + ", ".join(library.guide)
        topics = [lookup(library.guide, topic, "guide topic", "TOPIC", otherwise)]
    click.echo(views.guide_page(topics, library.programme.disclaimer))


@cli.command()
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
    session = coach.planned(target, options, env)
    if as_json:
        engine = session.cues.engine
        speech = {"engine": engine.name, "voice": engine.voice, "rate": engine.rate or None}
        print_json(timeline_dict(session.timeline) | {"speech": speech})
    else:
        click.echo(views.plan_page(session.timeline, session.playlist, session.library))


def _play_or_stop(
    env: Environment, target: Sequence[str], request: coach.PlayRequest, options: SessionOptions
) -> None:
    """Play; Ctrl-C ends the command with status 130."""
    if coach.play(target, options, request, env).interrupted:
        raise click.exceptions.Exit(130)


@cli.command()
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
    request = coach.PlayRequest(player, pain_before, pain_after, listen)
    _play_or_stop(env, target, request, options)


@cli.command()
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
    request = coach.ExportRequest(output, split, split_format)
    for line in coach.export(target, options, request, env):
        click.echo(line)


@cli.command()
@click.argument("target", nargs=-1)
@click.option("--host", help="The address to serve on [default: this machine's on the network].")
@click.option("--port", type=click.IntRange(1, 65535), help="The port [default: 8765].")
@click.option(
    "--keep-address",
    is_flag=True,
    help="Keep the last run's secret address (for a podcast app that subscribed).",
)
@session_options
@pass_env
def share(
    env: Environment,
    target: tuple[str, ...],
    host: str | None,
    port: int | None,
    keep_address: bool,
    options: SessionOptions,
) -> None:
    """Serve the routines to your phone on the home network, until Ctrl-C.

    A page with a player and chapters, a podcast feed, and MP3 and M4B downloads: every
    routine (or TARGET...), at one secret address shown as a QR code.
    """
    from voice_coach.share.app import ShareRequest, share

    share(target, options, ShareRequest(host, port, keep_address), env)


@cli.command()
@click.option(
    "--engine",
    type=click.Choice(sorted(ENGINES)),
    help="Only this engine's voices [default: every engine's].",
)
@click.option("--language", metavar="PREFIX", help="Only this language [default: en].")
@click.option("--all", "every", is_flag=True, help="Voices in every language.")
@json_option
def voices(engine: str | None, language: str | None, every: bool, as_json: bool) -> None:
    """List the speech engines' voices for the programme's language (use one with --voice)."""
    prefs = settings.preferences()
    current = select_engine(prefs.engine, prefs.voice).engine
    wanted = None if every else (language or PROGRAMME_LANGUAGE)
    rows, missing = list_voices([engine] if engine else sorted(ENGINES), wanted, current)
    if as_json:
        print_json(views.voices_json(rows))
    else:
        click.echo(views.voices_table(rows, current))
    for line in missing:
        click.echo(f"voice-coach: note: {line}", err=True)


@cli.group()
def cache() -> None:
    """Inspect or empty the speech cue cache."""


@cache.command("stats")
@cache_dir_option
def cache_stats(cache_dir: Path | None) -> None:
    """How many cues are cached, how much space they take, and whether any are broken."""
    stats = CueCache(cache_dir or default_cache_dir()).stats()
    click.echo(f"folder:  {stats.folder}")
    click.echo(f"cues:    {stats.entries} ({stats.seconds / 60:.1f} min of speech)")
    click.echo(f"size:    {stats.bytes / 1_000_000:.1f} MB")
    click.echo(f"broken:  {stats.broken} (rebuilt automatically when next needed)")


@cache.command("clear")
@cache_dir_option
def cache_clear(cache_dir: Path | None) -> None:
    """Delete every cached cue (they are synthesised again when needed)."""
    folder = cache_dir or default_cache_dir()
    removed = CueCache(folder).clear()
    click.echo(f"removed {removed} cached cues from {folder}")


@cli.command("doctor")
def doctor_command() -> None:
    """Check the speech engine, ffmpeg and the sound device, and say how to fix what is missing."""
    results = doctor.run_all()
    for line in views.checks_lines(results):
        click.echo(line)
    if not all(r.ok or r.optional for r in results):
        raise UserError(
            "some checks failed",
            hint="each line marked !! says what to install or do; then run doctor again",
        )


@cli.command("listen-test")
@click.option(
    "--seconds",
    type=click.IntRange(1, 120),
    default=10,
    show_default=True,
    help="How long to listen.",
)
def listen_test(seconds: int) -> None:
    """Show what the microphone hears for a while, to tune the listen settings.

    Say "coach, pause" and a few other commands, and some ordinary sentences: each gets a
    line saying what the coach would do. Nothing is recorded or kept.
    """
    from voice_coach.listening import trial  # the recogniser and numpy: only here

    preferences = settings.preferences()
    device = preferences.listen_device
    header = (
        f"Listening for {seconds} s on '{device}', {echo.mode(device)}. "
        f"Say '{preferences.listen_wake_word}, pause'."
    )
    wake, sensitivity = preferences.listen_wake_word, preferences.listen_sensitivity
    for line in trial.listen_lines(device, wake, sensitivity, seconds, header=header):
        click.echo(line)


@cli.command("choose")
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


for command in (config_group, log_group, progress, recommend_command):
    cli.add_command(command)


def main(argv: Sequence[str] | None = None, env: Environment | None = None) -> None:
    """Run the CLI; every failure becomes one line on stderr and an exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args or bool(os.environ.get("VOICE_COACH_DEBUG"))
    args = [a for a in args if a != "--debug"]
    # A polite kill (SIGTERM) unwinds like Ctrl-C, so half-written files are removed on the way.
    signal.signal(signal.SIGTERM, _terminate)

    def run() -> object:
        obj = env or Environment.from_process()
        return cli.main(args=args, prog_name="voice-coach", standalone_mode=False, obj=obj)

    code = funnel(run, debug=debug)
    if env is None:
        leave(code)
    sys.exit(code)


def _terminate(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


__all__ = ["cli", "main"]
