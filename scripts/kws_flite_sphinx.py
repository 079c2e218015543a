#!/usr/bin/env python3
"""For comparison with kws_extra.py's flite rows: the current recogniser (PocketSphinx, fitted
confidence at the default sensitivity) on the same flite material, counted the same way."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from kws_extra import flite
from support import many_voices as mv
from support.listening_eval import ACTIONS

from voice_coach.listening.commands import PHRASES
from voice_coach.listening.recogniser import Recogniser


def main() -> None:
    silence = bytes(16000 * 2)
    rows: dict[str, list[int]] = {}
    for voice in ("slt", "rms", "awb", "kal16"):
        for phrase in PHRASES:
            clean = silence + flite(voice, f"Coach, {phrase}.") + silence
            tries = [
                (mv.NOISES[r], mv.in_room(clean, mv.NOISES[r], 90_000 + r + 1000 * len(phrase)))
                for r in range(4)
            ]
            for room, pcm in [*tries, ("quiet", clean)]:
                acts = [h.action for h in Recogniser().feed(pcm) if h.action]
                want = ACTIONS[f"coach {phrase}"]
                for key in (room, voice, "all"):
                    row = rows.setdefault(key, [0, 0, 0])
                    row[0] += 1
                    row[1] += want in acts
                    row[2] += any(a != want for a in acts)
    for k, v in rows.items():
        print(f"{k}: {v[1]}/{v[0]} wrong {v[2]}")


if __name__ == "__main__":
    main()
