"""A small trained keyword classifier for the spoken commands (classifier.py makes what it
spots into the commands `play --listen` obeys).

No segmenter: every 100 ms the last 2 s of sound (log-mel, 40 bands, 10 ms frames, each band's
mean over the window taken off) goes through small convolutional networks that say which of
the ten full commands ("coach pause" ... "coach how long") the window holds, or none. An action
is taken when one action's probability (the sum over its phrasings) stays over a threshold for a
few windows running; then nothing for a while (the same command is still in the window).

Needs numpy only; the weights are small .npz files made by `scripts/kws_train.py` (trained
with torch on the tuning voices' material alone).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from voice_coach.listening.commands import PHRASES, Action

RATE = 16000
HOP = 160
"""10 ms frames."""
FRAME = 400
"""25 ms analysis window."""
NFFT = 512
BANDS = 40
WINDOW = 200
"""Frames the classifier sees: 2 s."""
STEP = 10
"""Frames between two looks: 100 ms."""
CLASSES: tuple[str, ...] = (*PHRASES, "")
"""The ten phrases and none ("")."""
WEIGHTS = (Path(__file__).with_name("kws.npz"), Path(__file__).with_name("kws-2.npz"))
"""Two networks, trained alike from different seeds; a command must be heard by both (see
Agreed), which takes fewer commands for others than either alone (scripts/kws_bench.py)."""

Array = np.ndarray[Any, np.dtype[np.float32]]


def _mel_matrix(rate: int = RATE, nfft: int = NFFT, bands: int = BANDS) -> Array:
    def mel(f: float) -> float:
        return float(2595 * np.log10(1 + f / 700))

    def hz(m: Any) -> Any:
        return 700 * (10 ** (m / 2595) - 1)

    edges = hz(np.linspace(mel(60), mel(7600), bands + 2))
    freqs = np.fft.rfftfreq(nfft, 1 / rate)
    out = np.zeros((bands, len(freqs)))
    for b in range(bands):
        lo, mid, hi = edges[b], edges[b + 1], edges[b + 2]
        out[b] = np.clip(np.minimum((freqs - lo) / (mid - lo), (hi - freqs) / (hi - mid)), 0, None)
    return out.astype(np.float32)


MEL = _mel_matrix()
HANN = np.hanning(FRAME).astype(np.float32)


def log_mel(samples: Array) -> Array:
    """Frames of log-mel energy (n, BANDS) for float samples in [-1, 1]; a frame every HOP
    samples, as many as whole frames fit."""
    if len(samples) < FRAME:
        return np.zeros((0, BANDS), np.float32)
    frames = np.lib.stride_tricks.sliding_window_view(samples.astype(np.float32), FRAME)[::HOP]
    spectrum = np.fft.rfft(frames * HANN, NFFT)
    power = spectrum.real**2 + spectrum.imag**2
    return np.asarray(np.log(power.astype(np.float32) @ MEL.T + 1e-6), dtype=np.float32)


def normalise(window: Array) -> Array:
    """Each band's mean over the window taken off (level and microphone colour do not count)."""
    return np.asarray(window - window.mean(axis=-2, keepdims=True), dtype=np.float32)


FITS = (-2, -1, 0, 1)
"""How far calibration may move a voice across the bands (`moved`). A person's vocal tract
sets where their voice's resonances lie, and the networks heard few voices like a woman's or a
child's recordings: moved down two bands, flite's slt (a woman, never trained on) was caught
twice as often. The range is what the tuning speech allowed (scripts/kws_fitted.py: the tuning
half, the kept tuning texts, the WIDE_TUNING voices reading): moved up two bands, the tuning
half set off an action at the calibration's ceiling; at these, nothing did."""


def moved(window: Array, bands: int) -> Array:
    """The window with every frame's spectrum moved `bands` mel bands up (down if negative),
    the edge band repeated into the gap: a vocal-tract-length warp, which at these frequencies
    is a near-constant step on the mel scale."""
    if bands == 0:
        return window
    out = np.empty_like(window)
    if bands > 0:
        out[:, bands:] = window[:, :-bands]
        out[:, :bands] = window[:, :1]
    else:
        out[:, :bands] = window[:, -bands:]
        out[:, bands:] = window[:, -1:]
    return out


# ---- the network, in numpy -------------------------------------------------------------------


def _conv(x: Array, w: Array, b: Array, stride: int) -> Array:
    """3x3 convolution, padding 1, `stride` both ways; x (C, H, W), w (O, C, 3, 3)."""
    x = np.pad(x, ((0, 0), (1, 1), (1, 1)))
    patches = np.lib.stride_tricks.sliding_window_view(x, (3, 3), axis=(1, 2))
    patches = patches[:, ::stride, ::stride]  # (C, H', W', 3, 3)
    out = np.einsum("chwij,ocij->ohw", patches, w, optimize=True)
    return np.asarray(out + b[:, None, None], dtype=np.float32)


class Network:
    """The classifier: four 3x3 convolutions (stride 2, ReLU, batch norm folded in), then two
    dense layers."""

    def __init__(self, path: Path = WEIGHTS[0]) -> None:
        with np.load(path) as data:
            self.w = {k: data[k].astype(np.float32) for k in data.files}
        self.convs = sum(1 for k in self.w if k.startswith("conv") and k.endswith(".w"))

    def logits(self, window: Array) -> Array:
        """Logits per class for one normalised window (WINDOW, BANDS)."""
        x = window[None].astype(np.float32)
        for i in range(self.convs):
            x = np.maximum(_conv(x, self.w[f"conv{i}.w"], self.w[f"conv{i}.b"], 2), 0)
        x = x.reshape(-1)
        x = np.maximum(self.w["fc0.w"] @ x + self.w["fc0.b"], 0)
        return np.asarray(self.w["fc1.w"] @ x + self.w["fc1.b"], dtype=np.float32)

    def probabilities(self, window: Array) -> Array:
        z = self.logits(window)
        e = np.exp(z - z.max())
        return np.asarray(e / e.sum(), dtype=np.float32)


class Agreed:
    """Networks that must agree: each class gets the least probability any of them gives it,
    and "none" the rest. Two networks trained from different seeds err on different commands,
    so what both are sure of is rarely wrong (held out: 4 and 3 commands taken for another
    alone, 1 together, 5% fewer caught)."""

    def __init__(self, paths: tuple[Path, ...] = WEIGHTS) -> None:
        self.networks = [Network(path) for path in paths]

    def probabilities(self, window: Array) -> Array:
        least = np.min([n.probabilities(window) for n in self.networks], axis=0)
        least[-1] = max(0.0, 1.0 - float(least[:-1].sum()))
        return np.asarray(least, dtype=np.float32)


class Judge(Protocol):
    def probabilities(self, window: Array) -> Array: ...


def action_probabilities(p: Array) -> dict[Action, float]:
    """Each action's probability: the sum over its phrasings."""
    out: dict[Action, float] = {}
    for phrase, prob in zip(CLASSES[:-1], p[:-1], strict=True):
        action = PHRASES[phrase]
        out[action] = out.get(action, 0.0) + float(prob)
    return out


@dataclass(frozen=True)
class Spotted:
    action: Action
    probability: float
    """The lower of the looks that decided (the rule asks every one of them to be over the
    threshold)."""
    look: int
    """Which look decided (counted from 0; a look every STEP frames)."""
    phrase: str = ""
    """The likeliest of the action's phrasings ("coach wait" for pause)."""
    sure: bool = True
    """False: the action came over the doubt level but never over the threshold."""


class Decider:
    """The rule that turns looks into actions: one action's probability over `threshold` for
    `runs` looks running, then `refractory` looks deaf (the same command is still in the
    window). Kept as state, so a stream and a recording judged whole decide alike.

    With a `doubt` level (below the threshold), a stretch of looks over it that never reaches
    the threshold is reported as not sure once it ends (the coach asks again), or once it has
    been doubtful for `hesitate` looks, if that comes first (a 'go on' after a pause by voice is
    taken when not sure: the person should not wait for the stretch to end). `patient` waits
    for every stretch to end and reports its best, sure or not: calibration wants to know how
    sure each command was, not how soon."""

    def __init__(
        self,
        threshold: float,
        runs: int = 2,
        refractory: int = 15,
        doubt: float | None = None,
        patient: bool = False,
        hesitate: int | None = None,
    ) -> None:
        self.threshold = threshold
        self.runs = runs
        self.refractory = refractory
        self.floor = threshold if doubt is None else min(doubt, threshold)
        self.patient = patient
        self.hesitate = hesitate
        self.restart()

    def restart(self) -> None:
        self.looked = 0
        self._streak: Action | None = None
        self._recent: list[float] = []
        self._below = 0
        self._best: Spotted | None = None
        self._doubted = 0
        self._quiet_until = 0

    def look(self, p: Array) -> Spotted | None:
        n = self.looked
        self.looked += 1
        actions = action_probabilities(p)
        best = max(actions, key=actions.__getitem__)
        if n < self._quiet_until:
            self._forget()
            return None
        if actions[best] < self.floor:
            self._streak, self._recent = None, []
            self._below += 1
            return self._stretch_over(n) if self._below >= self.runs else None
        self._below = 0
        if self._streak != best:
            self._streak, self._recent = best, []
        self._recent = [*self._recent, actions[best]][-self.runs :]
        if len(self._recent) < self.runs:
            return None
        spotted = Spotted(best, min(self._recent), n, _phrase(p, best))
        if spotted.probability >= self.threshold and not self.patient:
            return self._decided(spotted, n)
        if self._best is None or spotted.probability > self._best.probability:
            self._best = replace(spotted, sure=spotted.probability >= self.threshold)
        self._doubted += 1
        if self.patient or self.hesitate is None or self._doubted < self.hesitate:
            return None
        return self._decided(replace(self._best, look=n), n)

    def _stretch_over(self, n: int) -> Spotted | None:
        """A stretch over the doubt level has ended: its best, if it had one."""
        best = self._best
        return None if best is None else self._decided(replace(best, look=n), n)

    def _decided(self, spotted: Spotted, n: int) -> Spotted:
        self._forget()
        self._quiet_until = n + 1 + self.refractory
        return spotted

    def _forget(self) -> None:
        self._streak, self._recent, self._best, self._below, self._doubted = None, [], None, 0, 0


def _phrase(p: Array, action: Action) -> str:
    """The likeliest phrasing of `action` in one look."""
    return max(
        (phrase for phrase in CLASSES[:-1] if PHRASES[phrase] == action),
        key=lambda phrase: float(p[CLASSES.index(phrase)]),
    )


def decisions(looks: Array, rule: Decider) -> list[Spotted]:
    """The actions `rule` takes over a run of looks (each row a look's class probabilities),
    from its start."""
    rule.restart()
    return [s for s in (rule.look(p) for p in looks) if s is not None]


class Spotter:
    """Streaming: feed 16 kHz s16le sound, get each look's class probabilities, and (by its
    Decider, kept incrementally) actions."""

    def __init__(
        self,
        threshold: float = 0.9,
        runs: int = 2,
        refractory_s: float = 1.5,
        network: Judge | None = None,
        doubt: float | None = None,
        patient: bool = False,
        hesitate: int | None = None,
        fit: int = 0,
    ) -> None:
        self.network = network or Agreed()
        self.fit = fit
        """How far each window is `moved` before the networks hear it (calibration's choice)."""
        refractory = round(refractory_s * RATE / HOP / STEP)
        self.decider = Decider(threshold, runs, refractory, doubt, patient, hesitate)
        self.restart()

    def restart(self) -> None:
        self._samples = np.zeros(FRAME - HOP, np.float32)
        self.frames = np.full((WINDOW, BANDS), np.log(1e-6), np.float32)
        """The window the classifier looks at: the last WINDOW frames' log-mel."""
        self.framed = 0
        """Frames made since the start: the last one ends at sample framed * HOP."""
        self._since = 0
        self.decider.restart()

    def looks(self, pcm: bytes) -> Iterator[Array]:
        """Each look's class probabilities, as the sound comes."""
        fresh = np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768
        samples = np.concatenate([self._samples, fresh])
        usable = (len(samples) - FRAME) // HOP + 1 if len(samples) >= FRAME else 0
        if usable <= 0:
            self._samples = samples
            return
        frames = log_mel(samples[: (usable - 1) * HOP + FRAME])
        self._samples = samples[usable * HOP :]
        for frame in frames:
            self.frames[:-1] = self.frames[1:]
            self.frames[-1] = frame
            self.framed += 1
            self._since += 1
            if self._since < STEP:
                continue
            self._since = 0
            yield self.network.probabilities(moved(normalise(self.frames), self.fit))

    def feed(self, pcm: bytes) -> Iterator[Spotted]:
        for p in self.looks(pcm):
            spotted = self.decider.look(p)
            if spotted is not None:
                yield spotted
