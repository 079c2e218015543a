"""What `doctor` checks: each part voice-coach needs from the machine, and how to get it."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from voice_coach.errors import UserError
from voice_coach.tts import DEFAULT_ENGINE, make_engine


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def engine_check() -> list[Check]:
    engine = make_engine(DEFAULT_ENGINE)
    try:
        problem = engine.problem()
        listed = [] if problem else engine.voices()
    except UserError as exc:
        problem, listed = str(exc), []
    if problem:
        return [Check("speech engine", False, problem)]
    english = [v for v in listed if (v.language or "").startswith("en")]
    return [
        Check(
            "speech engine",
            True,
            f"{engine.name} with espeak-ng, voice {engine.voice} at {engine.rate} words per minute",
        ),
        Check(
            "voices",
            bool(listed),
            f"{len(listed)} voices, {len(english)} English (see `voice-coach voices`)",
        ),
    ]


def ffmpeg_check() -> Check:
    path = shutil.which("ffmpeg")
    if path is None:
        return Check(
            "ffmpeg", False, "not found: MP3 export needs it (sudo apt-get install ffmpeg)"
        )
    done = subprocess.run([path, "-version"], capture_output=True, text=True, check=False)
    first = done.stdout.splitlines()[0] if done.stdout else "unknown version"
    return Check("ffmpeg", done.returncode == 0, first)


def sound_check() -> Check:
    """A sound card ALSA knows, or a PulseAudio/PipeWire server that ALSA can reach."""
    cards = Path("/proc/asound/cards")
    text = cards.read_text() if cards.exists() else ""
    if text.strip() and "no soundcards" not in text:
        return Check("sound device", True, "ALSA sound card found")
    pactl = shutil.which("pactl")
    if pactl:
        done = subprocess.run([pactl, "info"], capture_output=True, text=True, check=False)
        if done.returncode == 0:
            return Check("sound device", True, "sound server (PulseAudio) reachable")
    return Check(
        "sound device",
        False,
        "no audio output device found; use `voice-coach export` to make an MP3 instead",
    )


def run_all() -> list[Check]:
    return [*engine_check(), ffmpeg_check(), sound_check()]
