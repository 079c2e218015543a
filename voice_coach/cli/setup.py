"""Setting the machine up: which voices there are (voices), the speech cue cache (cache), and
what is missing and how to install it (doctor)."""

from __future__ import annotations

from pathlib import Path

import click

from voice_coach.cli.common import cache_dir_option, json_option, print_json, say
from voice_coach.errors import UserError, inert

ENGINE_CHOICES = ("piper", "pyttsx3")
"""The engines with voices to list (kept here so `--help` needs no engine loaded; a test checks
it against speech.selection.ENGINES)."""


@click.command()
@click.option(
    "--engine",
    type=click.Choice(ENGINE_CHOICES),
    help="Only this engine's voices [default: every engine's].",
)
@click.option("--language", metavar="PREFIX", help="Only this language [default: en].")
@click.option("--all", "every", is_flag=True, help="Voices in every language.")
@json_option
def voices(engine: str | None, language: str | None, every: bool, as_json: bool) -> None:
    """List the speech engines' voices for the programme's language (use one with --voice)."""
    from voice_coach.cli import views
    from voice_coach.journal import settings
    from voice_coach.speech.selection import PROGRAMME_LANGUAGE, list_voices, select_engine

    prefs = settings.preferences()
    current = select_engine(prefs.engine, prefs.voice).engine
    wanted = None if every else (language or PROGRAMME_LANGUAGE)
    rows, missing = list_voices([engine] if engine else list(ENGINE_CHOICES), wanted, current)
    if as_json:
        print_json(views.voices_json(rows))
    else:
        say(views.voices_table(rows, current))
    for line in missing:
        say(f"voice-coach: note: {line}", err=True)


@click.group()
def cache() -> None:
    """Inspect or empty the speech cue cache."""


@cache.command("stats")
@cache_dir_option
def cache_stats(cache_dir: Path | None) -> None:
    """How many cues are cached, how much space they take, and whether any are broken."""
    from voice_coach.speech.cache import CueCache, default_cache_dir

    stats = CueCache(cache_dir or default_cache_dir()).stats()
    say(f"folder:  {inert(str(stats.folder))}")
    say(f"cues:    {stats.entries} ({stats.seconds / 60:.1f} min of speech)")
    say(f"size:    {stats.bytes / 1_000_000:.1f} MB")
    say(f"broken:  {stats.broken} (rebuilt automatically when next needed)")


@cache.command("clear")
@cache_dir_option
def cache_clear(cache_dir: Path | None) -> None:
    """Delete every cached cue (they are synthesised again when needed)."""
    from voice_coach.speech.cache import CueCache, default_cache_dir

    folder = cache_dir or default_cache_dir()
    removed = CueCache(folder).clear()
    say(f"removed {removed} cached cues from {inert(str(folder))}")


@click.command("doctor")
def doctor_command() -> None:
    """Check the speech engine, ffmpeg and the sound device, and say how to fix what is missing."""
    from voice_coach import doctor
    from voice_coach.cli import views

    results = doctor.run_all()
    for line in views.checks_lines(results):
        say(line)
    if not all(r.ok or r.optional for r in results):
        raise UserError(
            "some checks failed",
            hint="each line marked !! says what to install or do; then run doctor again",
        )


COMMANDS = (voices, cache, doctor_command)
