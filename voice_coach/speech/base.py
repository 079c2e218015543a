"""The one small interface every speech engine offers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class VoiceInfo:
    id: str
    name: str
    language: str | None = None


class Engine(Protocol):
    """A text-to-speech engine that returns raw audio; it never plays or caches anything itself."""

    name: str
    sample_rate: int
    voice: str
    rate: int

    def problem(self) -> str | None:
        """None when the engine can speak here, else one line saying what to install."""

    def synthesize(self, text: str) -> bytes:
        """Mono signed 16-bit little-endian PCM at `sample_rate` for `text`."""

    def voices(self) -> list[VoiceInfo]:
        """Every voice this engine offers on this machine."""
