"""The trained keyword classifier (a prototype beside the PocketSphinx recogniser, not yet what
`play --listen` uses): its network, its decision rule, its streaming, and one real command.
The held-out figures are scripts/kws_bench.py's, not a test's."""

from __future__ import annotations

import numpy as np
import pytest

from voice_coach.listening import kws
from voice_coach.listening.commands import PHRASES


def pink(seconds: float, seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    white = rng.standard_normal(int(seconds * kws.RATE))
    spectrum = np.fft.rfft(white)
    spectrum[1:] /= np.sqrt(np.arange(1, len(spectrum)))
    noise = np.fft.irfft(spectrum, len(white))
    return noise / np.sqrt(np.mean(noise**2))


def pcm(samples: np.ndarray) -> bytes:
    return bytes(np.clip(np.round(samples * 32767), -32768, 32767).astype("<i2").tobytes())


def look(p_action: dict[str, float]) -> np.ndarray:
    """One look's class probabilities: the given phrases, the rest to "none"."""
    out = np.zeros(len(kws.CLASSES), np.float32)
    for phrase, p in p_action.items():
        out[kws.CLASSES.index(phrase)] = p
    out[-1] = 1 - out.sum()
    return out


def test_the_network_says_one_of_the_ten_phrases_or_none() -> None:
    network = kws.Network()
    assert (*PHRASES, "") == kws.CLASSES
    window = kws.normalise(kws.log_mel(pink(2.5).astype(np.float32) * 0.01)[: kws.WINDOW])
    p = network.probabilities(window)
    assert p.shape == (len(kws.CLASSES),)
    assert float(p.sum()) == pytest.approx(1.0, abs=1e-5)
    assert kws.WEIGHTS.stat().st_size < 2_000_000  # shipped in the package


def test_an_action_needs_its_runs_of_sure_looks_then_the_spotter_is_deaf_a_while() -> None:
    sure, unsure, nothing = look({"pause": 0.95}), look({"pause": 0.5}), look({})
    # Phrasings add up: "wait" and "pause" are both a pause.
    split = look({"pause": 0.5, "wait": 0.45})
    assert [s.action for s in kws.decisions(np.array([split, split]), 0.9)] == ["pause"]
    looks = np.array([sure, unsure, sure, sure, sure, sure, nothing, sure, sure])
    decided = kws.decisions(looks, 0.9, runs=2, refractory=3)
    assert [(s.action, s.look) for s in decided] == [("pause", 3), ("pause", 8)]
    # Two different actions in a row are not a run.
    mixed = np.array([sure, look({"next": 0.95}), sure])
    assert kws.decisions(mixed, 0.9, runs=2) == []


def test_a_stream_fed_in_small_pieces_looks_as_one_fed_whole() -> None:
    sound = pcm(pink(3.3) * 0.05)
    whole = list(kws.Spotter().looks(sound))
    spotter = kws.Spotter()
    pieces = [p for at in range(0, len(sound), 640) for p in spotter.looks(sound[at : at + 640])]
    assert len(whole) == len(pieces) == (len(sound) // 2 - kws.FRAME) // kws.HOP // kws.STEP + 1
    for a, b in zip(whole, pieces, strict=True):
        np.testing.assert_allclose(a, b, atol=1e-5)


@pytest.mark.engine
def test_a_command_said_in_noise_is_one_action_and_noise_alone_none() -> None:
    from voice_coach.speech.piper_engine import PiperEngine

    engine = PiperEngine()
    said = np.frombuffer(engine.synthesize("Coach, pause."), dtype="<i2") / 32768
    resampled = np.interp(
        np.arange(int(len(said) * kws.RATE / engine.sample_rate)) * engine.sample_rate / kws.RATE,
        np.arange(len(said)),
        said,
    )
    voice = np.concatenate([np.zeros(kws.RATE), resampled * 0.3, np.zeros(2 * kws.RATE)])
    loud = np.sqrt(np.mean(resampled[np.abs(resampled) > 0.01] ** 2)) * 0.3
    noise = pink(len(voice) / kws.RATE) * loud * 10 ** (-10 / 20)  # 10 dB under the voice
    spotted = list(kws.Spotter().feed(pcm(voice + noise)))
    assert [s.action for s in spotted] == ["pause"]
    assert list(kws.Spotter().feed(pcm(noise))) == []
