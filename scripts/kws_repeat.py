#!/usr/bin/env python3
"""Said again, heard alike (the `listen_said_again` setting, off by default): when the coach
asks a person to say a command again (heard, not sure), and the second saying is heard as the
same command, again not surely, is obeying it worth what it risks?

For every voice of `kws_calibrated.py`'s sets, in each of the four rooms (10 dB): the first try
is the bench's command (the looks kws_calibrated.py keeps); when it draws the "say again" tone,
the person says it again, a little slower and higher (sox tempo 0.97, pitch +25 cents: neither
saying the calibration uses), in the same room with noise of its own. Both tries are judged as
`play --listen` judges them, at the default sensitivity and at the one that voice's calibration
stored there. Without the rule, a second doubtful hearing is asked again; with it, it is obeyed
when it names the same action as the first.

Other speech: each stretch's doubtful hearings, in order; with the rule, two running (no action
between) of the same action within `commands_in.CONFIRM_WITHIN_S` act.

The decision (written before measuring): keep the rule if, on tuning material alone, it adds no
command taken for another and no action from the tuning side's speech, at the default and at
the calibration's ceiling. Held-out sets are reported whatever they show.

Run after kws_calibrated.py (its looks are read, not made again):
  OPENBLAS_NUM_THREADS=1 PYTHONPATH=.:tests .venv/bin/python scripts/kws_repeat.py
"""

from __future__ import annotations

import pickle
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
import kws_calibrated as kc
from support import many_voices as mv
from support.listening_eval import ACTIONS

from voice_coach.listening.classifier import SCALE
from voice_coach.listening.commands import CONFIRM_WITHIN_S, SaidAgain
from voice_coach.listening.confidence import DEFAULT_SENSITIVITY
from voice_coach.listening.kws import HOP, RATE, STEP, Spotter

AGAIN = ("tempo 0.97", "pitch 25")
"""How the second saying differs from the first (and from both of the calibration's)."""
AGAIN_SEED = 700_000
KEPT = mv.CACHE.parent / "kws" / "repeat.pkl"
LOOK_S = HOP * STEP / RATE
"""Seconds between two looks."""
REPEATED_AFTER_S = 3.0
"""From the end of the first saying to the start of the second (the tone, a moment)."""


def second_tries(spotter: Spotter) -> dict[tuple[str, int, str], np.ndarray]:
    """The looks of every command said again, by voice name, room and phrase."""
    out: dict[tuple[str, int, str], np.ndarray] = {}
    for title, voices in kc.SETS:
        for voice in voices:
            again = replace(voice, sox=(*voice.sox, *AGAIN))
            for phrase in kc.PHRASES:
                raw = said(again, f"Coach, {phrase}.")
                for room, noise in enumerate(mv.NOISES):
                    seed = AGAIN_SEED + 10 * room + 1000 * len(phrase)
                    pcm = mv.in_room(bytes(32000) + raw + bytes(32000), noise, seed)
                    out[(voice.name, room, phrase)] = kc.looks_of(spotter, pcm)
        print("said again:", title, flush=True)
    return out


def said(voice: mv.Voice, text: str, tries: int = 3) -> bytes:
    """festival's Hindi voice now and then writes no file (and says nothing of it): again."""
    for _ in range(tries - 1):
        try:
            return mv.spoken(voice, text)
        except FileNotFoundError:
            print("  no sound from", voice.name, repr(text), "- again", flush=True)
    return mv.spoken(voice, text)


Try = tuple[str, Any, float]


def heard(looks: np.ndarray, sensitivity: float) -> Try:
    """One try as the session takes it: ("sure", action, p), ("doubt", action, p: the tone)
    or ("none", None, 0)."""
    spotted = kc.judged(looks, sensitivity)
    sure = [s for s in spotted if s.sure]
    if sure:
        return "sure", sure[0].action, sure[0].probability
    doubt = [s for s in spotted if not s.sure]
    return ("doubt", doubt[-1].action, doubt[-1].probability) if doubt else ("none", None, 0.0)


def confirmed(first: Try, again: Try) -> bool:
    """Whether the session obeys the second doubtful hearing (the product's own rule)."""
    rule = SaidAgain()
    rule.asked(first[1], 0.0, first[2])
    return rule.confirms(again[1], REPEATED_AFTER_S, again[2])


@dataclass
class Tally:
    said: int = 0
    first: int = 0
    first_wrong: int = 0
    asked: int = 0
    without: int = 0
    without_wrong: int = 0
    rule: int = 0
    rule_wrong: int = 0
    confirmed: int = 0

    def add(self, want: str, first: Try, again: Try) -> None:
        self.said += 1
        kind, action, _ = first
        if kind == "sure":
            self._done(action == want, "first", "without", "rule")
            return
        if kind == "none":
            return
        self.asked += 1
        kind2, action2, _ = again
        if kind2 == "sure":
            self._done(action2 == want, "without", "rule")
        elif kind2 == "doubt" and confirmed(first, again):
            self.confirmed += 1
            self._done(action2 == want, "rule")

    def _done(self, ok: bool, *counts: str) -> None:
        """An action taken: obeyed (`ok`) or taken for another, in each of `counts`."""
        for name in counts:
            key = name if ok else f"{name}_wrong"
            setattr(self, key, getattr(self, key) + 1)

    def cells(self) -> str:
        def share(n: int) -> str:
            return f"{n}/{self.said} ({n / max(self.said, 1):.0%})"

        return (
            f"{share(self.first)} | {self.first_wrong} | {self.asked} | {share(self.without)} | "
            f"{self.without_wrong} | **{share(self.rule)}** | **{self.rule_wrong}** | "
            f"{self.confirmed}"
        )


def speech_actions(looks: np.ndarray, sensitivity: float) -> tuple[int, int, int]:
    """Actions without the rule, those the rule adds, and 'say again' tones, in speech."""
    spotted = kc.judged(looks, sensitivity) if len(looks) else []
    sure = sum(s.sure for s in spotted)
    added, rule = 0, SaidAgain()
    for s in spotted:
        at = s.look * LOOK_S
        if s.sure:
            rule.settled()
        elif rule.confirms(s.action, at, s.probability):
            added += 1
            rule.settled()
        else:
            rule.asked(s.action, at, s.probability)
    return sure, added, len(spotted) - sure


def main() -> None:
    if KEPT.exists():
        again = pickle.loads(KEPT.read_bytes())
    else:
        again = second_tries(Spotter())
        KEPT.parent.mkdir(parents=True, exist_ok=True)
        KEPT.write_bytes(pickle.dumps(again))
    m = pickle.loads(kc.KEPT.read_bytes())
    ceiling = SCALE.ceiling
    print(
        f"\nsaid again within {CONFIRM_WITHIN_S:g} s (ceiling {ceiling}) | voices | sensitivity | "
        "first try: obeyed | wrong | asked again | within two tries, now: obeyed | wrong | "
        "with the rule: obeyed | wrong | confirmed |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for title, _voices in kc.SETS:
        default, tuned = Tally(), Tally()
        for name, room, calibration, here in m[title]:
            stored = calibration.sensitivity(DEFAULT_SENSITIVITY, ceiling)
            at = DEFAULT_SENSITIVITY if stored is None else stored
            for phrase, looks in here:
                want = ACTIONS[f"coach {phrase}"]
                second = again[(name, room, phrase)]
                default.add(
                    want,
                    heard(looks, DEFAULT_SENSITIVITY),
                    heard(second, DEFAULT_SENSITIVITY),
                )
                tuned.add(want, heard(looks, at), heard(second, at))
        print(f"| {title} | default | {default.cells()} |")
        print(f"| {title} | calibrated | {tuned.cells()} |")
    for key in ("tuning half", "kept", "wide", *(k for k, _v, _s in kc.SPEECH), "people"):
        counts = ", ".join(
            f"{s:.2f}: {'/'.join(map(str, speech_actions(m[f'speech {key}'], s)))}"
            for s in (DEFAULT_SENSITIVITY, ceiling, 1.0)
        )
        print(f"speech, {key} (actions / added by the rule / say-again tones): {counts}")


if __name__ == "__main__":
    main()
