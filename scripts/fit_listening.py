#!/usr/bin/env python3
"""Fit the spoken commands' confidence model (voice_coach/listening/confidence.py) on the bench's
tuning voices only, and print the constants to paste into it.

Every utterance the grammar made a whole command of is one example: a command said by a tuning
voice whose action was the one asked for is a yes; a wrong action, or anything the grammar made
of the tuning half of the guide read aloud, is a no. A logistic regression (Newton's method, a
little L2) weighs the features; the cut is then set, on the same tuning voices, a safety step
above the surest 'no' from other speech, so that ordinary talk never acts. The held-out voices
are not read here: scripts/listening_bench.py reports on them.

Run: .venv/bin/python scripts/fit_listening.py [--repeats 4 --minutes 15] (the bench's material)
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from support import many_voices
from support.listening_eval import ACTIONS, judged_commands, judged_speech
from support.many_voices import TUNING, commands

from voice_coach.listening import confidence
from voice_coach.listening.recogniser import MARGIN, Heard

SAFETY = 0.5
"""How far above the surest 'no' of the tuning speech the cut is set at least (log-odds)."""
WRONG_SHARE = 0.03
"""...and high enough that at most this share of the tuning commands is taken for another."""
L2 = 1.0


def usable(heard: Heard) -> bool:
    return heard.phrase in ACTIONS and heard.score > -math.inf and heard.margin >= MARGIN


def examples(repeats: int, minutes: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Features, labels, and which rows came from other speech; and the commands said."""
    rows, labels, speech_rows = [], [], []
    judged = judged_commands(f"tuning-{repeats}", lambda: commands(TUNING, repeats))
    for item in judged:
        for heard in filter(usable, item.heard):
            rows.append(confidence.features(heard))
            labels.append(ACTIONS[heard.phrase] == ACTIONS[f"coach {item.phrase}"])
            speech_rows.append(False)
    speech, _ = judged_speech(
        f"tuning-{minutes}", lambda: many_voices.other_speech(TUNING, minutes, 0)
    )
    for heard in filter(usable, speech):
        rows.append(confidence.features(heard))
        labels.append(False)
        speech_rows.append(True)
    return np.array(rows), np.array(labels, dtype=float), np.array(speech_rows), len(judged)


def fit(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Mean, scale, weights and bias of a class-balanced, L2-regularised logistic regression."""
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-9
    z = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    balance = np.where(y > 0, 0.5 / y.mean(), 0.5 / (1 - y.mean()))
    w = np.zeros(z.shape[1])
    penalty = L2 * np.eye(z.shape[1])
    penalty[-1, -1] = 0
    for _ in range(50):
        p = 1 / (1 + np.exp(-z @ w))
        gradient = z.T @ (balance * (p - y)) + penalty @ w
        hessian = (z * (balance * p * (1 - p))[:, None]).T @ z + penalty
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return mean, scale, w[:-1], float(w[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=4)
    parser.add_argument("--minutes", type=float, default=15)
    args = parser.parse_args()
    x, y, from_speech, said = examples(args.repeats, args.minutes)
    mean, scale, weights, bias = fit(x, y)
    odds = ((x - mean) / scale) @ weights + bias
    cut = float(odds[from_speech].max()) + SAFETY
    wrong_odds = np.sort(odds[(y == 0) & ~from_speech])[::-1]
    allowed = int(WRONG_SHARE * said)
    if len(wrong_odds) > allowed:
        cut = max(cut, float(wrong_odds[allowed]) + 1e-3)
    caught = int(((odds >= cut) & (y > 0)).sum())
    wrong = int(((odds >= cut) & (y == 0) & ~from_speech).sum())
    print(f"# {len(y)} examples ({int(y.sum())} yes) from {said} commands and other speech")
    print(f"# at the cut: {caught} caught, {wrong} wrong actions (tuning voices)")

    def row(values: np.ndarray) -> str:
        return "(" + ", ".join(f"{v:.4g}" for v in values) + ")"

    print(f"MEAN = {row(mean)}")
    print(f"SCALE = {row(scale)}")
    print(f"WEIGHTS = {row(weights)}")
    print(f"BIAS = {bias:.4g}")
    print(f"CUT = {cut:.3g}")


if __name__ == "__main__":
    main()
