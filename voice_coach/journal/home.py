"""Where the user's own state lives (config, log, marks); VOICE_COACH_HOME moves all of it.

It is private: the log holds health data and share.json the share secret, so the folder is the
owner's only (0700) and so is every file voice-coach keeps in it (0600). A folder or file made
by an older voice-coach, under the umask, is tightened whenever the folder is opened.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from voice_coach.files import private_file, private_folder, tighten

DISCLAIMER_MARK = "disclaimer-heard"

PRIVATE_FILES = ("log.sqlite3*", "config.yaml", "share.json", DISCLAIMER_MARK, "content/*.yaml")
"""What voice-coach keeps in the folder for the person (the log with SQLite's journal files and
the copies moved aside); the cue cache and rendered audio are not the person's data."""


def home() -> Path:
    configured = os.environ.get("VOICE_COACH_HOME")
    if configured:
        return Path(configured)
    return Path(platformdirs.user_data_dir("voice-coach"))


def folder() -> Path:
    """The folder, made private if new; an existing one and its files are tightened."""
    path = private_folder(home())
    for pattern in PRIVATE_FILES:
        for found in path.glob(pattern):
            tighten(found)
    content = path / "content"
    if content.is_dir():
        tighten(content)
    return path


def secure() -> None:
    """Tighten the folder if there is one, without making it: for commands that only read."""
    if home().is_dir():
        folder()


def user_content() -> Path:
    """The user's own playlists (my-plan), loaded over the built-in content."""
    return home() / "content"


def first_use_of(mark: str) -> bool:
    return not (home() / mark).exists()


def remember(mark: str) -> None:
    private_file(folder() / mark)
