"""How live `voice-coach play` is: first sound after launch, how soon a key silences it, and
how soon a resume is heard, on a cold cache and a warm one, with the machine idle and busy.

Runs the real command on a pseudo-terminal, with its sound going through ALSA to a private
PulseAudio null sink that is recorded (the same set-up as the sound tests), presses space at
several moments of the first 20 s (pause, then resume 2 s later) and reads the times from the
recording. "Busy": a CPU-bound process runs alongside (a user's computer is rarely idle).

Each pause and resume is measured against the plan, not against the first loud sample: play's
trace (VOICE_COACH_TRACE) names the session sample P where the sound stopped and restarted, the
plan rendered to audio is found in the recording before and after the pause, and "heard again"
is when plan sample P is heard after the resume, even when P falls in a silence between words
(which no recording alone can time). The same check proves nothing was replayed or skipped.
Used by scripts/bench.py; run alone: .venv/bin/python scripts/live.py [TARGET]
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from support import continuity
from support.soundserver import RATE, Recorder, start_server
from support.terminal import Terminal

SCRIPT = str(Path(sys.executable).with_name("voice-coach"))
PRESSES_S = (2.0, 6.0, 10.0, 14.0, 18.0)
PAUSE_S = 2.0


@dataclass(frozen=True)
class Live:
    first_sound_s: float
    key_delays_s: list[float]
    resume_delays_s: list[float]
    faults: list[str]
    """Pauses that replayed, skipped or left sound playing (none expected)."""
    early: int = 0
    """Presses before the first sound (not timed)."""


def measure(target: str, cache: Path, home: Path, busy: bool = False) -> Live:
    with tempfile.TemporaryDirectory(prefix="voice-coach-live-") as name:
        folder = Path(name)
        shutil.copytree(home, folder / "home-before")  # the plan is said as this home makes it
        trace = folder / "trace.txt"
        server = start_server(folder)
        hog = subprocess.Popen([sys.executable, "-c", "while True: pass"]) if busy else None
        try:
            env = {**server.env, "VOICE_COACH_HOME": str(home)}
            recorder = Recorder(server, folder / "recording.raw")
            launched = time.monotonic()
            command = [SCRIPT, "play", target, "--cache-dir", str(cache)]
            terminal = Terminal(
                [*command, "--pain-before", "5", "--pain-after", "5"],
                {**env, continuity.TRACE_ENV: str(trace)},
            )
            pressed, resumed = [], []
            for at in PRESSES_S:
                time.sleep(max(0.0, launched + at - time.monotonic()))
                terminal.type(b" ")
                pressed.append(time.monotonic())
                time.sleep(PAUSE_S)
                terminal.type(b" ")
                resumed.append(time.monotonic())
            time.sleep(1.5)
            terminal.type(b"q")
            terminal.process.wait(timeout=60)
            terminal.close()
            recording = recorder.stop()
        finally:
            if hog is not None:
                hog.kill()
            server.stop()
        before = {**env, "VOICE_COACH_HOME": str(folder / "home-before")}
        ref, _ = continuity.reference(before, [target], {}, cache, folder / "ref.wav")
        heard = continuity.stretches(recording, ref, continuity.read_trace(trace))
    at = continuity.sound_span(recording)[0]
    first = recorder.started_wall + at / RATE - launched
    keys, again, faults = [], [], []
    # A press before the first sound (a busy machine, a cold cache) pauses a session that has
    # not sounded yet: nothing to time, and no stretch of its own in the recording.
    early = sum(1 for p in pressed if p - launched < first)
    for index, (p, r) in enumerate(zip(pressed, resumed, strict=True)):
        if index < early:
            continue
        stopped, going = heard[index - early], heard[index - early + 1]
        keys.append((stopped.ended - (p - recorder.started_wall) * RATE) / RATE)
        again.append((going.began - (r - recorder.started_wall) * RATE) / RATE)
        loud = continuity.heard_between(recording, stopped, going)
        if stopped.end != going.start or loud or max(stopped.mismatch, going.mismatch) > 0.02:
            faults.append(f"pause {index + 1}: {stopped} then {going}, loud {loud[:1]}")
            print(f"live: {faults[-1]}", file=sys.stderr)
    return Live(first, keys, again, faults, early)


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
                if live.early:
                    shown += f"; {live.early} pressed before the first sound"
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
                        f"{what}: space -> heard again from where it stopped (ms: {shown})",
                        f"{max(live.resume_delays_s):.3f}",
                        "-",
                        "<= 0.150 s",
                    )
                )
                out.append(
                    (
                        f"{what}: pauses that replayed, skipped or went on sounding",
                        str(len(live.faults)),
                        "-",
                        "0",
                    )
                )
    return out


if __name__ == "__main__":
    for row in rows(sys.argv[1] if len(sys.argv) > 1 else "not-sure"):
        print(" | ".join(row))
    os._exit(0)
