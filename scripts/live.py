"""How live `voice-coach play` is: first sound after launch, how soon a key silences it, and
how soon a resume is heard, on a cold cache and a warm one, with the machine idle and busy.

Runs the real command on a pseudo-terminal, with its sound going through ALSA to a private
PulseAudio null sink that is recorded (the same set-up as the sound tests), presses space at
several moments of the first 20 s (pause, then resume 2 s later) and reads the times from the
recording. "Busy": a CPU-bound process runs alongside (a user's computer is rarely idle). Used
by scripts/bench.py; run alone: .venv/bin/python scripts/live.py [TARGET]
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from support.soundserver import RATE, Recorder, start_server
from support.terminal import Terminal

SCRIPT = str(Path(sys.executable).with_name("voice-coach"))
PRESSES_S = (2.0, 6.0, 10.0, 14.0, 18.0)
PAUSE_S = 2.0
LOUD = 300


@dataclass(frozen=True)
class Live:
    first_sound_s: float
    key_delays_s: list[float]
    resume_delays_s: list[float]


def heard_again(recording: np.ndarray, resumed: int) -> float:
    """Seconds from the resume press to the first sound after it (an upper bound: a resume that
    lands in a pause between words is heard when the next word starts)."""
    loud = np.nonzero(np.abs(recording[resumed:]) > LOUD)[0]
    return float(loud[0]) / RATE if len(loud) else float("nan")


def stop_after(recording: np.ndarray, pressed: int) -> float:
    """Seconds from the press to the last sound before the pause's silence (0 if it was quiet)."""
    loud = np.nonzero(np.abs(recording) > LOUD)[0]
    loud = loud[loud >= pressed - RATE]
    gaps = np.nonzero(np.diff(loud) > int(0.75 * PAUSE_S * RATE))[0]
    if not len(gaps):
        return float("nan")
    return max(0.0, (int(loud[gaps[0]]) - pressed) / RATE)


def measure(target: str, cache: Path, home: Path, busy: bool = False) -> Live:
    with tempfile.TemporaryDirectory(prefix="voice-coach-live-") as folder:
        server = start_server(Path(folder))
        hog = subprocess.Popen([sys.executable, "-c", "while True: pass"]) if busy else None
        try:
            env = {**server.env, "VOICE_COACH_HOME": str(home)}
            recorder = Recorder(server, Path(folder) / "recording.raw")
            launched = time.monotonic()
            command = [SCRIPT, "play", target, "--cache-dir", str(cache)]
            terminal = Terminal([*command, "--pain-before", "5", "--pain-after", "5"], env)
            pressed, resumed = [], []
            for at in PRESSES_S:
                time.sleep(max(0.0, launched + at - time.monotonic()))
                terminal.type(b" ")
                pressed.append(time.monotonic())
                time.sleep(PAUSE_S)
                terminal.type(b" ")
                resumed.append(time.monotonic())
            time.sleep(1.5)  # heard again after the last pause: the pause has an end to find
            terminal.type(b"q")
            terminal.process.wait(timeout=60)
            terminal.close()
            recording = recorder.stop()
        finally:
            if hog is not None:
                hog.kill()
            server.stop()
    loud = np.nonzero(np.abs(recording) > LOUD)[0]
    first = recorder.started_wall + loud[0] / RATE - launched if len(loud) else float("nan")
    delays = [stop_after(recording, int((p - recorder.started_wall) * RATE)) for p in pressed]
    again = [heard_again(recording, int((r - recorder.started_wall) * RATE)) for r in resumed]
    return Live(first, delays, again)


def rows(target: str) -> list[tuple[str, str, str, str]]:
    """Table rows: first sound, the slowest key and the slowest resume, on a cold cache and then
    a warm one, idle and busy."""
    out = []
    for load in ("idle", "busy"):
        with tempfile.TemporaryDirectory(prefix="voice-coach-bench-live-") as folder:
            cache, home = Path(folder) / "cache", Path(folder) / "home"
            home.mkdir()
            for state in ("cold", "warm"):
                live = measure(target, cache, home, busy=load == "busy")
                what = f"{state} play {target}, {load}"
                out.append(
                    (
                        f"{what}: first sound after launch",
                        f"{live.first_sound_s:.2f}",
                        "-",
                        "<= 1.5 s",
                    )
                )
                shown = ", ".join(f"{d * 1000:.0f}" for d in live.key_delays_s)
                out.append(
                    (
                        f"{what}: space -> silence, first 20 s (ms: {shown})",
                        f"{max(live.key_delays_s):.3f}",
                        "-",
                        "<= 0.150 s",
                    )
                )
                shown = ", ".join(f"{d * 1000:.0f}" for d in live.resume_delays_s)
                out.append(
                    (
                        f"{what}: space -> heard again (ms: {shown})",
                        f"{min(live.resume_delays_s):.3f}",
                        "-",
                        "<= 0.150 s",
                    )
                )
    return out


if __name__ == "__main__":
    for row in rows(sys.argv[1] if len(sys.argv) > 1 else "not-sure"):
        print(" | ".join(row))
    os._exit(0)
