"""What the session controller needs from a sound output, whatever the library behind it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from voice_coach.errors import UserError

NO_DEVICE = "no audio output device found"
NO_DEVICE_HINT = "use `voice-coach export` to make an MP3 instead; `voice-coach doctor` says more"


class NoDeviceError(UserError):
    def __init__(self, detail: str | None = None) -> None:
        message = NO_DEVICE + (f" ({detail})" if detail else "")
        super().__init__(message, hint=NO_DEVICE_HINT)


class Player(Protocol):
    """A continuous output stream whose clock is the audio itself, never a sleep."""

    name: str

    def start(self, blocks: Iterator[bytes], position: int) -> None:
        """Begin playing `blocks`, which are the session's audio from sample `position` on."""

    def position(self) -> int:
        """The session sample being heard now."""

    def stop(self) -> int:
        """Silence at once (dropping what is buffered); return the sample reached."""

    def done(self) -> bool:
        """True once everything started has been heard."""

    def close(self) -> None: ...
