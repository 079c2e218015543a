"""The trained keyword classifier (what `play --listen` hears "coach" commands with): its
networks, its decision rule, its streaming, the commands it yields, and one real command.
The held-out figures are scripts/kws_bench.py's, not a test's."""

from __future__ import annotations

import numpy as np
import pytest

from voice_coach.listening import classifier, kws
from voice_coach.listening.commands import PHRASES
from voice_coach.listening.recogniser import Recogniser


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
    assert sum(w.stat().st_size for w in kws.WEIGHTS) < 2_000_000  # shipped in the package


def test_an_action_needs_its_runs_of_sure_looks_then_the_spotter_is_deaf_a_while() -> None:
    sure, unsure, nothing = look({"pause": 0.95}), look({"pause": 0.5}), look({})
    # Phrasings add up: "wait" and "pause" are both a pause.
    split = look({"pause": 0.5, "wait": 0.45})
    assert [s.action for s in kws.decisions(np.array([split, split]), kws.Decider(0.9))] == [
        "pause"
    ]
    looks = np.array([sure, unsure, sure, sure, sure, sure, nothing, sure, sure])
    decided = kws.decisions(looks, kws.Decider(0.9, runs=2, refractory=3))
    assert [(s.action, s.look) for s in decided] == [("pause", 3), ("pause", 8)]
    # Two different actions in a row are not a run.
    mixed = np.array([sure, look({"next": 0.95}), sure])
    assert kws.decisions(mixed, kws.Decider(0.9, runs=2)) == []


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


def test_a_stretch_over_the_doubt_level_that_never_reaches_the_threshold_is_not_sure() -> None:
    sure, doubtful, nothing = look({"next": 0.95}), look({"next": 0.7}), look({})
    # Over the doubt level (0.5), never over the threshold: one 'not sure', once it has ended.
    looks = np.array([nothing, doubtful, doubtful, doubtful, nothing, nothing, nothing])
    decided = kws.decisions(looks, kws.Decider(0.9, doubt=0.5))
    assert [(s.action, s.sure, s.look) for s in decided] == [("next", False, 5)]
    assert decided[0].probability == pytest.approx(0.7)
    # A stretch that reaches the threshold acts at once, and says nothing of its doubtful start.
    looks = np.array([doubtful, doubtful, sure, sure, nothing, nothing, nothing])
    decided = kws.decisions(looks, kws.Decider(0.9, doubt=0.5))
    assert [(s.action, s.sure, s.look) for s in decided] == [("next", True, 3)]
    # Doubtful for `hesitate` looks: not sure at once, without waiting for the stretch's end.
    looks = np.array([nothing, *[doubtful] * 8, nothing, nothing])
    decided = kws.decisions(looks, kws.Decider(0.9, doubt=0.5, hesitate=3))
    assert [(s.action, s.sure, s.look) for s in decided] == [("next", False, 4)]
    # Without a doubt level, a doubtful stretch is nothing.
    assert kws.decisions(np.array([doubtful] * 4 + [nothing] * 3), kws.Decider(0.9)) == []


def test_a_patient_decider_reports_each_stretch_at_its_best_once_it_is_over() -> None:
    a, b, c = look({"back": 0.8}), look({"back": 0.97}), look({"back": 0.99})
    nothing = look({})
    looks = np.array([a, b, c, b, a, nothing, nothing, nothing])
    decided = kws.decisions(looks, kws.Decider(0.9, doubt=0.5, patient=True))
    # The best two looks running: 0.97 and 0.99 (the rule asks both to be over).
    assert [(s.action, s.sure, s.look) for s in decided] == [("back", True, 6)]
    assert decided[0].probability == pytest.approx(0.97)
    assert decided[0].phrase == "back"


class Scripted:
    """A network that says, look after look, what it is told."""

    def __init__(self, looks: list[np.ndarray]) -> None:
        self.looks = list(looks)

    def probabilities(self, window: np.ndarray) -> np.ndarray:
        return self.looks.pop(0) if self.looks else look({})


def test_the_classifier_yields_commands_as_the_session_takes_them() -> None:
    # "go on" (a resume), sure; later "back", only doubtful.
    script = [look({})] * 18 + [look({"go on": 0.96})] * 2 + [look({})] * 20
    script += [look({"back": 0.6})] * 3 + [look({})] * 3
    judge = classifier.Classifier(network=Scripted(script))
    speech = np.concatenate([np.zeros(kws.RATE), pink(0.8) * 0.3, np.zeros(3 * kws.RATE)])
    heard = list(judge.feed(pcm(speech * 0.3 + pink(4.8, 5) * 0.003)))
    assert [(h.phrase, h.action, h.unsure) for h in heard] == [
        ("coach go on", "resume", None),
        ("coach back", None, "back"),
    ]
    first = heard[0]
    # Taken at the 20th look (2 s in): said from 1 s to 1.8 s, as the window shows it.
    assert 0.95 < first.start / kws.RATE < 1.02 and 1.78 < first.end / kws.RATE < 1.84
    assert first.onset == first.start
    assert first.odds == pytest.approx(np.log(0.96 / 0.04), abs=1e-3)
    assert first.odds >= judge.needed and first.lead == 0
    assert judge.needed == pytest.approx(np.log(0.93 / 0.07), abs=1e-6)  # 0.93 at the default
    assert classifier.Classifier(sensitivity=1.0).needed < judge.needed


def test_the_span_of_a_command_is_the_last_loud_stretch_of_the_window() -> None:
    quiet, loud = np.log(1e-4), np.log(1.0)
    frames = np.full((kws.WINDOW, kws.BANDS), quiet, np.float32)
    frames[100:130] = loud  # "coach"
    frames[150:180] = loud  # "pause", 0.2 s later: one command
    framed = 1000  # the window is frames 800 to 999 of the stream
    start, end = classifier.speech_span(frames, framed)
    assert end == (800 + 180) * kws.HOP
    assert start == (800 + 101) * kws.HOP - kws.FRAME
    frames[150:180] = quiet
    frames[70:80] = loud  # a word 0.2 s before "coach": still the same stretch
    frames[0:3] = loud  # one 0.7 s before that: not
    start, end = classifier.speech_span(frames, framed)
    assert (start, end) == ((800 + 71) * kws.HOP - kws.FRAME, (800 + 130) * kws.HOP)


def test_coach_is_heard_by_the_classifier_and_any_other_wake_word_by_the_grammar() -> None:
    assert isinstance(classifier.recogniser_for("coach", 0.5), classifier.Classifier)
    assert isinstance(classifier.recogniser_for("trainer", 0.5), Recogniser)


def test_numpy_gets_one_blas_worker_unless_the_person_chose_otherwise() -> None:
    # Several spinning workers kept a core busy while the classifier listened (100% of a core
    # against 9%): the package asks for one before anything loads numpy.
    import os
    import subprocess
    import sys

    code = "import voice_coach, numpy, os; print(os.environ['OPENBLAS_NUM_THREADS'])"
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    run = [sys.executable, "-c", code]
    assert subprocess.run(run, env=env, capture_output=True, text=True).stdout.strip() == "1"
    env["OPENBLAS_NUM_THREADS"] = "2"
    assert subprocess.run(run, env=env, capture_output=True, text=True).stdout.strip() == "2"
