"""Where the user's own state lives (config, log, marks); VOICE_COACH_HOME moves all of it."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

DISCLAIMER_MARK = "disclaimer-heard"


def home() -> Path:
    configured = os.environ.get("VOICE_COACH_HOME")
    if configured:
        return Path(configured)
    return Path(platformdirs.user_data_dir("voice-coach"))


def user_content() -> Path:
    """The user's own playlists (my-plan), loaded over the built-in content."""
    return home() / "content"


def first_use_of(mark: str) -> bool:
    return not (home() / mark).exists()


def remember(mark: str) -> None:
    folder = home()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / mark).touch()
