"""pyttsx3 driving espeak-ng: always available on Linux once `espeak-ng` is installed.

Known trap: pyttsx3's espeak driver keeps only the *last* `save_to_file` queued before
`runAndWait`, so each cue is synthesised with its own `runAndWait`.
"""

from __future__ import annotations

import contextlib
import io
import tempfile
import threading
import time
import wave
from pathlib import Path
from typing import Any

from voice_coach.errors import EngineError
from voice_coach.speech.base import VoiceInfo

INSTALL_HINT = "install it with: sudo apt-get install espeak-ng"
DEFAULT_VOICE = "gmw/en-us"
"""espeak's US English voice: markedly clearer than its default British one."""
_APPLIED: tuple[str, int] | None = None
"""The (voice, rate) this process's espeak speaks with; see `_driver`."""
DEFAULT_RATE = 160
"""Words per minute: a little slower than espeak's 175-200, for someone mid-exercise."""


SYNTH_TIMEOUT_S = 60.0
_ONE_AT_A_TIME = threading.Lock()
"""espeak is one instance per process: two threads synthesising at once would mix their cues."""


def _never_cancel(driver: Any) -> None:
    """Take away the driver's `stop`, which pyttsx3 calls at the start of every `runAndWait`.

    That `stop` asks espeak whether it is still busy; just after a cue, espeak's own thread can
    still be finishing it, so `stop` flags a cancel, and the driver's loop then cancels the *next*
    cue the moment it starts. That cue comes out empty or cut short (seen in CI while playback
    kept the other threads busy). We only ever write cues to files and never interrupt one, so
    the stop is not needed at all.
    """
    driver.stop = lambda: None


def _wait_until_written(engine: Any, path: Path) -> None:
    """pyttsx3's espeak loop can return before espeak has finished a long text (its end-of-loop
    command runs as soon as the loop starts), and the file is written later from espeak's own
    thread. Wait for the driver to say it is done, so each cue is whole before the next starts.
    """
    driver = engine.proxy._driver
    deadline = time.monotonic() + SYNTH_TIMEOUT_S
    while getattr(driver, "_speaking", False) and time.monotonic() < deadline:
        time.sleep(0.002)


class Pyttsx3Engine:
    name = "pyttsx3"
    sample_rate = 22050  # espeak-ng's native rate, which the driver writes as-is

    def __init__(
        self, voice: str | None = None, rate: int | None = None, *, voice_from: str = "--voice"
    ) -> None:
        self.voice = voice or DEFAULT_VOICE
        self.rate = rate or DEFAULT_RATE
        self.voice_from = voice_from
        """Where the voice was given: an unknown one names it (see PiperEngine)."""
        self._engine: Any = None

    def problem(self) -> str | None:
        try:
            self._driver()
        except EngineError as exc:
            return str(exc)
        return None

    def _driver(self) -> Any:
        if self._engine is not None:
            return self._engine
        try:
            import pyttsx3
        except ImportError:
            raise EngineError(
                "the pyttsx3 package is not installed", hint="run the README's set-up command"
            ) from None
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                engine = pyttsx3.init("espeak")
        except (OSError, RuntimeError) as exc:
            raise EngineError(f"espeak-ng could not be loaded ({exc})", hint=INSTALL_HINT) from None
        known = {v.id for v in self._voices(engine)}
        if self.voice not in known:
            from voice_coach.names import did_you_mean

            raise EngineError(
                f"unknown voice '{self.voice}' for engine pyttsx3",
                where=self.voice_from,
                hint=did_you_mean(self.voice, known) or "list them with `voice-coach voices`",
            )
        global _APPLIED
        wanted = (self.voice, self.rate)
        if _APPLIED is None:
            # pyttsx3 hands every caller the same espeak instance, and espeak applies voice and
            # rate changes asynchronously: switching them between cues gave cues at the wrong
            # rate here. So they are set once per process, straight on the driver (the engine's
            # own setProperty is queued and can be dropped), and never switched afterwards.
            engine.proxy._driver.setProperty("voice", self.voice)
            engine.proxy._driver.setProperty("rate", self.rate)
            _APPLIED = wanted
        elif wanted != _APPLIED:
            raise EngineError(
                f"pyttsx3 is already speaking with voice {_APPLIED[0]} at {_APPLIED[1]} wpm "
                "in this process and cannot switch voice or rate",
                hint="use one voice and rate per run",
            )
        _never_cancel(engine.proxy._driver)
        self._engine = engine
        return engine

    def synthesize(self, text: str) -> bytes:
        engine = self._driver()
        with _ONE_AT_A_TIME, tempfile.TemporaryDirectory(prefix="voice-coach-") as folder:
            path = Path(folder) / "cue.wav"
            # The driver prints "Audio saved to ..." on stdout; keep the CLI's stdout clean.
            with contextlib.redirect_stdout(io.StringIO()):
                engine.save_to_file(text, str(path))
                engine.runAndWait()
                _wait_until_written(engine, path)
            if not path.exists():
                raise EngineError(f"espeak-ng wrote no audio for {text!r}", hint=INSTALL_HINT)
            with wave.open(str(path), "rb") as wav:
                if wav.getnchannels() != 1 or wav.getsampwidth() != 2:
                    raise EngineError("espeak-ng returned an unexpected audio format")
                if wav.getframerate() != self.sample_rate:
                    raise EngineError(f"espeak-ng returned {wav.getframerate()} Hz audio")
                pcm = wav.readframes(wav.getnframes())
        if not pcm:
            raise EngineError(f"espeak-ng produced no sound for {text!r}")
        return pcm

    def voices(self) -> list[VoiceInfo]:
        return self._voices(self._driver() if self._engine is None else self._engine)

    @staticmethod
    def _voices(engine: Any) -> list[VoiceInfo]:
        result = []
        for voice in engine.getProperty("voices"):
            languages = getattr(voice, "languages", None) or [None]
            result.append(VoiceInfo(voice.id, voice.name, languages[0]))
        return result
