"""Speech cues as the session will play them: synthesised once, trimmed, and measured.

The plan needs each cue's exact length and the renderer needs its samples; both come from here,
so the two can never disagree. Leading and trailing silence is trimmed to a short, fixed margin:
the plan, not the engine, decides the pauses between words.
"""

from __future__ import annotations

import array
import sys
from collections.abc import Callable, Iterable

from voice_coach.speech import loudness
from voice_coach.speech.base import Engine
from voice_coach.speech.cache import CueCache, cue_key
from voice_coach.speech.text import speech_text

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
    """Cues for one engine, voice and rate: from memory, else the disk cache, else the engine.

    Whatever is returned once is returned for the rest of the process, and what goes into the
    cache is exactly what the plan measured and the renderer plays.
    """

    def __init__(
        self,
        engine: Engine,
        cache: CueCache | None = None,
        say: Callable[[str], str] | None = None,
    ) -> None:
        self.engine = engine
        self.cache = cache
        self.say = say or speech_text()
        """Written text -> what the engine is given; the cache is keyed by the latter."""
        self.sample_rate = engine.sample_rate
        self.synthesized = 0
        self.listener: Callable[[str], None] | None = None
        """Told of each cue synthesised (the progress of a cold plan)."""
        self._pcm: dict[str, bytes] = {}

    def _key(self, text: str) -> str:
        engine = self.engine
        voice = str(getattr(engine, "identity", engine.voice))  # see PiperEngine.identity
        return cue_key(engine.name, voice, engine.rate, self.sample_rate, text)

    def key_of(self, text: str) -> str:
        """What names the cue's audio: engine, voice, rate and the words it is given."""
        return self._key(self.say(text))

    def pcm(self, text: str) -> bytes:
        cached = self._pcm.get(text)
        if cached is not None:
            return cached
        said = self.say(text)
        key = self._key(said)
        pcm = self.cache.get(key, self.sample_rate) if self.cache else None
        if pcm is None:
            rate = self.sample_rate
            pcm = loudness.level(trim(self.engine.synthesize(said), rate), rate)
            self.synthesized += 1
            if self.listener is not None:
                self.listener(text)
            if self.cache:
                pcm = self.cache.put(key, pcm, self.sample_rate)
        self._pcm[text] = pcm
        return pcm

    def missing(self, texts: Iterable[str]) -> list[str]:
        """The texts that would have to be synthesised (in neither memory nor the cache)."""
        out = []
        for text in dict.fromkeys(texts):
            if text in self._pcm:
                continue
            if self.cache is None or not self.cache.path(self._key(self.say(text))).is_file():
                out.append(text)
        return out

    def length(self, text: str) -> int:
        """Samples in the cue: the plan's `cue_length` oracle."""
        return len(self.pcm(text)) // 2
