"""One error type for every problem a user can fix, and the one funnel that prints it."""

from __future__ import annotations

import errno
import re
import sys
from collections.abc import Callable
from enum import IntEnum

import click


class ExitStatus(IntEnum):
    OK = 0
    ERROR = 1
    USAGE = 2
    INTERNAL = 70


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


def _one_line(message: str) -> str:
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
        return _one_line(str(exc))
    fault = os_fault(exc) if isinstance(exc, OSError) else None
    if fault is not None:
        return _one_line(fault)
    return f"internal error: {type(exc).__name__} (please report it)"


def _say(text: str) -> None:
    click.echo(f"voice-coach: {text}", err=True)


def funnel(run: Callable[[], object], *, debug: bool) -> int:
    """Run the command; turn whatever it raises into one line on stderr and an exit status.

    A user's mistake is exit 1 (2 for a usage mistake), Ctrl-C is 130, and anything else is our
    bug: exit 70 with a line asking for a report. `debug` re-raises instead, for the traceback.
    """
    try:
        result = run()
        return result if isinstance(result, int) else ExitStatus.OK
    except (click.exceptions.Abort, KeyboardInterrupt):
        _say("stopped")
        return 130
    except click.ClickException as exc:
        if debug:
            raise
        ctx = getattr(exc, "ctx", None)
        command = ctx.command_path if isinstance(ctx, click.Context) else "voice-coach"
        _say(f"error: {_one_line(exc.format_message())} (see '{command} --help')")
        return ExitStatus.USAGE
    except UserError as exc:
        if debug:
            raise
        _say(f"error: {_one_line(str(exc))}")
        return exc.status
    except BrokenPipeError:
        sys.stderr.close()  # the reader (e.g. `head`) left; nothing more to say
        return ExitStatus.OK
    except OSError as exc:
        fault = os_fault(exc)
        if debug or fault is None:
            if debug:
                raise
            return _internal(exc)
        _say(f"error: {_one_line(fault)}")
        return ExitStatus.ERROR
    except Exception as exc:
        if debug:
            raise
        return _internal(exc)


def _internal(exc: BaseException) -> int:
    _say(
        f"error: internal error: {type(exc).__name__}: {_one_line(str(exc))} "
        "(run again with --debug for the traceback, and please report it)"
    )
    return ExitStatus.INTERNAL
