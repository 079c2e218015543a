"""Whether the microphone hears the coach through PulseAudio's echo canceller.

With `module-echo-cancel` loaded and its source the default, what the speakers play is taken
out of what the microphone hears, so commands can be obeyed even while the coach speaks.
Without it the coach ignores the microphone while it speaks, which is safe everywhere.
"""

from __future__ import annotations

import shutil
import subprocess

LOAD_HINT = (
    "pactl load-module module-echo-cancel aec_method=webrtc && "
    "pactl set-default-source echo-cancel-source && pactl set-default-sink echo-cancel-sink"
)
"""Its source hears the microphone less what its sink plays: the coach must play through it."""


def _pactl(*args: str) -> str:
    pactl = shutil.which("pactl")
    if pactl is None:
        return ""
    try:
        done = subprocess.run(
            [pactl, *args], capture_output=True, text=True, timeout=3, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout if done.returncode == 0 else ""


def echo_cancelled(device: str = "default") -> bool:
    """True when `device` is the default source and that source is an echo canceller's."""
    if device != "default":
        return False
    default = _pactl("get-default-source").strip()
    for line in _pactl("list", "short", "sources").splitlines():
        fields = line.split("\t")
        if len(fields) >= 3 and fields[1] == default:
            return "echo-cancel" in fields[2]
    return False


def mode(device: str = "default") -> str:
    """The listening mode in one phrase, for `doctor` and `listen-test`."""
    if echo_cancelled(device):
        return "over the coach's voice (PulseAudio's echo canceller is the microphone)"
    return "between the coach's words (it ignores the microphone while it speaks)"
