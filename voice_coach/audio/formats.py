"""The file formats an export can have, told from the name a person gives: known before any
encoder is loaded, so the command line and `choose` check a name without importing one."""

from __future__ import annotations

from pathlib import Path

from voice_coach.errors import UserError

FORMATS = ("mp3", "m4b", "wav")
SPLIT_FORMATS = ("mp3", "wav")


class ExportError(UserError):
    pass


def format_of(path: Path) -> str:
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise ExportError(
            f"cannot tell the format of '{path.name}'",
            where="-o",
            hint="end the file name with .mp3, .m4b or .wav",
        )
    return suffix
