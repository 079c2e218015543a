"""The person's music under the coach, ducked before every word because the plan says when.

A side-chain compressor hears the voice and then turns the music down, so the first syllable
is always masked. The plan knows each cue's first sample, so here the music starts to go down
`DUCK_DOWN_S` before it and is fully down when the word begins; it comes back up after a short
hang, so the gaps between the words of one instruction do not pump.

Music has its own clock ("music time"): it runs on while the session is heard, stops with a
pause, and does not jump when an exercise is skipped, as a person expects of music. An export is
heard straight through, so its music time is its sample position, and a session played straight
through is the export, sample for sample.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from voice_coach.model import Event

BED_DB = -14.0
"""The music in holds, rests and the get-ready, against the voice (both levelled to -16 LUFS):
well under it, but there."""
DUCK_DB = -14.0
"""Further down under every cue and tone: at least 10 dB was asked, and a crossfade between
two tracks can swell the music by up to 3 dB."""
DUCK_DOWN_S = 0.25
"""The music is fully down this long before the first sample of a cue."""
DUCK_HANG_S = 0.3
"""It stays down this long after a cue, so it does not pump between the words of one
instruction, then comes back up over DUCK_UP_S."""
DUCK_UP_S = 0.6
FADE_IN_S = 1.0
FADE_OUT_S = 3.0
MUSIC_CEILING = 0.35
"""The music alone never goes over about -9 dBFS, and under a cue 14 dB less: with the voice's
peaks at -2 dBTP, the sum stays under the -1 dBTP podcast apps ask for."""
LEVEL_RANGE = (-30, 10)
"""`--music-level`, in dB over BED_DB: from barely there to 4 dB under the voice."""


class Bed(Protocol):
    """The music itself (audio.music.MusicBed): endless, levelled samples in music time."""

    def read(self, at: int, count: int) -> np.ndarray[Any, np.dtype[np.float32]]: ...

    def title_at(self, at: int) -> str | None: ...


@dataclass(frozen=True)
class Span:
    """Where a cue or tone sounds: [start, end) in session samples."""

    start: int
    end: int


def sounding(event: Event) -> bool:
    return event.kind != "silence" and event.length > 0


def duck_weight(spans: Iterable[Span], first: int, count: int, rate: int) -> np.ndarray[Any, Any]:
    """How far down the music is at each sample of [first, first + count): 0 up, 1 down.

    Each span holds it down from DUCK_DOWN_S before its start (a raised-cosine ramp) to
    DUCK_HANG_S after its end, then lets it up over DUCK_UP_S; overlapping spans take the most."""
    down, hang, up = (round(s * rate) for s in (DUCK_DOWN_S, DUCK_HANG_S, DUCK_UP_S))
    weight = np.zeros(count)
    here = np.arange(first, first + count)
    for span in spans:
        if span.start - down >= first + count or span.end + hang + up <= first:
            continue
        w = np.zeros(count)
        before = (here >= span.start - down) & (here < span.start)
        w[before] = _rise((here[before] - (span.start - down)) / down)
        w[(here >= span.start) & (here < span.end + hang)] = 1.0
        after = (here >= span.end + hang) & (here < span.end + hang + up)
        w[after] = 1.0 - _rise((here[after] - (span.end + hang)) / up)
        np.maximum(weight, w, out=weight)
    return weight


def _rise(x: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """0 to 1 along a raised cosine: no corner to click."""
    return np.asarray(0.5 - 0.5 * np.cos(math.pi * np.clip(x, 0.0, 1.0)))


def fades(first: int, count: int, length: int | None, rate: int) -> np.ndarray[Any, Any]:
    """The music's fade in from the session's start and out to its last sample."""
    here = np.arange(first, first + count, dtype=np.float64)
    gain = _rise(here / max(1, round(FADE_IN_S * rate)))
    if length is not None:
        gain = gain * _rise((length - here) / max(1, round(FADE_OUT_S * rate)))
    return gain


@dataclass
class Mixing:
    """The music for one session: the bed, its level, and where music time stands.

    `length` gives the session's length once it is known (a plan still growing says None)."""

    bed: Bed
    rate: int
    length: Callable[[], int | None]
    level_db: float = 0.0
    music_start: int = 0
    """Music time at `session_start`: where the bed is read from when the sound starts."""
    session_start: int = 0

    def resume(self, reached: int, position: int) -> None:
        """The sound stopped at session sample `reached` and goes on from `position` (the same
        after a pause; elsewhere after a skip): the music goes on from where it was heard."""
        self.music_start += max(0, reached - self.session_start)
        self.session_start = position

    def start_at(self, position: int) -> None:
        """Straight-through rendering from `position` (an export, a split track): music time is
        the session's own."""
        self.music_start = self.session_start = position

    def music_time(self, position: int) -> int:
        return self.music_start + max(0, position - self.session_start)

    def title_at(self, position: int) -> str | None:
        return self.bed.title_at(self.music_time(position))

    def mix(
        self, blocks: Iterable[bytes], start: int, spans: Callable[[], list[Span]]
    ) -> Iterator[bytes]:
        """The blocks (session PCM from `start` on) with the music under them.

        Output lags the input by DUCK_DOWN_S: a ramp before a cue can only be drawn once the
        cue is known, which is when the renderer has reached it. `spans` is every cue the
        renderer has reached so far. Where music time stands is taken now, when the sound
        (re)starts: a render from before a pause or a skip that runs on for a block in its
        own thread reads the music where it was, and never moves this one's place."""
        music_start, session_start = self.music_start, self.session_start

        def music_time(position: int) -> int:
            return music_start + max(0, position - session_start)

        return self._mixing(blocks, start, spans, music_time)

    def _mixing(
        self,
        blocks: Iterable[bytes],
        start: int,
        spans: Callable[[], list[Span]],
        music_time: Callable[[int], int],
    ) -> Iterator[bytes]:
        passed = [0]  # spans long over, for this render only
        held = np.zeros(0, dtype=np.float64)
        at = start  # session position of held[0]
        margin = round(DUCK_DOWN_S * self.rate)
        for block in blocks:
            voice = np.frombuffer(block, dtype="<i2").astype(np.float64)
            held = np.concatenate([held, voice])
            ready = len(held) - margin
            if ready <= 0:
                continue
            yield self._mixed(held[:ready], at, spans(), passed, music_time)
            held = held[ready:]
            at += ready
        if len(held):
            yield self._mixed(held, at, spans(), passed, music_time)

    def _mixed(
        self,
        voice: np.ndarray[Any, Any],
        at: int,
        spans: list[Span],
        passed: list[int],
        music_time: Callable[[int], int],
    ) -> bytes:
        count = len(voice)
        reach = round((DUCK_HANG_S + DUCK_UP_S) * self.rate)
        while passed[0] < len(spans) and spans[passed[0]].end + reach <= at:
            passed[0] += 1  # spans come in order: those long over never matter again
        nearby = [s for s in spans[passed[0] :] if s.start < at + count + reach]
        music = self.bed.read(music_time(at), count).astype(np.float64)
        # A track's loud peaks (a quiet one turned up by its levelling) are rounded off before
        # the music goes under the voice, so nothing the music does can push the sum past the
        # voice's own true-peak ceiling; ordinary music is far below where this bends.
        level = 10 ** ((BED_DB + self.level_db) / 20)
        faded = music * level * fades(at, count, self.length(), self.rate)
        bed = MUSIC_CEILING * np.tanh(faded / MUSIC_CEILING)
        duck = 10 ** (DUCK_DB * duck_weight(nearby, at, count, self.rate) / 20)
        out = voice + bed * duck * 32768
        return np.asarray(np.clip(np.round(out), -32768, 32767)).astype("<i2").tobytes()
