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


def one_line(message: str) -> str:
    """One line, and inert: a control character (an escape sequence from a file or an
    argument) is shown as its code, never sent to the terminal."""
    flat = " ".join(message.split())
    return CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", flat)


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
