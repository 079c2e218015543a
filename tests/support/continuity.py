"""What a recording of `play` says about where each stretch of sound came from in the plan.

`play` run with VOICE_COACH_TRACE writes the session sample of every start and stop of its
sound. Each stretch between a start and the next stop is found in the recording by
cross-correlation with the plan rendered to audio (its lag), and compared with it over its whole
length. So a pause that restarts a sentence, loses its place or leaves a gap shows up anywhere in
the recording, and a restart that falls in a silence between words is still placed exactly: the
recording tells where plan sample P is heard, the trace only which sample P is.
"""

from __future__ import annotations

import json
import subprocess
import sys
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from support.soundserver import RATE

WINDOW = RATE // 100  # 10 ms
LOUD = 300
TRACE_ENV = "VOICE_COACH_TRACE"
RENDER_AHEAD = 512
"""Samples (23 ms) a null sink's monitor may show around a start or a stop that a device would
not: the sink mixes a little ahead, the monitor records it at once, and the flush of a stop
(or the rewind of a start) then takes back from the sink what the monitor already has. Seen:
the recording goes on 160-340 samples after a stop, and a start's first 260-420 are silent,
while everything else matches the plan sample for sample."""
HORIZON = 20 * RATE
"""The longest silence looked through for a stretch after the one before it."""

RENDER_PLAN = """
import json, sys
from pathlib import Path
from voice_coach.audio.export import Tags, export_file
from voice_coach.cli.terminal import real_environment
from voice_coach.coach import planned
from voice_coach.plan.timeline import timeline_dict
from voice_coach.session.options import SessionOptions

ids, options, cache, out = json.loads(sys.argv[1]), json.loads(sys.argv[2]), *sys.argv[3:]
session = planned(ids, SessionOptions(cache_dir=Path(cache), **options), real_environment())
export_file(session.timeline, session.cues.pcm, Path(out), Tags("reference", "reference", ""))
print(json.dumps(timeline_dict(session.timeline)))
"""
"""The session as `play` would say it now (the plan `plan` prints: with "Before you start" only
on a first use, the log applied), rendered to a WAV by the export's own writer from the cues
play cached. An export is not that: it always opens with the disclaimer chapter."""


def reference(
    env: dict[str, str], ids: list[str], options: dict[str, object], cache: Path, out: Path
) -> tuple[np.ndarray, dict[str, object]]:
    """The plan `play ids` (with `options`, SessionOptions' fields) says in `env`, as audio."""
    done = subprocess.run(
        [sys.executable, "-c", RENDER_PLAN, json.dumps(ids), json.dumps(options), str(cache), out],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    plan = json.loads(done.stdout)
    with wave.open(str(out)) as wav:
        audio = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2").astype(np.float64)
    assert len(audio) == plan["duration_samples"]
    return audio, plan


def envelope(audio: np.ndarray) -> np.ndarray:
    usable = len(audio) // WINDOW * WINDOW
    return np.abs(audio[:usable]).reshape(-1, WINDOW).max(axis=1)


def locate(
    recording: np.ndarray, piece: np.ndarray, around: int | None = None, span: int = RATE
) -> int:
    """Sample offset in `recording` where `piece` best matches (FFT cross-correlation)."""
    lo, hi = 0, len(recording)
    if around is not None:
        lo, hi = max(0, around - span), min(len(recording), around + span + len(piece))
    region = recording[lo:hi]
    size = 1 << int(np.ceil(np.log2(len(region) + len(piece))))
    corr = np.fft.irfft(np.fft.rfft(region, size) * np.conj(np.fft.rfft(piece, size)), size)
    return lo + int(np.argmax(corr[: len(region) - len(piece) + 1]))


def sound_span(audio: np.ndarray) -> tuple[int, int]:
    loud = np.nonzero(np.abs(audio) > LOUD)[0]
    return int(loud[0]), int(loud[-1])


def read_trace(path: Path) -> list[tuple[str, int]]:
    """The trace's lines as ("start" or "stop", session sample)."""
    words = path.read_text(encoding="utf-8").split()
    return [(what, int(sample)) for what, sample in zip(words[1::3], words[2::3], strict=True)]


@dataclass(frozen=True)
class Stretch:
    """Plan samples [start, end) heard without a break, at recording sample start + lag on."""

    start: int
    end: int
    lag: int
    mismatch: float
    """Share of 10 ms windows where the recording and the plan disagree on sound or silence."""
    first_miss: int | None = None
    """The plan sample of the first window that disagrees (where a gap or a glitch begins)."""

    @property
    def began(self) -> int:
        """The recording sample where the stretch's first plan sample is heard."""
        return self.start + self.lag

    @property
    def ended(self) -> int:
        return self.end + self.lag


def stretches(
    recording: np.ndarray, ref: np.ndarray, trace: list[tuple[str, int]]
) -> list[Stretch]:
    """Every stretch the trace names, found in the recording and compared over its length.

    Each is found near where the last one left off (it cannot be heard earlier), by its own
    longest piece of sound, so a stretch that begins in a silence is placed by what follows."""
    pairs: list[tuple[int, int]] = []
    begun: int | None = None
    for what, sample in trace:
        if what == "start":
            begun = sample
        elif begun is not None:
            pairs.append((begun, sample))
            begun = None
    if begun is not None:
        pairs.append((begun, len(ref)))
    found: list[Stretch] = []
    for start, end in pairs:
        if end - start < WINDOW * 5:
            continue  # too short to place (a stop at once after a start)
        piece_at = start + int(np.argmax(envelope(ref[start:end]))) * WINDOW
        lo = max(start, piece_at - RATE)
        piece = ref[lo : min(end, lo + 3 * RATE)]
        if found:  # heard after the last stretch ended (less the sink's render-ahead, which
            # the monitor shows past a stop), and within HORIZON of it
            first = max(0, found[-1].ended + (lo - start) - RENDER_AHEAD)
            region = recording[first : first + HORIZON + len(piece)]
        else:
            first, region = 0, recording
        lag = locate(region, piece) + first - lo
        heard = recording[max(0, start + lag) : end + lag]
        want = ref[start : start + len(heard)]
        played, expected = envelope(heard) > LOUD, envelope(want) > LOUD
        mismatch = float(np.mean(played != expected)) if len(expected) else 1.0
        misses = np.nonzero(played != expected)[0]
        first_miss = start + int(misses[0]) * WINDOW if len(misses) else None
        found.append(Stretch(start, end, lag, mismatch, first_miss))
    return found


def heard_between(recording: np.ndarray, before: Stretch, after: Stretch) -> list[int]:
    """Recording samples loud between two stretches, relative to the first one's end, past the
    sink's render-ahead: [] when a pause is silent (nothing replayed or left playing in it)."""
    gap = recording[before.ended + RENDER_AHEAD : after.began - WINDOW]
    return [int(i) + RENDER_AHEAD for i in np.nonzero(np.abs(gap) > LOUD)[0]]
