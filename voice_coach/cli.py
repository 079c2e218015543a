"""The `voice-coach` command: parse, call, print. Every error leaves through `main`'s one funnel."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from voice_coach import __version__, views
from voice_coach import choose as choosing
from voice_coach import doctor as checks
from voice_coach.audio.export import FORMATS, Tags, export_file, export_split, format_of
from voice_coach.content.loader import lookup, resolve_target
from voice_coach.errors import ExitStatus, UserError
from voice_coach.journal import charts, log, recommend
from voice_coach.journal import home as userstate
from voice_coach.journal import settings as config
from voice_coach.journal.settings import DIFFICULTIES
from voice_coach.model import Settings
from voice_coach.plan import SEE_PROFESSIONAL, build_timeline, timeline_dict
from voice_coach.playback import DEFAULT_PLAYER, PLAYERS, make_player
from voice_coach.playback.run import play_session
from voice_coach.session import Prepared, Session, library_from, logged, prepare
from voice_coach.speech.cache import CueCache, default_cache_dir
from voice_coach.speech.cues import estimated_length
from voice_coach.speech.pyttsx3_engine import DEFAULT_RATE
from voice_coach.speech.selection import (
    DEFAULT_ENGINE,
    ENGINE_NAMES,
    ENGINES,
    choose_engine,
    make_engine,
)

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
            "--cache-dir",
            type=click.Path(path_type=Path, file_okay=False),
            help="Where speech cues are cached [default: audio_cache/ of the checkout].",
        ),
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
            help=f"Speech engine: {', '.join(ENGINE_NAMES)} [default: {DEFAULT_ENGINE}: the "
            "natural Piper voice if installed, else espeak-ng].",
        ),
        click.option(
            "--difficulty",
            type=click.Choice(DIFFICULTIES),
            help="easier (fewer reps, shorter holds), normal, harder (top of the seed's ranges).",
        ),
        click.option("--voice", help="Voice id (see `voice-coach voices`)."),
        click.option(
            "--voice-model",
            type=click.Path(dir_okay=False),
            metavar="FILE.onnx",
            help="A Piper voice model file, with its FILE.onnx.json beside it (implies Piper).",
        ),
        click.option(
            "--rate",
            type=click.IntRange(80, 400),
            help=f"Speaking rate in words per minute [default: the voice's own; espeak-ng "
            f"{DEFAULT_RATE}].",
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


def _print_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@content_option
def causes(as_json: bool, content_dirs: tuple[Path, ...]) -> None:
    """List the playlists, one per cause of sciatica (length is an estimate)."""
    library = library_from(content_dirs)
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


def _prepare(
    target: Sequence[str], options: dict[str, Any], *, disclaimer: bool = False
) -> Prepared:
    """`prepare`, plus the one-line note when the engine is a fallback the user may not want."""
    prepared = prepare(target, options, disclaimer=disclaimer)
    if prepared.speech.note:
        click.echo(f"voice-coach: note: {prepared.speech.note}", err=True)
    return prepared


def _session(target: Sequence[str], options: dict[str, Any]) -> Session:
    prepared = _prepare(target, options)
    return Session(prepared.library, prepared.playlist, prepared.cues, prepared.plan())


@cli.command()
@click.argument("target", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print the timeline as JSON (see SPEC).")
@session_options
def plan(target: tuple[str, ...], as_json: bool, **options: Any) -> None:
    """Show the timeline that would be spoken for TARGET, without rendering audio.

    TARGET is a playlist id (see `causes`) or one or more exercise ids. Speech lengths come
    from the cue cache, or from the speech engine for cues not cached yet.
    """
    session = _session(target, options)
    if as_json:
        engine = session.cues.engine
        speech = {"engine": engine.name, "voice": engine.voice, "rate": engine.rate or None}
        _print_json(timeline_dict(session.timeline) | {"speech": speech})
    else:
        click.echo(views.plan_page(session.timeline, session.playlist))


@cli.command()
@click.argument("target", nargs=-1, required=True)
@click.option(
    "--player",
    default=DEFAULT_PLAYER,
    show_default=True,
    help="Sound output: " + ", ".join(sorted(PLAYERS)) + ".",
)
@click.option("--pain-before", type=click.IntRange(0, 10), help="Leg pain now, 0-10 (logged).")
@click.option("--pain-after", type=click.IntRange(0, 10), help="Leg pain after, 0-10 (logged).")
@session_options
def play(
    target: tuple[str, ...],
    player: str,
    pain_before: int | None,
    pain_after: int | None,
    **options: Any,
) -> None:
    """Play TARGET hands-free through the sound device.

    Keys: space pause/resume, n next exercise, p previous (or restart), r repeat, q quit.
    Without a terminal on stdin it plays straight through.
    """
    first_time = userstate.first_use_of(userstate.DISCLAIMER_MARK)
    prepared = _prepare(target, options, disclaimer=first_time)
    output = make_player(player, prepared.cues.sample_rate)
    asking = sys.stdin.isatty()
    if pain_before is None and asking:
        pain_before = _ask_pain("Pain in your leg now")
    if first_time:
        click.echo(f"Disclaimer: {prepared.library.programme.disclaimer}\n")
    timeline, outcome = play_session(prepared, output)
    rate = timeline.sample_rate
    disclaimer = prepared.library.programme.disclaimer
    said_at = [e.end for e in timeline.events if e.text == disclaimer]
    if first_time and said_at and outcome.heard_samples >= said_at[0]:
        userstate.remember(userstate.DISCLAIMER_MARK)  # heard it; until then it is said again
    done = len(outcome.completed)
    click.echo(
        f"{'Stopped' if outcome.quit else 'Finished'}: {done} of {len(timeline.chapters)} "
        f"exercises done in {views.clock(outcome.heard_samples, rate).strip()}."
    )
    if outcome.skipped:
        click.echo("Not done: " + ", ".join(outcome.skipped) + ".")
    if pain_after is None and asking and not outcome.interrupted:
        pain_after = _ask_pain("Pain in your leg now, after the session")
    effects = {}
    if asking and not outcome.interrupted:
        for exercise_id in outcome.completed:
            name = prepared.library.exercises[exercise_id].name
            effect = _ask_effect(name)
            if effect:
                effects[exercise_id] = effect
    entry = log.Entry(
        day=dt.date.today(),
        target=" ".join(timeline.target),
        completed=tuple(outcome.completed),
        skipped=tuple(outcome.skipped),
        duration_s=outcome.heard_samples / rate,
        pain_before=pain_before,
        pain_after=pain_after,
        effects=effects,
        source="play",
    )
    if entry.completed or pain_before is not None or pain_after is not None:
        log.add(entry)  # a session stopped before anything was done is not worth a line
    if log.time_to_see_a_professional(logged()):
        click.echo(SEE_PROFESSIONAL)
    if outcome.interrupted:
        raise click.exceptions.Exit(130)


T = TypeVar("T")


def _ask_or_skip(question: str, parse: Callable[[str], T | None]) -> T | None:
    """One optional question after a session: Enter skips it, `parse` turns a bad answer into
    click's own "try again" message."""
    answer: T | None = click.prompt(question, default="", show_default=False, value_proc=parse)
    return answer


def _ask_pain(question: str) -> int | None:
    def parse(text: str) -> int | None:
        if not text.strip():
            return None
        try:
            return log.parse_pain(text.strip(), "pain")
        except UserError as exc:
            raise click.BadParameter(exc.message) from None

    return _ask_or_skip(f"{question}, 0 (none) to 10 (worst), Enter to skip", parse)


def _ask_effect(name: str) -> str | None:
    letters = {"b": "better", "s": "same", "w": "worse"}

    def parse(text: str) -> str | None:
        key = text.strip().lower()[:1]
        if not key:
            return None
        if key not in letters:
            raise click.BadParameter("answer b (better), s (same) or w (worse)")
        return letters[key]

    question = f"How did {name} make your leg feel? [b]etter, [s]ame, [w]orse, Enter to skip"
    return _ask_or_skip(question, parse)


@cli.command()
@click.argument("target", nargs=-1, required=True)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The file to write: .mp3 (tags and a chapter per exercise) or .wav.",
)
@click.option(
    "--split",
    type=click.Path(path_type=Path, file_okay=False),
    help="Also (or instead) write one track per exercise and an .m3u playlist into this folder.",
)
@click.option(
    "--format",
    "split_format",
    type=click.Choice(FORMATS),
    help="Format of the --split tracks [default: that of -o, else mp3].",
)
@session_options
def export(
    target: tuple[str, ...],
    output: Path | None,
    split: Path | None,
    split_format: str | None,
    **options: Any,
) -> None:
    """Render TARGET to an audio file (and/or split tracks) for your phone."""
    if output is None and split is None:
        raise click.UsageError("say where to write: -o FILE.mp3, --split DIR, or both")
    if output is not None:
        format_of(output)
    session = _session(target, options)
    timeline = session.timeline
    tags = Tags(
        title=session.title,
        album=session.library.programme.title,
        comment=session.library.programme.disclaimer,
    )
    said = []
    with _progress(timeline.length * ((output is not None) + (split is not None))) as step:
        if output is not None:
            export_file(timeline, session.cues.pcm, output, tags, step)
            size = output.stat().st_size / 1_000_000
            length = views.clock(timeline.length, timeline.sample_rate).strip()
            chapters = len(timeline.chapters)
            said.append(f"wrote {output} ({length}, {chapters} chapters, {size:.1f} MB)")
        if split is not None:
            fmt = split_format or (format_of(output) if output else "mp3")
            album = Tags(session.title, tags.album, tags.comment)
            paths = export_split(timeline, session.cues.pcm, split, fmt, album, step)
            said.append(f"wrote {len(paths) - 1} tracks and {paths[-1].name} into {split}")
    for line in said:
        click.echo(line)


@contextlib.contextmanager
def _progress(total: int) -> Iterator[Callable[[int], None] | None]:
    """A progress bar on a terminal; nothing when stderr is a file or a pipe."""
    if not sys.stderr.isatty():
        yield None
        return
    with click.progressbar(length=total, label="Rendering", file=sys.stderr) as bar:
        yield bar.update


@cli.command()
@click.option(
    "--engine",
    type=click.Choice(sorted(ENGINES)),
    help="Only this engine's voices [default: every engine's].",
)
@click.option("--language", metavar="PREFIX", help="Only voices whose language starts so (en).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def voices(engine: str | None, language: str | None, as_json: bool) -> None:
    """List every speech engine's voices (use one with --voice); * marks the one used now."""
    current = choose_engine(config.effective({})["engine"], config.effective({})["voice"]).engine
    rows: list[dict[str, Any]] = []
    missing: list[str] = []
    for name in [engine] if engine else sorted(ENGINES):
        speech = make_engine(name)
        problem = speech.problem()
        if problem:
            missing.append(f"{name}: {problem}")
            continue
        for v in speech.voices():
            if language and not (v.language or "").startswith(language):
                continue
            in_use = name == current.name and v.id == current.voice
            rows.append(
                {"engine": name, "id": v.id, "name": v.name, "language": v.language}
                | {"default": v.id == speech.voice, "in_use": in_use}
            )
    if as_json:
        _print_json(rows)
    else:
        table = [
            [
                ("* " if r["in_use"] else "  ") + r["engine"],
                r["id"],
                r["language"] or "-",
                r["name"],
            ]
            for r in rows
        ]
        click.echo(views.table(["ENGINE", "VOICE", "LANGUAGE", "NAME"], table))
        click.echo(
            f"\n* the voice used now ({current.name} {current.voice}; see `voice-coach doctor`)"
        )
    for line in missing:
        click.echo(f"voice-coach: note: {line}", err=True)


@cli.group()
def cache() -> None:
    """Inspect or empty the speech cue cache."""


def cache_dir_option(func: F) -> F:
    return click.option(
        "--cache-dir",
        type=click.Path(path_type=Path, file_okay=False),
        help="The cue cache folder [default: audio_cache/ of the checkout].",
    )(func)


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


@cli.command()
def doctor() -> None:
    """Check the speech engine, ffmpeg and the sound device, and say how to fix what is missing."""
    results = checks.run_all()
    for result in results:
        mark = "ok " if result.ok else ("-- " if result.optional else "!! ")
        click.echo(f"{mark} {result.name:<14} {result.detail}")
    if not all(r.ok or r.optional for r in results):
        raise UserError(
            "some checks failed",
            hint="install what the lines marked !! name, then run doctor again",
        )


@cli.group("config")
def config_group() -> None:
    """Your settings, stored once (command-line options still win)."""


@config_group.command("list")
def config_list() -> None:
    """Every setting: its value, and whether it is yours or the default."""
    stored = config.load()
    rows = []
    for name, key in config.KEYS.items():
        value = stored.get(name, key.default)
        origin = "set" if name in stored else "default"
        rows.append([name, "-" if value is None else str(value), origin, key.help])
    click.echo(views.table(["KEY", "VALUE", "FROM", "MEANING"], rows))
    click.echo(f"\nfile: {config.config_path()}")


@config_group.command("get")
@click.argument("key")
def config_get(key: str) -> None:
    """Print one setting."""
    config.key_named(key)
    value = config.effective({}).get(key)
    click.echo("" if value is None else str(value))


@config_group.command("set")
@click.argument("key")
@click.argument("value")
def config_set(key: str, value: str) -> None:
    """Store a setting, e.g. `config set side left`."""
    parsed = config.parse_value(key, value)
    stored = config.load()
    stored[key] = parsed
    config.save(stored)
    click.echo(f"{key} = {parsed}")


@config_group.command("unset")
@click.argument("key")
def config_unset(key: str) -> None:
    """Forget a setting (its default applies again)."""
    config.key_named(key)
    stored = config.load()
    stored.pop(key, None)
    config.save(stored)
    click.echo(f"{key} is back to its default")


@cli.group("log")
def log_group() -> None:
    """The session log: add a session done away from the computer."""


@log_group.command("add")
@click.argument("target", nargs=-1, required=True)
@click.option("--date", "day", help="The day of the session, YYYY-MM-DD [default: today].")
@click.option("--pain-before", help="Leg pain before, 0 (none) to 10 (worst).")
@click.option("--pain-after", help="Leg pain after, 0 (none) to 10 (worst).")
@click.option(
    "--effect",
    "effects",
    multiple=True,
    metavar="EXERCISE=better|same|worse",
    help="How an exercise made your leg feel; repeat for each.",
)
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
    library = library_from(content_dirs)
    ids, playlist = resolve_target(library, target)
    entry = log.Entry(
        day=log.parse_day(day) if day else dt.date.today(),
        target=playlist.id if playlist else " ".join(ids),
        completed=tuple(ids),
        pain_before=log.parse_pain(pain_before, "--pain-before") if pain_before else None,
        pain_after=log.parse_pain(pain_after, "--pain-after") if pain_after else None,
        effects=dict(log.parse_effect(e, ids) for e in effects),
    )
    log.add(entry)
    click.echo(f"logged {entry.target} on {entry.day.isoformat()}")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help='Print {"sessions": [...]} as JSON.')
@click.option(
    "--plot",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also draw the pain trend into this PNG file.",
)
def progress(as_json: bool, plot: Path | None) -> None:
    """Your sessions, the pain trend and your streak; and when to see a professional."""
    entries = logged()
    advice = log.time_to_see_a_professional(entries)
    if as_json:
        _print_json(
            {
                "sessions": [views.entry_json(e) for e in entries],
                "streak_days": log.streak(entries),
                "see_a_professional": advice,
            }
        )
    else:
        click.echo(views.progress_page(entries, log.streak(entries)))
        if advice:
            click.echo("\n" + SEE_PROFESSIONAL)
    if plot is not None:
        charts.plot_pain(log.pain_series(entries), plot)
        if not as_json:
            click.echo(f"wrote {plot}")


@cli.command("recommend")
@click.option("--json", "as_json", is_flag=True, help="Print the chosen exercise ids as JSON.")
def recommend_command(as_json: bool) -> None:
    """Rank the exercises by how they made you feel and save the best as playlist `my-plan`."""
    ranked = recommend.rank(logged())
    chosen = recommend.choose(ranked)
    path = recommend.save_plan(chosen)
    if as_json:
        _print_json({"playlist": recommend.MY_PLAN, "exercises": chosen})
        return
    rows = [
        [
            r.exercise,
            str(r.better),
            str(r.same),
            str(r.worse),
            "dropped (made it worse)" if r.dropped else ("in" if r.exercise in chosen else "-"),
        ]
        for r in ranked
    ]
    click.echo(views.table(["EXERCISE", "BETTER", "SAME", "WORSE", "MY PLAN"], rows))
    click.echo(f"\nsaved playlist '{recommend.MY_PLAN}' ({path}); try: voice-coach play my-plan")


CHECK = "straight-leg-raise-check"


def _plain_options() -> dict[str, Any]:
    """Every session option at its default, for running play or export from `choose`."""
    keys = ("side", "reps", "hold_s", "engine", "voice", "voice_model", "rate", "difficulty")
    return dict.fromkeys(keys) | {"content_dirs": (), "cache_dir": None}


def _play_defaults() -> dict[str, Any]:
    return {"player": DEFAULT_PLAYER, "pain_before": None, "pain_after": None}


@cli.command("choose")
@click.pass_context
def choose_command(ctx: click.Context) -> None:
    """A few questions from the programme to suggest the playlist for your sciatica."""
    click.echo(
        "A few questions to suggest a playlist. This is not a diagnosis: if you are unsure, "
        "a healthcare professional can help you find the cause.\n"
    )
    mri = click.prompt(
        "Has an MRI scan of your lower back shown a disc bulge, narrowing (foraminal stenosis), "
        "both, or none? If you have had no scan, answer no-scan",
        type=click.Choice(choosing.MRI_ANSWERS),
        default="no-scan",
    )
    answers = choosing.Answers(mri=mri)
    if mri in ("none", "no-scan"):
        back = click.prompt(
            "Do lower-back movements (bending, arching) bring on the symptoms in your leg?",
            type=click.Choice(choosing.YES_NO),
            default="unsure",
        )
        hip = click.prompt(
            "Is the pain at the back of your hip, and worse with prolonged sitting?",
            type=click.Choice(choosing.YES_NO),
            default="unsure",
        )
        if click.confirm(
            "Would you like me to guide you and a helper through the straight-leg raise test now?",
            default=False,
        ):
            ctx.invoke(play, target=(CHECK,), **_plain_options(), **_play_defaults())
        raise_ = click.prompt(
            "Straight-leg raise test with a helper (see `voice-coach guide know-the-cause`): "
            "did it bring on your symptoms, more with the ankle pulled back, than the other side?",
            type=click.Choice(choosing.YES_NO),
            default="unsure",
        )
        answers = choosing.Answers(mri, back, hip, raise_)
    suggestion = choosing.suggest(answers)
    click.echo(f"\nSuggested playlist: {suggestion.playlist} ({suggestion.why}).")
    if suggestion.playlist == "not-sure":
        click.echo("If you can, get a review from a healthcare professional to find the cause.")
    action = click.prompt(
        "Start it now: [p]lay, [e]xport to MP3, or [q]uit",
        type=click.Choice(["p", "e", "q"]),
        default="q",
    )
    options = _plain_options()
    if action == "p":
        ctx.invoke(play, target=(suggestion.playlist,), **options, **_play_defaults())
    elif action == "e":
        output = Path(f"{suggestion.playlist}.mp3")
        ctx.invoke(
            export,
            target=(suggestion.playlist,),
            output=output,
            split=None,
            split_format=None,
            **options,
        )
    else:
        click.echo(f"When you are ready: voice-coach play {suggestion.playlist}")


def _one_line(message: str) -> str:
    return " ".join(message.split())


def _terminate(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> None:
    """Run the CLI; turn every failure into one line on stderr and an exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args or bool(os.environ.get("VOICE_COACH_DEBUG"))
    args = [a for a in args if a != "--debug"]
    # A polite kill (SIGTERM) unwinds like Ctrl-C, so half-written files are removed on the way.
    signal.signal(signal.SIGTERM, _terminate)
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
