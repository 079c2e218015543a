"""What there is: the playlists (causes), the exercises, one exercise as a page (show) and the
programme's advice (guide). Light on purpose: a listing loads the programme and nothing else."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from voice_coach.cli.common import content_option, json_option, print_json, say
from voice_coach.names import lookup

if TYPE_CHECKING:
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
        say(views.causes_table(library, lengths, ESTIMATE_RATE))


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
        say(views.exercises_table(library, chosen))


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
    say(views.exercise_page(library, exercise))


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
    say(views.guide_page(topics, library.programme.disclaimer))


COMMANDS = (causes, exercises, show, guide)
