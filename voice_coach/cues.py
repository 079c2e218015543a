"""Speech cues as the session will play them: synthesised once, trimmed, and measured.

The plan needs each cue's exact length and the renderer needs its samples; both come from here,
so the two can never disagree. Leading and trailing silence is trimmed to a short, fixed margin:
the plan, not the engine, decides the pauses between words.
"""

from __future__ import annotations

import array
import sys

from voice_coach.plan import CueLength
from voice_coach.tts.base import Engine

SILENCE_THRESHOLD = 200
"""Samples quieter than this (of 32767) count as silence at the edges of a cue."""
LEAD_MS = 10
TAIL_MS = 40


def trim(pcm: bytes, sample_rate: int) -> bytes:
    """Cut edge silence down to LEAD_MS before the first sound and TAIL_MS after the last."""
    samples = array.array("h")
    samples.frombytes(pcm)
    if sys.byteorder == "big":
        samples.byteswap()
    first = next((i for i, s in enumerate(samples) if abs(s) > SILENCE_THRESHOLD), None)
    if first is None:
        return pcm
    last = next(i for i in range(len(samples) - 1, -1, -1) if abs(samples[i]) > SILENCE_THRESHOLD)
    start = max(0, first - sample_rate * LEAD_MS // 1000)
    stop = min(len(samples), last + 1 + sample_rate * TAIL_MS // 1000)
    return pcm[start * 2 : stop * 2]


class CueSource:
    """Cues for one engine, voice and rate, remembered for the life of the process."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sample_rate = engine.sample_rate
        self._pcm: dict[str, bytes] = {}

    def pcm(self, text: str) -> bytes:
        cached = self._pcm.get(text)
        if cached is None:
            cached = trim(self.engine.synthesize(text), self.sample_rate)
            self._pcm[text] = cached
        return cached

    def length(self, text: str) -> int:
        """Samples in the cue: the plan's `cue_length` oracle."""
        return len(self.pcm(text)) // 2


def estimated_length(sample_rate: int, words_per_minute: int) -> CueLength:
    """A cue-length guess from the word count, for listings that must not wait for speech."""

    def length(text: str) -> int:
        words = max(1, len(text.split()))
        return round(sample_rate * (0.15 + words * 60 / words_per_minute))

    return length
