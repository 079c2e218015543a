"""One error type for every problem a user can fix, the exit statuses, and the one-line form of a
fault. The command line's funnel (voice_coach.cli.funnel) prints them; nothing here knows click."""

from __future__ import annotations

import errno
import re
from enum import IntEnum


class ExitStatus(IntEnum):
    OK = 0
    ERROR = 1
    USAGE = 2
    INTERNAL = 70
    """Our bug: anything that is not the user's to fix (sysexits' EX_SOFTWARE)."""
    INTERRUPTED = 130
    """Ctrl-C (or a polite kill): 128 + SIGINT, as shells report it."""


class UserError(Exception):
    """A problem the user can fix: printed as one line, never with a traceback (unless --debug).

    `where` is a place (``content/x.yaml:12`` or an option name) and `hint` says how to fix it;
    both are optional so that the message itself stays short.
    """

    status = ExitStatus.ERROR

    def __init__(self, message: str, *, where: str | None = None, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.where = where
        self.hint = hint

    def __str__(self) -> str:
        text = f"{self.where}: {self.message}" if self.where else self.message
        if self.hint:
            text += f" ({self.hint})"
        return text


class ContentError(UserError):
    """Bad exercise or playlist content: always names the file and line."""


class EngineError(UserError):
    """The speech engine is missing or failed; the hint names what to install."""


CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
"""C0, DEL and C1: the characters that start or make up a terminal's escape sequences."""


def _code(char: str) -> str:
    """A character as the code a person can read: a byte that was not UTF-8 (a file name's,
    kept by Python as a lone surrogate) as that byte, so it is shown rather than crashing the
    encoder."""
    point = ord(char)
    if 0xDC80 <= point <= 0xDCFF:
        return f"\\x{point - 0xDC00:02x}"
    if point <= 0xFF:
        return f"\\x{point:02x}"
    return f"\\u{point:04x}" if point <= 0xFFFF else f"\\U{point:08x}"


def inert(text: str) -> str:
    """`text` (a path, a name, a stored value: anything a person or a file supplied) safe to put
    in a line on a terminal: every character that is not plainly printable is shown as its code.
    That takes control characters (escape sequences, a newline that would split the line), the
    Unicode bidi controls (U+202A-U+202E, U+2066-U+2069, U+200E/U+200F) and the other format
    characters that can make text read as something else (zero-width ones, U+FEFF, tags), line
    separators, and the undecodable bytes of a file name."""
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else _code(char) for char in text)


def inert_lines(text: str) -> str:
    """Text of several lines (a table, a page) made inert line by line: its own line breaks
    stay, every other character that is not printable is shown as its code (see `inert`). The
    terminal's output goes through this, so nothing a site forgot can reach the terminal raw."""
    return "\n".join(inert(line) for line in text.split("\n"))


QUOTED_MOST = 40
"""Characters of a value a person gave that a line quotes back: enough to recognise it."""


def clipped(text: str, most: int = QUOTED_MOST) -> str:
    """`text` as a line quotes it back: its first `most` characters, and "…" when there was
    more (a 100 KB value repeated in full is no longer one line anyone can read)."""
    return text if len(text) <= most else text[:most] + "…"


def one_line(message: str) -> str:
    """One line, and inert: a control character (an escape sequence from a file or an
    argument) or a bidi control is shown as its code, never sent to the terminal."""
    return inert(" ".join(message.split()))


FAULT_HINTS = {
    errno.ENOSPC: "free some disk space and try again",
    errno.EDQUOT: "free some space (your disk quota is full) and try again",
    errno.EROFS: "the disk is read-only: choose a folder you can write to",
    errno.EACCES: "permission denied: choose a folder you can write to, or fix its permissions",
    errno.EPERM: "the file or folder may not be changed (it may be immutable): choose another",
    errno.ENAMETOOLONG: "use a shorter file name",
    errno.ENOTDIR: "part of the path is a file, not a folder",
    errno.EEXIST: "a file is in the way of a folder voice-coach needs: move it or choose another",
    errno.EISDIR: "that is a folder: give a file name",
    errno.ENOENT: "check the path: the file or folder does not exist",
    errno.ELOOP: "the path goes through a link loop",
    errno.EMFILE: "too many files are open: close some programs and try again",
}
"""Faults of the machine or of a path the user gave: a user's problem to fix, not our bug."""


def os_fault(exc: OSError) -> str | None:
    """One line for an OSError the user can fix (naming the file), or None for anything else."""
    if exc.errno not in FAULT_HINTS:
        return None
    where = exc.filename if exc.filename is not None else "voice-coach"
    return f"{where}: {exc.strerror or 'failed'} ({FAULT_HINTS[exc.errno]})"


def describe(exc: Exception) -> str:
    """One inert line for a fault met while serving (the server goes on, so nothing exits)."""
    if isinstance(exc, UserError):
        return one_line(str(exc))
    fault = os_fault(exc) if isinstance(exc, OSError) else None
    if fault is not None:
        return one_line(fault)
    return f"internal error: {type(exc).__name__} (please report it)"
