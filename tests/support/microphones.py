"""A fake microphone on a fake clock, for calibration and listen-test (fast)."""

from __future__ import annotations

from voice_coach.listening.microphone import RATE

PERIOD = 640
"""Samples a read gives."""


class Clock:
    def __init__(self) -> None:
        self.now = 0.0


class Microphone:
    """A period of silence a read; each read moves the clock on by as long. Each read's first
    byte is `prompt` (plus one, below 251) when `marked`: a recogniser can tell from the sound
    alone which answer it hears."""

    def __init__(self, clock: Clock, marked: bool = False) -> None:
        self.clock = clock
        self.marked = marked
        self.prompt = 0
        self.closed = False

    def read(self) -> bytes:
        self.clock.now += PERIOD / RATE
        silence = bytes(PERIOD * 2)
        return bytes([self.prompt % 250 + 1]) + silence[1:] if self.marked else silence

    def close(self) -> None:
        self.closed = True
