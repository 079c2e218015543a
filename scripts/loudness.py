#!/usr/bin/env python3
"""Loudness of real exports, tuned on one voice and playlist, reported on the others.

Goal (issue 26): every export at -16 LUFS integrated (+-1), true peak at most -1 dBTP, measured
with ffmpeg's own EBU R128 meter (not pyloudnorm, which voice-coach levels its cues with).

The one number tuned is speech.loudness.CUE_LUFS, the loudness each cue is levelled to: a
session measures a little under its cues. It is fitted on the TUNING row only (`--tune` prints
the value that would put that row at -16.0); every other row (other playlists, the other
engine's voices and rates, every split track) is held out and reported as measured.

Run: .venv/bin/python scripts/loudness.py [--tune] [--cache DIR]   (a cold cache takes minutes)
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from support.media import loudness as measured  # ffmpeg's EBU R128 meter

SCRIPT = str(Path(sys.executable).with_name("voice-coach"))
ESPEAK = ["--engine", "pyttsx3", "--voice"]
TUNING = ("disc-bulge", "natural (Piper)", [])
HELD_OUT = [
    ("foraminal-stenosis", "natural (Piper)", []),
    ("piriformis-syndrome", "natural (Piper)", []),
    ("not-sure", "natural (Piper)", []),
    ("disc-bulge", "espeak-ng en-us", [*ESPEAK, "gmw/en-us"]),
    ("not-sure", "espeak-ng en-gb, 200 wpm", [*ESPEAK, "gmw/en", "--rate", "200"]),
    ("piriformis-syndrome", "espeak-ng en-us, 130 wpm", [*ESPEAK, "gmw/en-us", "--rate", "130"]),
]  # fmt: skip
GOAL = (-17.0, -15.0, -1.0)


def export(playlist: str, extra: list[str], cache: Path, work: Path) -> tuple[Path, list[Path]]:
    name = re.sub(r"\W+", "-", f"{playlist}-{' '.join(extra)}").strip("-")
    out, tracks = work / f"{name}.mp3", work / name
    command = [SCRIPT, "export", playlist, *extra, "--cache-dir", str(cache)]
    subprocess.run([*command, "-o", str(out), "--split", str(tracks)], check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    return out, sorted(tracks.glob("*.mp3"))


def row(label: str, playlist: str, voice: str, extra: list[str], cache: Path, work: Path) -> bool:
    out, tracks = export(playlist, extra, cache, work)
    whole = measured(out)
    parts = [measured(t) for t in tracks]
    low = min(p[0] for p in parts)
    high = max(p[0] for p in parts)
    peak = max([whole[1], *(p[1] for p in parts)])
    ok = all(GOAL[0] <= v <= GOAL[1] for v in (whole[0], low, high)) and peak <= GOAL[2]
    print(
        f"| {label} | {playlist} | {voice} | {whole[0]:.1f} | {low:.1f} to {high:.1f} "
        f"({len(parts)}) | {peak:.1f} | {'yes' if ok else 'NO'} |",
        flush=True,
    )
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--tune", action="store_true", help="print the CUE_LUFS the tuning row asks"
    )
    parser.add_argument("--cache", type=Path, help="a cue cache to keep between runs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="voice-coach-loudness-") as folder:
        work = Path(folder)
        cache = args.cache or work / "cache"
        if args.tune:
            from voice_coach.speech.loudness import CUE_LUFS

            out, _ = export(TUNING[0], TUNING[2], cache, work)
            integrated, _ = measured(out)
            wanted = CUE_LUFS + (-16.0 - integrated)
            print(f"tuning row at {integrated:.2f} LUFS with CUE_LUFS {CUE_LUFS}: ", end="")
            print(f"CUE_LUFS = {wanted:.1f} would put it at -16.0")
            return 0
        print("| set | playlist | voice | export LUFS | split tracks LUFS (n) ", end="")
        print("| worst true peak dBTP | in goal |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        ok = row("tuning", TUNING[0], TUNING[1], TUNING[2], cache, work)
        for playlist, voice, extra in HELD_OUT:
            ok &= row("held out", playlist, voice, extra, cache, work)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
