#!/usr/bin/env python3
"""Speed and memory of exports, measured on this machine and printed as a table.

Goals (issue 3): warm MP3 export of the longest playlist within 1.5x of ffmpeg alone encoding the
same audio; warm WAV export well under a second; cold export with espeak-ng under 10 s;
peak memory of an export under 150 MB and flat when the session doubles.
Goals (issue 6): cold export with the natural (neural) voice, the default, under 60 s; warm
exports as fast as with any engine; the word error rate of each voice (scripts/intelligibility.py).
Goals (issue 12): `play` on a cold cache with the natural voice speaks within 1.5 s of launch, and
a key silences it within 150 ms at any time, the first 20 s included (scripts/live.py: a real
PulseAudio null sink, recorded).

Goals (issue 13): spoken commands caught, never set off by other sound, answered at once, cheap
(scripts/listening_bench.py).
Goals (issue 14): a second `share` serves at once (scripts/share_bench.py).
Goals (issue 26): the person's music costs little: warm MP3 export with music against without and
against ffmpeg alone; memory flat with music on a session twice as long.
Goals (issue 21): `--help`, `--version` and the listings start within twice a bare click program
(scripts/startup_bench.py).

Each export runs as its own `voice-coach` process, so its time includes start-up, and its peak
memory (ru_maxrss) is its own. Run: .venv/bin/python scripts/bench.py [--no-wer] [--no-listen]
[--no-share]
(the live rows need the test packages: scripts/setup.sh --dev)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SCRIPT = str(Path(sys.executable).with_name("voice-coach"))


def measure(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MB) of one child process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if status != 0:
        error = process.stderr.read().decode() if process.stderr else ""
        raise SystemExit(f"failed: {' '.join(command)}\n{error}")
    return elapsed, usage.ru_maxrss / 1024


def longest_playlist() -> tuple[str, list[str]]:
    listed = json.loads(subprocess.check_output([SCRIPT, "causes", "--json"]))
    best = max(listed, key=lambda item: item["length_s"])
    return best["id"], best["exercises"]


def default_engine() -> str:
    plan = json.loads(subprocess.check_output([SCRIPT, "plan", "pelvic-tilts", "--json"]))
    return f"{plan['speech']['engine']} {plan['speech']['voice']}"


def main() -> None:
    playlist, exercises = longest_playlist()
    rows: list[tuple[str, str, str, str]] = []
    with tempfile.TemporaryDirectory(prefix="voice-coach-bench-") as folder:
        work = Path(folder)
        cache = str(work / "cache")
        common = ["--cache-dir", cache]

        espeak = ["--cache-dir", str(work / "espeak-cache"), "--engine", "pyttsx3"]
        seconds, peak = measure([SCRIPT, "export", playlist, *espeak, "-o", str(work / "e.mp3")])
        rows.append(
            (f"cold export {playlist} -> mp3, espeak-ng", f"{seconds:.2f}", f"{peak:.0f}", "< 10 s")
        )
        seconds, peak = measure([SCRIPT, "export", playlist, *espeak, "-o", str(work / "e.wav")])
        rows.append(
            (f"warm export {playlist} -> wav, espeak-ng", f"{seconds:.2f}", f"{peak:.0f}", "-")
        )

        seconds, peak = measure([SCRIPT, "export", playlist, *common, "-o", str(work / "cold.mp3")])
        rows.append(
            (
                f"cold export {playlist} -> mp3, default (auto: {default_engine()})",
                f"{seconds:.2f}",
                f"{peak:.0f}",
                "< 60 s",
            )
        )

        seconds, peak = measure([SCRIPT, "export", playlist, *common, "-o", str(work / "warm.wav")])
        rows.append(
            (
                f"warm export {playlist} -> wav, default",
                f"{seconds:.2f}",
                f"{peak:.0f}",
                "well under 1 s",
            )
        )

        seconds, peak = measure([SCRIPT, "export", playlist, *common, "-o", str(work / "warm.mp3")])
        mp3_time = seconds
        ffmpeg_time, _ = measure(
            [
                "ffmpeg",
                "-v",
                "error",
                "-y",
                "-i",
                str(work / "warm.wav"),
                "-c:a",
                "libmp3lame",
                "-b:a",
                "64k",
                str(work / "ffmpeg.mp3"),
            ]
        )
        rows.append(
            (
                f"warm export {playlist} -> mp3, default",
                f"{mp3_time:.2f}",
                f"{peak:.0f}",
                f"<= 1.5x ffmpeg: {mp3_time / ffmpeg_time:.2f}x",
            )
        )
        rows.append(("ffmpeg alone, same audio -> mp3", f"{ffmpeg_time:.2f}", "-", "reference"))

        # Issue 26: the person's music under the coach (a 3-minute stand-in song, looped).
        song = work / "song.mp3"
        subprocess.run(
            [
                *("ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=frequency=330:duration=180"),
                *(
                    "-f",
                    "lavfi",
                    "-i",
                    "anoisesrc=d=180:a=0.05",
                    "-filter_complex",
                    "amix=inputs=2",
                ),
                str(song),
            ],
            check=True,
        )
        music = ["--music", str(song)]
        seconds, peak = measure(
            [SCRIPT, "export", playlist, *common, *music, "-o", str(work / "music.mp3")]
        )
        rows.append(
            (
                f"warm export {playlist} -> mp3, with music",
                f"{seconds:.2f}",
                f"{peak:.0f}",
                f"vs without: {seconds / mp3_time:.2f}x; vs ffmpeg: {seconds / ffmpeg_time:.2f}x",
            )
        )

        plan_time, plan_peak = measure([SCRIPT, "plan", playlist, *common, "--json"])
        rows.append(
            (
                f"warm plan {playlist} (start-up included)",
                f"{plan_time:.2f}",
                f"{plan_peak:.0f}",
                "-",
            )
        )

        doubled = [*exercises, *exercises]
        # Its intro and exercise numbers are new cues: synthesise them first, then measure warm.
        measure([SCRIPT, "export", *doubled, *common, "-o", str(work / "double.wav")])
        seconds, peak_double = measure(
            [SCRIPT, "export", *doubled, *common, "-o", str(work / "double.wav")]
        )
        rows.append(
            (
                "warm export, session twice as long -> wav",
                f"{seconds:.2f}",
                f"{peak_double:.0f}",
                "< 150 MB, flat",
            )
        )
        measure([SCRIPT, "export", *doubled, *common, *music, "-o", str(work / "double-m.wav")])
        seconds, peak_music = measure(
            [SCRIPT, "export", *doubled, *common, *music, "-o", str(work / "double-m.wav")]
        )
        rows.append(
            (
                "warm export, session twice as long -> wav, with music",
                f"{seconds:.2f}",
                f"{peak_music:.0f}",
                "flat (music decoded as a stream)",
            )
        )
        duration = json.loads(
            subprocess.check_output([SCRIPT, "plan", playlist, *common, "--json"])
        )["duration_s"]

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import live

    rows += live.rows(playlist)
    width = max(len(r[0]) for r in rows)
    print(
        f"Longest playlist: {playlist} ({duration / 60:.1f} min of audio); {os.cpu_count()} cores\n"
    )
    print(f"| {'what'.ljust(width)} | seconds | peak MB | goal |")
    print(f"| {'-' * width} | ---: | ---: | --- |")
    for what, secs, peak_mb, goal in rows:
        print(f"| {what.ljust(width)} | {secs} | {peak_mb} | {goal} |")
    print()
    import startup_bench

    print(startup_bench.table())
    if "--no-share" not in sys.argv:
        print()
        import share_bench

        print(share_bench.table())
    if "--no-wer" not in sys.argv:
        print()
        import intelligibility

        print(intelligibility.table(list(intelligibility.DEFAULT_VOICES)))
    if "--no-listen" not in sys.argv:
        print()
        import listening_bench

        print(listening_bench.table())


if __name__ == "__main__":
    main()
