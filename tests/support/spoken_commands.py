"""Recorded data for the voice commands: spoken commands to catch, and speech that must not act.

Commands are said by both engines (Piper's natural voice and espeak-ng) at two rates, with noise
mixed in at 10 dB SNR, each standing in a second of silence, as a person on a mat would be heard.
Speech that must not act: the coach's own cues (the whole `not-sure` session, as a speaker in the
room would feed it back) and ordinary speech without the wake word (the programme's guide read
aloud by both engines). Everything is 16 kHz mono s16le, the recogniser's rate. Used by
scripts/tune_listen.py, scripts/bench.py and the tests.
"""

from __future__ import annotations

import audioop
import io
import subprocess
import wave
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from voice_coach.listening.commands import PHRASES
from voice_coach.listening.microphone import RATE

VOICES = (("piper", 0), ("piper", 190), ("pyttsx3", 150), ("pyttsx3", 190))
"""Each engine at its natural pace and a brisk one (words per minute; 0: Piper's own)."""
SNR_DB = 10.0


@dataclass(frozen=True)
class Utterance:
    text: str
    phrase: str
    voice: str
    pcm: bytes
    end: int
    """The sample where the command's speech ends."""
    clean: bytes = b""
    """The same without the noise."""


def to_16k(pcm: bytes, rate: int) -> bytes:
    converted, _ = audioop.ratecv(pcm, 2, 1, rate, RATE, None)
    return bytes(converted)


def pink(length: int, seed: int) -> np.ndarray:
    """Pink noise (power falling 3 dB an octave, like a fan, traffic or a room), unit power."""
    white = np.random.default_rng(seed).normal(0, 1, length)
    spectrum = np.fft.rfft(white)
    spectrum[1:] /= np.sqrt(np.arange(1, len(spectrum)))
    spectrum[0] = 0
    noise = np.fft.irfft(spectrum, length)
    return np.asarray(noise / np.sqrt(np.mean(noise**2)))


def speech_power(pcm: bytes) -> float:
    """Mean power where it speaks (samples above the quiet)."""
    speech = np.frombuffer(pcm, dtype="<i2").astype(np.float64)
    loud = speech[np.abs(speech) > 300]
    return float(np.mean(loud**2)) if len(loud) else 1.0


def room_noise(seconds: float, power: float, seed: int) -> bytes:
    """Pink noise of the given power: the room a command is said in."""
    noise = pink(round(seconds * RATE), seed) * np.sqrt(power)
    return np.clip(noise, -32768, 32767).astype("<i2").tobytes()


def with_noise(pcm: bytes, snr_db: float, seed: int) -> bytes:
    """Pink noise at `snr_db` below the speech's power (measured where it speaks)."""
    speech = np.frombuffer(pcm, dtype="<i2").astype(np.float64)
    noise = pink(len(speech), seed) * np.sqrt(speech_power(pcm) / 10 ** (snr_db / 10))
    return np.clip(speech + noise, -32768, 32767).astype("<i2").tobytes()


class Espeak:
    """espeak-ng itself (the engine behind pyttsx3), run as a command: pyttsx3 keeps one voice
    and rate per process, and the data needs two rates."""

    def __init__(self, rate: int) -> None:
        self.rate = rate
        self.sample_rate = 22050

    def synthesize(self, text: str) -> bytes:
        done = subprocess.run(
            ["espeak-ng", "-v", "en-us", "-s", str(self.rate), "--stdout", text],
            capture_output=True,
            check=True,
        )
        with wave.open(io.BytesIO(done.stdout)) as wav:
            self.sample_rate = wav.getframerate()
            return wav.readframes(wav.getnframes())


class SteadyPiper:
    """Piper's natural voice without its random variation (noise scales 0): it says a text the
    same way every time, so a test hears the same thing every run."""

    def __init__(self, rate: int = 0) -> None:
        from voice_coach.speech.piper_engine import NATURAL_RATE
        from voice_coach.speech.selection import make_engine

        self.engine = make_engine("piper")
        self.scale = NATURAL_RATE / rate if rate else None
        self.sample_rate = 0

    def synthesize(self, text: str) -> bytes:
        from piper import SynthesisConfig

        steady = SynthesisConfig(length_scale=self.scale, noise_scale=0.0, noise_w_scale=0.0)
        chunks = list(self.engine._voice().synthesize(text, syn_config=steady))  # type: ignore[attr-defined]
        self.sample_rate = chunks[0].sample_rate
        return b"".join(chunk.audio_int16_bytes for chunk in chunks)


def engine(name: str, rate: int) -> object:
    if name == "pyttsx3":
        return Espeak(rate)
    if name == "steady-piper":
        return SteadyPiper(rate)
    from voice_coach.speech.selection import make_engine

    return make_engine(name, None, rate or None)


def utterances(
    wake: str = "coach",
    repeats: int = 5,
    phrases: tuple[str, ...] = tuple(PHRASES),
    first_seed: int = 0,
    *,
    steady: bool = False,
) -> Iterator[Utterance]:
    """Every command by every voice, `repeats` times with different noise: 10 x 4 x 5 = 200
    (`steady`: Piper without its random variation, the same every run)."""
    silence = bytes(RATE * 2)
    for name, rate in VOICES:
        speaker = engine("steady-piper" if steady and name == "piper" else name, rate)
        for phrase in phrases:
            text = f"{wake.capitalize()}, {phrase}."
            raw = to_16k(speaker.synthesize(text), speaker.sample_rate)  # type: ignore[attr-defined]
            clean = silence + raw + silence
            for seed in range(first_seed, first_seed + repeats):
                yield Utterance(
                    text,
                    phrase,
                    f"{name}@{rate or 'natural'}",
                    with_noise(clean, SNR_DB, seed),
                    len(silence + raw) // 2,
                    clean,
                )


def session_audio(target: str = "not-sure") -> bytes:
    """The whole session as the coach speaks it (its cues in their real order and pauses)."""
    from voice_coach.audio.render import render
    from voice_coach.session.options import SessionOptions
    from voice_coach.session.prepare import prepare

    session = prepare([target], SessionOptions(), disclaimer=True).session()
    pcm = b"".join(render(session.timeline, session.cues.pcm))
    return to_16k(pcm, session.timeline.sample_rate)


def other_speech(seconds: float | None = None, *, steady: bool = False) -> bytes:
    """The programme's guide and exercise pages read aloud by both engines: speech without the
    wake word, 22 minutes of it (or the first `seconds`); `steady`: the same every run."""
    from voice_coach.content.loader import load_library

    library = load_library()
    texts = [p for topic in library.guide.values() for p in [topic.title, *topic.paragraphs]]
    texts += [s for e in library.exercises.values() for s in [*e.setup, *e.steps]]
    out = bytearray()
    for name, rate in (("steady-piper" if steady else "piper", 0), ("pyttsx3", 160)):
        speaker = engine(name, rate)
        for text in texts:
            out += to_16k(speaker.synthesize(text), speaker.sample_rate)  # type: ignore[attr-defined]
            out += bytes(RATE // 2 * 2)
            if seconds is not None and len(out) >= seconds * RATE * 2:
                return bytes(out[: int(seconds * RATE) * 2])
    return bytes(out)
