"""The `voice-coach` command: each command parses, calls one use-case, and prints.

The use-cases live in their stages (coach, choose, journal, speech); what they need from the
outside world comes from the Environment on the click context. Every error leaves through
`main`'s one funnel.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from voice_coach import __version__, coach, doctor, views
from voice_coach import choose as choosing
from voice_coach.cli_options import (
    answer_options,
    cache_dir_option,
    content_option,
    export_options,
    json_option,
    play_options,
    rating_options,
    session_options,
)
from voice_coach.content.loader import lookup, resolve_target
from voice_coach.environment import Environment
from voice_coach.errors import UserError, funnel
from voice_coach.journal import charts, log, recommend, record, settings
from voice_coach.listening import echo
from voice_coach.options import SessionOptions
from voice_coach.plan import SEE_PROFESSIONAL, timeline_dict
from voice_coach.playback import DEFAULT_PLAYER
from voice_coach.playback.growing import leave
from voice_coach.session import ESTIMATE_RATE, estimated_lengths, library_from
from voice_coach.speech.cache import CueCache, default_cache_dir
from voice_coach.speech.selection import ENGINES, PROGRAMME_LANGUAGE, list_voices, select_engine

pass_env = click.make_pass_decorator(Environment, ensure=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="voice-coach")
@click.option("--debug", is_flag=True, help="Show the full traceback when something fails.")
def cli(debug: bool) -> None:
    """Hands-free, voice-guided sciatica exercise sessions.

    Not medical advice: see `voice-coach guide` and a healthcare professional.
    """


def _print_json(data: object) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


@cli.command()
@json_option
@content_option
def causes(as_json: bool, content_dirs: tuple[Path, ...]) -> None:
    """List the playlists, one per cause of sciatica (length is an estimate)."""
    library = library_from(content_dirs)
    lengths = estimated_lengths(library)
    if as_json:
        _print_json(views.causes_json(library, lengths, ESTIMATE_RATE))
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
        _print_json([views.exercise_json(library, e) for e in chosen])
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
        _print_json(timeline_dict(session.timeline) | {"speech": speech})
    else:
        click.echo(views.plan_page(session.timeline, session.playlist))


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
        _print_json(views.voices_json(rows))
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


@cli.group("config")
def config_group() -> None:
    """Your settings, stored once (command-line options still win)."""


@config_group.command("list")
def config_list() -> None:
    """Every setting: its value, and whether it is yours or the default."""
    click.echo(views.settings_table(settings.load_raw()))
    click.echo(f"\nfile: {settings.config_path()}")


@config_group.command("get")
@click.argument("key")
def config_get(key: str) -> None:
    """Print one setting."""
    value = settings.value_of(key)
    click.echo("" if value is None else str(value))


@config_group.command("set")
@click.argument("key")
@click.argument("value")
def config_set(key: str, value: str) -> None:
    """Store a setting, e.g. `config set side left`."""
    click.echo(f"{key} = {settings.store(key, value)}")


@config_group.command("unset")
@click.argument("key")
def config_unset(key: str) -> None:
    """Forget a setting (its default applies again)."""
    settings.forget(key)
    click.echo(f"{key} is back to its default")


@cli.group("log")
def log_group() -> None:
    """The session log: add a session done away from the computer, list, correct or remove."""


@log_group.command("add")
@click.argument("target", nargs=-1, required=True)
@click.option("--date", "day", help="The day of the session, YYYY-MM-DD [default: today].")
@rating_options
@content_option
def log_add(
    target: tuple[str, ...],
    day: str | None,
    pain_before: str | None,
    pain_after: str | None,
    effects: tuple[str, ...],
    content_dirs: tuple[Path, ...],
) -> None:
    """Log a session done with the exported audio (all of TARGET counts as done)."""
    ids, playlist = resolve_target(library_from(content_dirs), target)
    name = playlist.id if playlist else " ".join(ids)
    entry = record.manual_entry(ids, name, day, pain_before, pain_after, effects)
    log.add(entry)
    click.echo(f"logged {entry.target} on {entry.day.isoformat()}")


@log_group.command("list")
@click.option("--json", "as_json", is_flag=True, help='Print {"sessions": [...]} as JSON.')
def log_list(as_json: bool) -> None:
    """Every logged session with its id (for `log edit` and `log rm`)."""
    entries = record.logged()
    if as_json:
        _print_json({"sessions": [views.entry_json(e) for e in entries]})
    else:
        click.echo(views.log_table(entries))


@log_group.command("rm")
@click.argument("ident", metavar="ID", type=int)
@click.option("--yes", is_flag=True, help="Do not ask first.")
@pass_env
def log_rm(env: Environment, ident: int, yes: bool) -> None:
    """Remove one logged session (asks first unless --yes)."""
    entry = record.find(ident)
    what = f"session {ident} ({entry.day.isoformat()}, {entry.target})"
    if not yes:
        if not env.can_ask:
            raise click.UsageError(f"to remove {what} without a terminal, add --yes")
        if not env.prompter.confirm(f"Remove {what} from your log?", False):
            click.echo("kept")
            return
    log.remove(ident)
    click.echo(f"removed {what}")


@log_group.command("edit")
@click.argument("ident", metavar="ID", type=int)
@click.option("--date", "day", help="The day of the session, YYYY-MM-DD.")
@rating_options
def log_edit(
    ident: int,
    day: str | None,
    pain_before: str | None,
    pain_after: str | None,
    effects: tuple[str, ...],
) -> None:
    """Correct one logged session: its date, pain or how an exercise felt."""
    entry = record.edit(ident, day, pain_before, pain_after, effects)
    click.echo(views.log_table([entry]))


@cli.command()
@click.option("--json", "as_json", is_flag=True, help='Print {"sessions": [...]} as JSON.')
@click.option(
    "--plot",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also draw the pain trend into this PNG file.",
)
def progress(as_json: bool, plot: Path | None) -> None:
    """Your sessions, the pain trend and your streak; and when to see a professional."""
    entries = record.logged()
    advice = log.time_to_see_a_professional(entries)
    if as_json:
        sessions = [views.entry_json(e) for e in entries]
        streak = log.streak(entries)
        _print_json({"sessions": sessions, "streak_days": streak, "see_a_professional": advice})
    else:
        click.echo(views.progress_page(entries, log.streak(entries)))
        if advice:
            click.echo("\n" + SEE_PROFESSIONAL)
    if plot is not None:
        charts.plot_pain(entries, plot)
        if not as_json:
            click.echo(f"wrote {plot}")


@cli.command("recommend")
@click.option("--json", "as_json", is_flag=True, help="Print the chosen exercise ids as JSON.")
def recommend_command(as_json: bool) -> None:
    """Rank the exercises by how they made you feel and save the best as playlist `my-plan`."""
    ranked = recommend.rank(record.logged())
    chosen = recommend.keep(ranked)
    path = recommend.save_plan(chosen)
    if as_json:
        _print_json({"playlist": recommend.MY_PLAN, "exercises": chosen})
        return
    click.echo(views.recommend_table(ranked, chosen))
    click.echo(f"\nsaved playlist '{recommend.MY_PLAN}' ({path}); try: voice-coach play my-plan")


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
