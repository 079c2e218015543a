"""One error type for every problem a user can fix, printed in exactly one place."""

from __future__ import annotations

from enum import IntEnum


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
