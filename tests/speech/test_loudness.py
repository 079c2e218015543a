"""Cue levelling: every cue at one loudness, its true peak under the ceiling, whatever it was."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voice_coach.speech import loudness

RATE = 22050


def speechlike(seconds: float, level: float, seed: int = 0, clicks: int = 0) -> bytes:
    """Syllables: a voice's first harmonics, four syllables a second (about 11 dB from true
    peak to loudness, as speech has), and now and then a click far over the rest (a plosive)."""
    rng = np.random.default_rng(seed)
    n = int(seconds * RATE)
    t = np.arange(n) / RATE
    harmonics = (180, 360, 720, 1400, 2600)
    voice = sum(
        np.sin(2 * np.pi * f * t + rng.uniform(0, 6)) / (i + 1) for i, f in enumerate(harmonics)
    )
    signal = voice * (0.5 - 0.5 * np.cos(2 * np.pi * 4 * t))
    for at in rng.integers(0, n, clicks):
        signal[at : at + 30] *= 6
    signal = signal / np.max(np.abs(signal)) * level
    return (signal * 32767).astype("<i2").tobytes()


def as_float(pcm: bytes) -> np.ndarray:
    return np.frombuffer(pcm, dtype="<i2").astype(np.float64) / 32768


@pytest.mark.parametrize("level", [0.02, 0.2, 0.9])
@pytest.mark.parametrize("seconds", [0.25, 1.5, 6.0])
def test_a_cue_comes_out_at_the_target_loudness_under_the_ceiling(
    level: float, seconds: float
) -> None:
    out = as_float(loudness.level(speechlike(seconds, level, clicks=int(seconds / 2)), RATE))
    assert loudness.loudness(out, RATE) == pytest.approx(loudness.CUE_LUFS, abs=0.3)
    # Podcast apps ask for -1 dBTP at most; a cue keeps 1 dB more for the MP3 encoder.
    assert loudness.true_peak_dbtp(out) <= -1.95


def test_levelling_oversamples_a_cue_once_per_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    """A cold session's first words wait for its first cues to be levelled: each pass of the
    limiter finds the true peaks of what it made, and the next pass starts from those (peaks
    scale with the gain) rather than oversampling the cue again."""
    calls = {"peaks": 0, "loudness": 0}
    for name in calls:
        real = getattr(loudness, name)

        def counted(*args: object, _real: object = real, _name: str = name) -> object:
            calls[_name] += 1
            return _real(*args)  # type: ignore[operator]

        monkeypatch.setattr(loudness, name, counted)
    out = as_float(loudness.level(speechlike(4.0, 0.05, clicks=6), RATE))
    passes = calls["loudness"] - 1  # the cue as it came, then once a pass
    assert passes >= 2  # the limiter worked, and its loudness was made up again
    assert calls["peaks"] == 1 + passes
    monkeypatch.undo()
    assert loudness.loudness(out, RATE) == pytest.approx(loudness.CUE_LUFS, abs=0.3)


def test_a_cue_with_room_for_its_peaks_only_changes_in_level() -> None:
    t = np.arange(2 * RATE) / RATE
    vowel = 0.02 * (np.sin(2 * np.pi * 200 * t) + 0.5 * np.sin(2 * np.pi * 400 * t))
    pcm = (vowel * 32767).astype("<i2").tobytes()
    out = as_float(loudness.level(pcm, RATE))
    before = as_float(pcm)
    # The same sound, only louder: one gain, no limiting (its peaks have room).
    ratio = np.dot(out, before) / np.dot(before, before)
    assert np.max(np.abs(out - ratio * before)) < 2 / 32768


def test_peaks_are_limited_smoothly_not_clipped() -> None:
    pcm = speechlike(3.0, 0.05, seed=5, clicks=20)
    out = as_float(loudness.level(pcm, RATE))
    before = as_float(pcm)
    loud = np.abs(before) > 0.005
    gain_db = np.zeros(len(before))
    gain_db[loud] = 20 * np.log10(np.abs(out[loud]) / np.abs(before[loud]))
    # Where the limiter worked, the gain changes gradually: from one sample to the next (both
    # loud enough to tell), never a step of 1 dB, as clipping would make.
    both = loud[:-1] & loud[1:]
    steps = np.abs(np.diff(gain_db))[both]
    assert np.max(steps) < 1.0
    assert np.ptp(gain_db[loud]) > 6  # and it did work: some peaks were turned well down
    assert loudness.true_peak_dbtp(out) <= loudness.CEILING_DBTP + 0.05


def test_silence_and_nothing_stay_as_they_are() -> None:
    assert loudness.level(b"", RATE) == b""
    quiet = bytes(RATE * 2)
    assert loudness.level(quiet, RATE) == quiet


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.floats(-1, 1, allow_nan=False), min_size=50, max_size=3000),
    st.floats(-40, 0),
)
def test_the_limiter_never_lets_a_peak_through(values: list[float], target: float) -> None:
    samples = np.asarray(values) * 10 ** (target / 20) * 4  # up to 12 dB over full scale
    out = loudness.limit(samples, RATE)
    assert len(out) == len(samples)
    assert loudness.true_peak_dbtp(out) <= loudness.CEILING_DBTP + 0.01


@pytest.mark.parametrize("name", ["get-ready", "hold-start", "hold-end"])
def test_the_tones_sit_a_little_under_the_voice(name: str) -> None:
    from voice_coach.audio.render import tone

    sound = as_float(tone(name, RATE // 2, RATE))
    under = loudness.CUE_LUFS - loudness.loudness(sound, RATE)
    assert 1 <= under <= 4, under
    assert loudness.true_peak_dbtp(sound) <= loudness.CEILING_DBTP


@pytest.mark.parametrize(("seconds", "seed"), [(0.5, 1), (1.7, 2), (8.0, 3)])
def test_the_meter_agrees_with_pyloudnorm_and_the_true_peak_with_scipy(
    seconds: float, seed: int
) -> None:
    """Our BS.1770 meter (numpy alone, for a fast cold start) against a well-kept one."""
    import pyloudnorm
    from scipy.signal import resample_poly

    signal = as_float(speechlike(seconds, 0.3, seed=seed, clicks=2))
    signal[: len(signal) // 3] *= 0.05  # a quiet stretch, for the gates to work on
    theirs = pyloudnorm.Meter(RATE).integrated_loudness(signal)
    assert loudness.loudness(signal, RATE) == pytest.approx(theirs, abs=0.05)
    # scipy's polyphase filter rounds the peaks off a little; ours interpolates ideally, so it
    # may find them a little higher, never lower.
    scipys = 20 * np.log10(np.abs(resample_poly(signal, 4, 1)).max())
    assert scipys - 0.02 <= loudness.true_peak_dbtp(signal) <= scipys + 0.3


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(0, 1), min_size=1, max_size=400), st.integers(0, 60))
def test_the_running_minimum_is_each_windows_minimum(values: list[float], half: int) -> None:
    samples = np.asarray(values)
    width = 2 * half + 1
    padded = np.pad(samples, half, constant_values=1.0)
    naive = [padded[i : i + width].min() for i in range(len(samples))]
    assert np.array_equal(loudness._running_min(samples, width), naive)
