"""What a person asked for one session, typed once at the command line and passed down whole.

`SessionOptions` holds only what the command line said (None: not said); `merged` lays it over
the stored settings in one typed place, so every layer below reads checked, typed values.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from pathlib import Path

from voice_coach.journal.settings import Preferences
from voice_coach.model import Difficulty, Side


@dataclass(frozen=True)
class SessionOptions:
    """The options `plan`, `play` and `export` share; None means "as my settings say"."""

    content_dirs: tuple[Path, ...] = ()
    """Extra content folders, read after the built-in one and the user's own playlists."""
    cache_dir: Path | None = None
    side: Side | None = None
    reps: int | None = None
    """Every exercise's repetitions, for a quick try (the programme's dosage otherwise)."""
    hold_s: int | None = None
    engine: str | None = None
    voice: str | None = None
    voice_model: str | None = None
    """A Piper .onnx file; implies Piper."""
    rate: int | None = None
    difficulty: Difficulty | None = None
    full: bool = False
    music: str | None = None
    """A music file or folder (the music setting otherwise)."""
    music_level: int | None = None
    music_shuffle: bool | None = None
    no_music: bool = False
    """No music this time, whatever the setting says."""
    """Every setup and step, even for exercises done often (repeat sessions are shorter), and
    every exercise, even one that made the leg worse last time."""


def merged(options: SessionOptions, stored: Preferences) -> Preferences:
    """The command line over the stored settings: the one place the two meet. Every setting
    the command line can also give (same name) wins when given; the rest are the stored ones."""
    given = {
        f.name: getattr(options, f.name)
        for f in fields(Preferences)
        if getattr(options, f.name, None) is not None
    }
    chosen = replace(stored, **given)
    return replace(chosen, music=None) if options.no_music else chosen
