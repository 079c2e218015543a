"""Timeline + cues -> PCM, sample for sample, streamed in blocks.

Each event's audio is exactly `event.length` samples, so the output is the plan: every event
starts at its `start`, and the whole lasts `timeline.length`. Blocks are yielded as they fill,
so memory stays flat however long the session is (and nothing is concatenated pairwise).
"""

from __future__ import annotations

import array
import functools
import math
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from voice_coach.model import Event, Timeline

if TYPE_CHECKING:
    from voice_coach.audio.mix import Mixing, Span

BLOCK_SAMPLES = 22050
"""About a second of audio a block: small for memory, large enough to keep overhead low."""

TONE_HZ = {"get-ready": 660.0, "hold-start": 880.0, "hold-end": 587.33, "say-again": 440.0}
"""Get ready: E5. Hold: A5, bright and short. Release: D5, a step down, so it sounds like "done".
Say again (a spoken command heard but not sure): A4, low and soft, never a cue's tone."""
TONE_DBFS = -17.5
"""About -18 LUFS: a little under the voice's -16 (speech.loudness), so a tone marks the
time without startling."""
FADE_S = 0.02


class RenderError(Exception):
    """The cues do not fit the plan (a bug, not a user mistake): never play a wrong session."""


@functools.lru_cache(maxsize=16)
def tone(name: str, samples: int, sample_rate: int, dbfs: float = TONE_DBFS) -> bytes:
    """A soft sine with raised-cosine edges (no clicks), exactly `samples` long (kept: an
    answer's tone is made while the person waits)."""
    frequency = TONE_HZ[name]
    amplitude = 32767 * 10 ** (dbfs / 20) * math.sqrt(2)
    fade = max(1, min(samples // 2, round(FADE_S * sample_rate)))
    out = array.array("h", bytes(samples * 2))
    for i in range(samples):
        edge = min(i, samples - 1 - i)
        envelope = 0.5 - 0.5 * math.cos(math.pi * edge / fade) if edge < fade else 1.0
        out[i] = round(amplitude * envelope * math.sin(2 * math.pi * frequency * i / sample_rate))
    if sys.byteorder == "big":
        out.byteswap()
    return out.tobytes()


def event_audio(
    event: Event, cue: Callable[[str], bytes], sample_rate: int, tones: dict[tuple[str, int], bytes]
) -> bytes:
    if event.kind == "silence":
        return bytes(event.length * 2)
    if event.kind == "tone":
        key = (event.tone or event.role, event.length)
        if key not in tones:
            tones[key] = tone(key[0], event.length, sample_rate)
        return tones[key]
    pcm = cue(event.text or "")
    if len(pcm) != event.length * 2:
        raise RenderError(
            f"cue {event.text!r} has {len(pcm) // 2} samples but the plan gives it {event.length}"
        )
    return pcm


def render(
    timeline: Timeline,
    cue: Callable[[str], bytes],
    start: int = 0,
    stop: int | None = None,
    block_samples: int = BLOCK_SAMPLES,
    mixing: Mixing | None = None,
) -> Iterator[bytes]:
    """Yield the session's PCM (mono s16le) from sample `start` to `stop`, in blocks."""
    stop = timeline.length if stop is None else stop
    if mixing is not None:
        mixing.start_at(start)
    rate = timeline.sample_rate
    return render_events(timeline.events, rate, cue, start, stop, block_samples, mixing=mixing)


def render_events(
    events: Iterable[Event],
    sample_rate: int,
    cue: Callable[[str], bytes],
    start: int = 0,
    stop: int | None = None,
    block_samples: int = BLOCK_SAMPLES,
    *,
    flush: bool = False,
    mixing: Mixing | None = None,
) -> Iterator[bytes]:
    """The same from events that may still be arriving (a session planned while it plays).

    `flush`: also yield at the end of every event, so that sound already planned is never held
    back waiting for the next event to fill the block (the first words of a cold session).
    `mixing`: the person's music under it (see audio.mix), in music time from where `mixing`
    says; the same number of samples come out."""
    if mixing is None:
        return _voice(events, sample_rate, cue, start, stop, block_samples, flush, None)
    from voice_coach.audio.mix import Span  # numpy: loaded only with music

    spans: list[Span] = []

    def reached(first: int, end: int) -> None:
        spans.append(Span(first, end))

    voice = _voice(events, sample_rate, cue, start, stop, block_samples, flush, reached)
    return mixing.mix(voice, start, lambda: spans)


def _voice(
    events: Iterable[Event],
    sample_rate: int,
    cue: Callable[[str], bytes],
    start: int,
    stop: int | None,
    block_samples: int,
    flush: bool,
    reached: Callable[[int, int], None] | None,
) -> Iterator[bytes]:
    """The coach alone; `reached` is told of each cue and tone as it is taken into a block."""
    tones: dict[tuple[str, int], bytes] = {}
    buffer = bytearray()
    limit = block_samples * 2
    for event in events:
        if reached is not None and event.kind != "silence":
            reached(event.start, event.end)  # also those outside: their ramps may reach in
        if event.end <= start or (stop is not None and event.start >= stop):
            continue
        first = max(start, event.start) - event.start
        last = (event.end if stop is None else min(stop, event.end)) - event.start
        if event.kind == "silence":
            pieces: Iterator[bytes] = (
                bytes(min(block_samples, last - at) * 2) for at in range(first, last, block_samples)
            )  # long holds stream as zeros a block at a time, never as one big buffer
        else:
            audio = event_audio(event, cue, sample_rate, tones)
            pieces = iter([audio[first * 2 : last * 2]])
        for piece in pieces:
            buffer += piece
            while len(buffer) >= limit:
                yield bytes(buffer[:limit])
                del buffer[:limit]
        if flush and buffer:
            yield bytes(buffer)
            buffer.clear()
    if buffer:
        yield bytes(buffer)
