"""The file formats an export can have, told from the name a person gives: known before any
encoder is loaded, so the command line and `choose` check a name without importing one."""

from __future__ import annotations

from pathlib import Path

from voice_coach.errors import UserError

FORMATS = ("mp3", "m4b", "wav")
SPLIT_FORMATS = ("mp3", "wav")
FORMAT_HELP = {
    "mp3": ".mp3 (tags and a chapter per exercise)",
    "m4b": ".m4b (an audiobook: chapters in Apple's players)",
    "wav": ".wav (plain audio)",
}
"""Each format as the help names it: `export --help` is read from this, one entry a format."""
NAMES = ", ".join(f".{f}" for f in FORMATS[:-1]) + f" or .{FORMATS[-1]}"
WAV_MOST_SAMPLES = (2**32 - 1 - 36) // 2
"""A WAV file counts its bytes in 32 bits: its header's 36 and 4 GB of 16-bit samples at most
(about 27 hours at 22 kHz). The wave module finds out only when it closes the file, after
writing all 4 GB, so a session too long for one is refused before anything is written."""


class ExportError(UserError):
    pass


def format_of(path: Path) -> str:
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise ExportError(
            f"cannot tell the format of '{path.name}'",
            where="-o",
            hint=f"end the file name with {NAMES}",
        )
    return suffix


def fits_wav(
    samples: int,
    sample_rate: int,
    where: str,
    what: str = "the session",
    instead: str = "export it as .mp3 or .m4b",
) -> None:
    """One line when `samples` are too many for a WAV file, saying what to do instead
    (`instead`: the other formats, as the option that asked for WAV takes them)."""
    if samples > WAV_MOST_SAMPLES:
        length, most = _lengths(samples / sample_rate, WAV_MOST_SAMPLES / sample_rate)
        raise ExportError(
            f"{what} is {length} long, too long for a WAV file (4 GB, {most} at most)",
            where=where,
            hint=f"{instead}, or with fewer repetitions (--reps) or shorter holds (--hold)",
        )


def _lengths(seconds: float, most: float) -> tuple[str, str]:
    """The two lengths in hours and minutes, or with seconds too when that is what tells them
    apart: "27 hours long, too long for ... about 27 hours" read as a contradiction."""
    for unit in (60, 1):
        length, limit = _spoken(seconds, unit), _spoken(most, unit)
        if length != limit:
            return length, limit
    return f"just over {limit}", limit


def _spoken(seconds: float, unit: int) -> str:
    """`seconds` rounded down to `unit` (60: minutes, 1: seconds), as "27 hours 3 minutes"."""
    whole = int(seconds) // unit * unit
    parts = [(whole // 3600, "hour"), (whole % 3600 // 60, "minute"), (whole % 60, "second")]
    words = [f"{n} {name}{'s' if n != 1 else ''}" for n, name in parts if n]
    return " ".join(words) or "0 seconds"
