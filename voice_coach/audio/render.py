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

from voice_coach.model import Event, Timeline

BLOCK_SAMPLES = 22050
"""About a second of audio a block: small for memory, large enough to keep overhead low."""

TONE_HZ = {"get-ready": 660.0, "hold-start": 880.0, "hold-end": 587.33, "say-again": 440.0}
"""Get ready: E5. Hold: A5, bright and short. Release: D5, a step down, so it sounds like "done".
Say again (a spoken command heard but not sure): A4, low and soft, never a cue's tone."""
TONE_DBFS = -16.0
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
) -> Iterator[bytes]:
    """Yield the session's PCM (mono s16le) from sample `start` to `stop`, in blocks."""
    stop = timeline.length if stop is None else stop
    return render_events(timeline.events, timeline.sample_rate, cue, start, stop, block_samples)


def render_events(
    events: Iterable[Event],
    sample_rate: int,
    cue: Callable[[str], bytes],
    start: int = 0,
    stop: int | None = None,
    block_samples: int = BLOCK_SAMPLES,
    *,
    flush: bool = False,
) -> Iterator[bytes]:
    """The same from events that may still be arriving (a session planned while it plays).

    `flush`: also yield at the end of every event, so that sound already planned is never held
    back waiting for the next event to fill the block (the first words of a cold session)."""
    tones: dict[tuple[str, int], bytes] = {}
    buffer = bytearray()
    limit = block_samples * 2
    for event in events:
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
