"""Playback through simpleaudio: simple, but each `play` opens the device anew (about half a
second through PulseAudio) and it cannot report its position. So it plays the whole rest of the
session as one buffer, and its clock is the wall clock since that buffer started; prefer `alsa`.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from voice_coach.playback.base import NoDeviceError


class SimpleaudioPlayer:
    name = "simpleaudio"

    def __init__(self, sample_rate: int) -> None:
        try:
            import simpleaudio
        except ImportError as exc:
            raise NoDeviceError(f"simpleaudio is not installed: {exc}") from None
        self._module: Any = simpleaudio
        self.sample_rate = sample_rate
        self._play: Any = None
        self._start = 0
        self._length = 0
        self._began = time.monotonic()

    def start(self, blocks: Iterator[bytes], position: int) -> None:
        self.stop()
        audio = b"".join(blocks)
        try:
            self._play = self._module.play_buffer(audio, 1, 2, self.sample_rate)
        except Exception as exc:  # simpleaudio raises its own untyped errors
            raise NoDeviceError(str(exc)) from None
        self._start, self._length, self._began = position, len(audio) // 2, time.monotonic()

    def position(self) -> int:
        if self._play is None:
            return self._start
        elapsed = int((time.monotonic() - self._began) * self.sample_rate)
        return self._start + min(elapsed, self._length)

    def stop(self) -> int:
        reached = self.position()
        if self._play is not None:
            self._play.stop()
            self._play = None
            self._start = reached
        return reached

    def done(self) -> bool:
        return self._play is not None and not self._play.is_playing()

    def close(self) -> None:
        self.stop()
