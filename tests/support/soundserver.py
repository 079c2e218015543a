"""A real PulseAudio server with a null sink for the playback tests, and a recorder of its monitor.

ALSA's default device is pointed at it through a private ~/.asoundrc (HOME of the child), so
`voice-coach play` goes through ALSA -> the pulse plugin -> the server, as on a desktop.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

RATE = 22050
SINK = "vc_test_sink"
MIC_SINK = "vc_mic"
"""A virtual microphone: what is played into this sink is what the default source hears."""
MIC_RATE = 16000


@dataclass
class SoundServer:
    folder: Path
    process: subprocess.Popen[bytes]

    @property
    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "PULSE_SERVER": f"unix:{self.folder / 'native'}",
            "HOME": str(self.folder / "home"),
            "PULSE_RUNTIME_PATH": str(self.folder),
        }

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()


def start_server(folder: Path) -> SoundServer:
    binary = shutil.which("pulseaudio")
    assert binary, "pulseaudio is not installed: run scripts/setup.sh --dev"
    home = folder / "home"
    home.mkdir(parents=True, exist_ok=True)
    (home / ".asoundrc").write_text("pcm.!default { type pulse }\nctl.!default { type pulse }\n")
    socket = folder / "native"
    env = {**os.environ, "HOME": str(home), "PULSE_RUNTIME_PATH": str(folder)}
    process = subprocess.Popen(
        [
            binary,
            "-n",
            "--daemonize=no",
            "--exit-idle-time=-1",
            "--disallow-exit",
            "--use-pid-file=no",
            # Audio over the socket, not shared memory: a client killed mid-stream can make
            # PulseAudio 16 abort on a memfd block (its issue 824), taking the tests down with it.
            "--disable-shm=yes",
            "--log-target=stderr",
            "--log-level=error",
            f"--load=module-null-sink sink_name={SINK} rate={RATE} channels=1",
            f"--load=module-null-sink sink_name={MIC_SINK} rate={MIC_RATE} channels=1",
            f"--load=module-native-protocol-unix socket={socket} auth-anonymous=1",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(folder / "pulseaudio.log").open("wb"),
    )
    server = SoundServer(folder, process)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        done = subprocess.run(["pactl", "info"], env=server.env, capture_output=True, check=False)
        if done.returncode == 0:
            for setting in (
                ["set-default-sink", SINK],
                ["set-default-source", f"{MIC_SINK}.monitor"],
            ):
                subprocess.run(["pactl", *setting], env=server.env, check=True)
            return server
        time.sleep(0.1)
    server.stop()
    raise AssertionError("PulseAudio did not start: " + (folder / "pulseaudio.log").read_text())


def speak_into_microphone(server: SoundServer, pcm: bytes) -> subprocess.Popen[bytes]:
    """Play 16 kHz mono s16le audio into the virtual microphone (returns at once)."""
    process = subprocess.Popen(
        [
            "pacat",
            "-d",
            MIC_SINK,
            f"--rate={MIC_RATE}",
            "--channels=1",
            "--format=s16le",
            "--latency-msec=30",
        ],
        stdin=subprocess.PIPE,
        env=server.env,
    )
    stdin = process.stdin
    assert stdin is not None

    def feed() -> None:  # the pipe takes the audio as fast as it plays: never wait for it here
        with contextlib.suppress(BrokenPipeError):
            stdin.write(pcm)
            stdin.close()

    threading.Thread(target=feed, daemon=True).start()
    return process


class Recorder:
    """Records the null sink's monitor to a file from before playback starts until stopped."""

    def __init__(self, server: SoundServer, path: Path) -> None:
        self.path = path
        self.process = subprocess.Popen(
            [
                "parec",
                "-d",
                f"{SINK}.monitor",
                f"--rate={RATE}",
                "--channels=1",
                "--format=s16le",
                "--raw",
                "--latency-msec=20",
            ],
            stdout=path.open("wb"),
            env=server.env,
        )
        deadline = time.monotonic() + 10
        while path.stat().st_size == 0:
            assert time.monotonic() < deadline, "parec recorded nothing"
            time.sleep(0.01)
        # When sample 0 was recorded: the file grows a fragment at a time, each a little after
        # its samples, so every reading gives a start no earlier than the true one; the least
        # of half a second's readings is the closest (within a millisecond or two).
        self.started_wall = float("inf")
        until = time.monotonic() + 0.5
        while time.monotonic() < until:
            size = path.stat().st_size
            self.started_wall = min(self.started_wall, time.monotonic() - size / 2 / RATE)
            time.sleep(0.001)

    def stop(self) -> np.ndarray:
        time.sleep(1.0)  # let the last buffered audio reach the file
        self.process.send_signal(2)
        self.process.wait(timeout=5)
        return np.frombuffer(self.path.read_bytes(), dtype="<i2").astype(np.float64)
