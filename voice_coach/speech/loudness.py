"""Every cue at one loudness, so the whole session is at podcast loudness without a second pass.

Podcast apps expect -16 LUFS integrated (ITU-R BS.1770) with the true peak at most -1 dBTP. A
session is cues and silence, and the integrated measure gates silence out, so a session whose
every cue is at one loudness is at about that loudness as a whole. The cue is levelled once,
when it enters the cache: a cached cue is already right, and playback, every export and the
phone's files all play the same samples. The meter is BS.1770-4 in numpy, checked against
pyloudnorm in the tests and against ffmpeg's own meter on real exports (scripts/loudness.py).

Speech peaks well above its loudness (a plosive can be 15 dB over), so bringing a quiet voice
up to loudness would clip it; a look-ahead limiter turns those few peaks down instead, measured
on the true (4x oversampled) peak, with room left for what MP3 and AAC coding add.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # numpy is loaded when a cue is levelled, not by every command that plans
    import numpy as np

    Samples = np.ndarray[Any, np.dtype[np.float64]]

CUE_LUFS = -14.8
"""Each cue's own loudness. A session measures a little under its cues (short words share their
400 ms gating blocks with the pauses around them), so the cues sit a little over -16. Set to
-15.5 before any measurement, the tuning row (disc-bulge, the natural voice) came out at -16.7;
this is the value that puts it at -16.0 (scripts/loudness.py --tune), and every other playlist,
voice and split track is reported as measured with it, never tuned on. Part of a cue's cache key:
a new value makes the cues again."""
CEILING_DBTP = -2.0
"""The limiter's ceiling: 1 dB under the -1 dBTP that podcast apps ask for, left for the
overshoot of lossy coding."""
OVERSAMPLE = 4
"""True peak as BS.1770-4 estimates it: the signal's peak at four times its rate."""
LIMIT_WINDOW_S = 0.02
"""The limiter turns the gain down 20 ms before a peak and back up over 20 ms after it: smooth
enough not to be heard on speech, short enough to leave the words around it alone."""
SHORTEST_S = 0.4
"""BS.1770's gating block: a shorter cue ("one", "two") is measured repeated to fill it, so a
short word is as loud as a long sentence, as a person hears them."""
SILENT_LUFS = -70.0
PASSES = 6


def loudness(samples: Samples, rate: int) -> float:
    """Integrated loudness (LUFS) of mono samples scaled to +-1: ITU-R BS.1770-4, K-weighted,
    in 400 ms blocks overlapping by 75%, gated at -70 LUFS and 10 LU under the ungated mean."""
    import numpy as np

    shortest = int(np.ceil(SHORTEST_S * rate)) + 1
    if len(samples) == 0:
        return -np.inf
    if len(samples) < shortest:  # a short word, measured as if said over and over
        samples = np.tile(samples, -(-shortest // len(samples)))
    power = np.concatenate([[0.0], np.cumsum(k_weighted(samples, rate) ** 2)])
    block = SHORTEST_S * rate
    count = int(np.round((len(samples) / rate - SHORTEST_S) / (SHORTEST_S * 0.25))) + 1
    starts = (SHORTEST_S * 0.25 * np.arange(count) * rate).astype(int)
    ends = np.minimum((starts + block).astype(int), len(samples))
    mean_square = (power[ends] - power[starts]) / block
    with np.errstate(divide="ignore"):
        blocks = -0.691 + 10 * np.log10(mean_square)
    kept = mean_square[blocks > SILENT_LUFS]
    if len(kept) == 0:
        return -np.inf
    relative = -0.691 + 10 * np.log10(np.mean(kept)) - 10
    kept = mean_square[(blocks > SILENT_LUFS) & (blocks > relative)]
    return float(-0.691 + 10 * np.log10(np.mean(kept)))


def k_weighted(samples: Samples, rate: int) -> Samples:
    """The samples through BS.1770's K-weighting (a high shelf, then a high pass), filtered in
    the frequency domain with room for the filters' tails (numpy alone: scipy's signal module
    takes a second to load, and a cold session's first word waits for the first cue)."""
    import numpy as np

    size = 1 << int(np.ceil(np.log2(len(samples) + rate // 2)))
    spectrum = np.fft.rfft(samples, size) * _k_response(rate, size)
    return np.asarray(np.fft.irfft(spectrum, size)[: len(samples)])


@functools.lru_cache(maxsize=8)
def _k_response(rate: int, size: int) -> np.ndarray[Any, np.dtype[np.complex128]]:
    """The K-weighting's response at each bin: the two biquads of BS.1770 (as pyloudnorm
    derives them for any rate from the RBJ cookbook)."""
    import numpy as np

    z = np.exp(-1j * np.pi * np.arange(size // 2 + 1) / (size // 2))
    response = np.ones(size // 2 + 1, dtype=np.complex128)
    for b, a in _biquads(rate):
        response *= (b[0] + b[1] * z + b[2] * z**2) / (a[0] + a[1] * z + a[2] * z**2)
    return response


def _biquads(rate: int) -> list[tuple[list[float], list[float]]]:
    import numpy as np

    shelf_gain, shelf_q, shelf_hz = 10 ** (4.0 / 40), 1 / np.sqrt(2), 1500.0
    w = 2 * np.pi * shelf_hz / rate
    alpha, cos, root = np.sin(w) / (2 * shelf_q), np.cos(w), np.sqrt(shelf_gain)
    g = shelf_gain
    shelf = (
        [
            g * ((g + 1) + (g - 1) * cos + 2 * root * alpha),
            -2 * g * ((g - 1) + (g + 1) * cos),
            g * ((g + 1) + (g - 1) * cos - 2 * root * alpha),
        ],
        [
            (g + 1) - (g - 1) * cos + 2 * root * alpha,
            2 * ((g - 1) - (g + 1) * cos),
            (g + 1) - (g - 1) * cos - 2 * root * alpha,
        ],
    )
    w = 2 * np.pi * 38.0 / rate
    alpha, cos = np.sin(w) / (2 * 0.5), np.cos(w)
    high_pass = ([(1 + cos) / 2, -(1 + cos), (1 + cos) / 2], [1 + alpha, -2 * cos, 1 - alpha])
    return [shelf, high_pass]


def peaks(samples: Samples) -> Samples:
    """Each sample's true peak: the largest magnitude of the 4x oversampled signal around it
    (band-limited interpolation, with silence around the cue so its ends do not wrap)."""
    import numpy as np

    if len(samples) == 0:
        return samples
    pad = 64
    size = 1 << int(np.ceil(np.log2(len(samples) + 2 * pad)))  # a fast size for the FFT
    spectrum = np.fft.rfft(np.pad(samples, pad), size)
    over = np.abs(np.fft.irfft(spectrum, size * OVERSAMPLE)) * OVERSAMPLE
    return np.asarray(
        over[pad * OVERSAMPLE : (pad + len(samples)) * OVERSAMPLE]
        .reshape(-1, OVERSAMPLE)
        .max(axis=1)
    )


def true_peak_dbtp(samples: Samples) -> float:
    import numpy as np

    top = float(peaks(samples).max()) if len(samples) else 0.0
    return 20 * float(np.log10(top)) if top > 0 else -np.inf


def limit(samples: Samples, rate: int, ceiling_dbtp: float = CEILING_DBTP) -> Samples:
    """The samples with every true peak over the ceiling turned down, smoothly."""
    return _limited(samples, peaks(samples), rate, 10 ** (ceiling_dbtp / 20))[0]


def _limited(samples: Samples, top: Samples, rate: int, ceiling: float) -> tuple[Samples, Samples]:
    """The limiter, given each sample's true peak (`top`), and the true peaks of what it made:
    peaks scale with the samples, so levelling, which limits again and again, oversamples once
    per pass, not twice.

    The gain each sample needs is spread as a minimum over the window on both sides, then
    averaged over a window no wider: every gain in that average is at most what the sample
    needs, so the result never lets a peak through, and it has no step to click."""
    import numpy as np

    if len(samples) == 0 or float(top.max()) <= ceiling:
        return samples, top
    need = np.minimum(1.0, ceiling / np.maximum(top, 1e-12))
    half = max(1, round(LIMIT_WINDOW_S * rate))
    spread = _running_min(need, 2 * half + 1)
    sums = np.concatenate([[0.0], np.cumsum(np.pad(spread, half, constant_values=1.0))])
    gain = (sums[2 * half + 1 :] - sums[: -(2 * half + 1)]) / (2 * half + 1)
    out: Samples = samples * np.minimum(gain, need)
    after = peaks(out)  # what the smoothing moved between samples, if anything
    left = float(after.max())
    if left > ceiling:
        return out * (ceiling / left), after * (ceiling / left)
    return out, after


def _running_min(values: Samples, width: int) -> Samples:
    """The minimum of each centred window of `width` (odd) samples, 1.0 beyond the ends, in
    linear time (van Herk and Gil-Werman: running minima within blocks, forwards and back)."""
    import numpy as np

    half = width // 2
    padded = np.pad(values, half, constant_values=1.0)
    blocks = -(-len(padded) // width)
    padded = np.pad(padded, (0, blocks * width - len(padded)), constant_values=1.0)
    grid = padded.reshape(blocks, width)
    forward = np.minimum.accumulate(grid, axis=1).ravel()
    backward = np.minimum.accumulate(grid[:, ::-1], axis=1)[:, ::-1].ravel()
    starts = np.arange(len(values))
    return np.asarray(np.minimum(backward[starts], forward[starts + width - 1]))


def level(pcm: bytes, rate: int, target_lufs: float = CUE_LUFS) -> bytes:
    """A cue (mono s16le) at `target_lufs`, its true peak under the ceiling; silence as it is.

    Limiting takes a little loudness away: it is made up, and the cue limited again, a few
    times. A cue whose peaks stand far over its loudness (a short word with a plosive) stays a
    little under the target rather than be squashed flat: a single pass with all the gain at once
    reaches further, but the flattened wave comes out of the MP3 encoder up to 3 dB over the
    ceiling (measured), and this way stays under it."""
    import numpy as np

    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float64) / 32768
    if len(samples) == 0:
        return pcm
    measured = loudness(samples, rate)
    if not np.isfinite(measured) or measured <= SILENT_LUFS:
        return pcm
    ceiling = 10 ** (CEILING_DBTP / 20)
    out, top = samples, peaks(samples)
    for _ in range(PASSES):
        gain = 10 ** ((target_lufs - measured) / 20)
        out, top = _limited(out * gain, top * gain, rate, ceiling)
        measured = loudness(out, rate)
        if abs(measured - target_lufs) < 0.1:
            break
    return np.asarray(np.clip(np.round(out * 32768), -32768, 32767)).astype("<i2").tobytes()
