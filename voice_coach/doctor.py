"""What `doctor` checks: each part voice-coach needs from the machine, and how to get it."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from voice_coach.errors import UserError
from voice_coach.journal import settings
from voice_coach.listening.echo import LOAD_HINT, echo_cancelled, mode
from voice_coach.listening.microphone import listen_level
from voice_coach.speech import piper_engine
from voice_coach.speech.selection import (
    Engine,
    make_engine,
    natural_voice_installed,
    select_engine,
)

ENGINE, MICROPHONE, COMMANDS = "speech engine", "microphone", "voice commands"
"""The names of the checks that read the settings (named once: `NEED_SETTINGS` lists them)."""


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    optional: bool = False
    """A failed optional check is advice (marked --), not a reason for doctor to fail."""


def _speaks(engine: Engine) -> str | None:
    """The engine's problem, or None once it has really said something."""
    try:
        problem = engine.problem()
        if problem is None and not engine.synthesize("Ready."):
            problem = f"{engine.name} produced no sound"
    except UserError as exc:
        problem = str(exc)
    return problem


def _described(engine: Engine) -> str:
    rate = f"at {engine.rate} words per minute" if engine.rate else "at its own pace"
    kind = "Piper neural voice" if engine.name == "piper" else "espeak-ng"
    return f"{engine.name} ({kind}), voice {engine.voice} {rate}"


def engine_check() -> list[Check]:
    """The engine sessions will use with the user's settings, why, and whether it speaks."""
    prefs = settings.preferences()
    try:
        choice = select_engine(
            prefs.engine,
            prefs.voice,
            prefs.rate,
            source="your settings (voice-coach config)",
            voice_from=settings.stored_at("voice"),
        )
    except UserError as exc:
        return [Check(ENGINE, False, str(exc))]
    engine = choice.engine
    problem = _speaks(engine)
    if problem:
        return [Check(ENGINE, False, f"{engine.name}: {problem}")]
    result = [Check(ENGINE, True, f"{_described(engine)}; {choice.why}")]
    if engine.name != "pyttsx3":
        fallback = make_engine("pyttsx3")
        trouble = _speaks(fallback)
        result.append(
            Check("fallback", trouble is None, trouble or f"{_described(fallback)} also works")
        )
    if not natural_voice_installed():
        result.append(
            Check("natural voice", False, f"not installed: {piper_engine.INSTALL_HINT}", True)
        )
    return result


def ffmpeg_check() -> Check:
    path = shutil.which("ffmpeg")
    if path is None:
        return Check("ffmpeg", False, "not found: MP3 export needs it: sudo apt-get install ffmpeg")
    done = subprocess.run([path, "-version"], capture_output=True, text=True, check=False)
    first = done.stdout.splitlines()[0] if done.stdout else "unknown version"
    return Check("ffmpeg", done.returncode == 0, first)


MICROPHONE_SECONDS = 0.5
NO_OUTPUT = (
    "no sound card and no sound server: on a desktop, start PulseAudio or PipeWire "
    "(sudo apt-get install pulseaudio, or pipewire-pulse); without one, `voice-coach export` "
    "makes an MP3 for another device"
)
PULSE_PLUGIN = "libasound_module_pcm_pulse.so"
PLUGIN_PATTERNS = (f"lib/*/alsa-lib/{PULSE_PLUGIN}", f"lib/alsa-lib/{PULSE_PLUGIN}")
PLUGIN_ROOTS = ("/usr",)


def _alsa_reaches_a_server() -> bool:
    """ALSA's pulse plugin (Debian: libasound2-plugins) is what carries sound to the server."""
    roots = [Path(root) for root in PLUGIN_ROOTS]
    return any(next(root.glob(pattern), None) for root in roots for pattern in PLUGIN_PATTERNS)


def sound_check() -> Check:
    """The player module, and a sound card ALSA knows or a sound server that ALSA can reach;
    each failure names the package that fixes it."""
    try:
        import alsaaudio  # noqa: F401
    except ImportError:
        return Check(
            "sound device",
            False,
            "the ALSA player (pyalsaaudio) is not installed: sudo apt-get install "
            "libasound2-dev gcc, then .venv/bin/pip install pyalsaaudio (scripts/setup.sh "
            "does both)",
        )
    cards = Path("/proc/asound/cards")
    text = cards.read_text() if cards.exists() else ""
    if text.strip() and "no soundcards" not in text:
        return Check("sound device", True, "ALSA sound card found")
    pactl = shutil.which("pactl")
    if pactl:
        done = subprocess.run([pactl, "info"], capture_output=True, text=True, check=False)
        if done.returncode == 0:
            if not _alsa_reaches_a_server():
                return Check(
                    "sound device",
                    False,
                    "a sound server runs, but ALSA has no way to it: "
                    "sudo apt-get install libasound2-plugins",
                )
            return Check("sound device", True, "sound server (PulseAudio) reachable")
    return Check("sound device", False, NO_OUTPUT)


def microphone_check() -> Check:
    """The microphone and its level: advice only, since only spoken commands need one."""
    name = MICROPHONE
    try:
        level = listen_level(settings.preferences().listen_device, seconds=MICROPHONE_SECONDS)
    except UserError as exc:
        return Check(name, False, f"{exc.message}; only spoken commands need one", optional=True)
    if level is None:
        detail = "it gives only silence (muted, or nothing connected); only spoken commands need it"
        return Check(name, False, detail, optional=True)
    return Check(name, True, f"level {level:.0f} dBFS over {MICROPHONE_SECONDS:g} s")


def listening_check() -> Check:
    """The recogniser and the mode spoken commands work in (advice only)."""
    name = COMMANDS
    from voice_coach.listening.classifier import WAKE_WORD, recogniser_for  # numpy: here
    from voice_coach.listening.recogniser import stored_wake_word

    preferences = settings.preferences()
    try:
        wake_word = stored_wake_word()
    except UserError as exc:  # the settings file, edited by hand: the user's to repair
        return Check(name, False, str(exc))
    try:
        recogniser_for(wake_word, preferences.listen_sensitivity)
    except UserError as exc:
        return Check(name, False, str(exc), optional=True)
    by = "the trained classifier" if wake_word == WAKE_WORD else "PocketSphinx's grammar"
    if wake_word == WAKE_WORD and preferences.listen_voice_fit:
        by += f", fitted to your voice ({preferences.listen_voice_fit})"
    detail = (
        f"wake word '{preferences.listen_wake_word}' ({by}); "
        f"listens {mode(preferences.listen_device)}"
    )
    if not echo_cancelled(preferences.listen_device):
        detail += f"; to be heard over it too: {LOAD_HINT}"
    return Check(name, True, detail)


NEED_SETTINGS = (ENGINE, MICROPHONE, COMMANDS)
"""The checks that read the settings file, for the engine, the voice and the microphone."""


def run_all() -> list[Check]:
    """Every check; with a settings file that cannot be read (edited by hand), that is the first
    failed check and the checks that need no settings still run."""
    try:
        settings.preferences()
    except UserError as exc:
        later = "not checked: it needs your settings (repair the file, then run doctor again)"
        skipped = [Check(name, False, later, optional=True) for name in NEED_SETTINGS]
        return [Check("settings", False, str(exc)), ffmpeg_check(), sound_check(), *skipped]
    checks = [*engine_check(), ffmpeg_check(), sound_check(), microphone_check()]
    return [*checks, listening_check()]
