#!/usr/bin/env python3
"""Training material for the keyword classifier (`voice_coach/listening/kws.py`), made from the
TUNING voices only (`many_voices.TUNING`, `OTHER_TUNING`, `ACCENT_TUNING`, people of other
languages saying the commands with their accent, and `WIDE_TUNING`, many more espeak-ng people):
their ten commands, augmented (sox pitch, tempo, speed, reverb, level; the rooms' own noise
generators at 3-20 dB with seeds the bench never uses; where the command sits in the window),
phrases that are not commands in the same voices (the wake word alone, a command word alone, the
wake word and other words), and the tuning half of the guide read aloud (the "none" class; a
sixth of its texts kept apart to choose the threshold on), and the session's own cues (its
counting above all, which a person may count along with) in the same voices, as "none".

Writes audio_cache/kws/data.npz (features, not sound). Run with the project's venv:
  PYTHONPATH=.:tests .venv/bin/python scripts/kws_data.py
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from support import many_voices as mv
from support.spoken_commands import speech_power

from voice_coach.listening.commands import PHRASES
from voice_coach.listening.kws import CLASSES, HOP, log_mel
from voice_coach.session.options import SessionOptions
from voice_coach.session.prepare import prepare

OUT = mv.CACHE.parent / "kws"
RATE = 16000
SEED0 = 500_000
"""Noise seeds from here on: the bench's own are below 10 000."""

NOT_COMMANDS = (
    "Coach.",
    "Coach, hello.",
    "Coach, thank you.",
    "Coach, okay.",
    "Coach, what time is it?",
    "Coach, good morning.",
    "Coach, that hurts.",
    "Coach, I am tired.",
    "Coach, listen.",
    "Coach, one more.",
    "Coach, louder.",
    "Coach, is it over?",
    "Go back to the start.",
    "I need to stop now.",
    "Wait a moment.",
    "How long is this?",
    "Skip it.",
    "Next one, please.",
    "Go on then.",
    "Pause the music.",
    *(f"{p.capitalize()}." for p in PHRASES),
)


VOICES = (*mv.TUNING, *mv.OTHER_TUNING, *mv.ACCENT_TUNING)
WIDE = mv.WIDE_TUNING
"""More people, each heard less often (a third of the commands' copies, the counting and the
short cues only): the classifier meets many voices rather than a few well."""
COUNTING = (
    "One. Two. Three. Four. Five.",
    "Six, seven, eight, nine, ten.",
    "Eleven, twelve, thirteen, fourteen, fifteen.",
    "Sixteen. Seventeen. Eighteen. Nineteen. Twenty.",
    "One, left. Two, right. Three, left.",
    "Four, right. Five, left. Six, right.",
)
"""A person counting along with the coach."""


def session_cues() -> list[str]:
    """Every text the sessions speak (each playlist, either painful side), without any that
    name the wake word: the counting first, then the rest."""
    texts: set[str] = set()
    for cause in (
        "disc-bulge",
        "foraminal-stenosis",
        "nerve-root-compression",
        "piriformis-syndrome",
        "irritated-sciatic-nerve",
        "not-sure",
    ):
        for side in ("left", "right"):
            options = SessionOptions(side=side)  # type: ignore[arg-type]
            timeline = prepare([cause], options, disclaimer=True).session().timeline
            texts |= {e.text for e in timeline.events if e.text and "coach" not in e.text.lower()}
    short = sorted(t for t in texts if len(t) < 16)
    return short + sorted(texts - set(short))


def sox(pcm: bytes, effects: list[str]) -> bytes:
    raw = ["-t", "raw", "-r", str(RATE), "-e", "signed", "-b", "16", "-c", "1"]
    done = subprocess.run(
        ["nice", "-n", "19", "sox", *raw, "-", *raw, "-", *" ".join(effects).split()],
        input=pcm,
        capture_output=True,
        check=True,
    )
    return done.stdout


def augmented(pcm: bytes, rng: np.random.Generator) -> bytes:
    effects = []
    if rng.random() < 0.7:
        effects.append(f"pitch {rng.uniform(-400, 400):.0f}")
    if rng.random() < 0.6:
        effects.append(f"tempo {rng.uniform(0.8, 1.2):.3f}")
    if rng.random() < 0.3:
        effects.append(f"speed {rng.uniform(0.9, 1.1):.3f}")
    if rng.random() < 0.35:
        effects.append(f"reverb {rng.uniform(10, 60):.0f} 50 {rng.uniform(20, 80):.0f} 100 10")
    effects.append(f"vol {rng.uniform(-14, 0):.1f}dB")
    return sox(pcm, effects)


def extent(x: np.ndarray) -> tuple[int, int]:
    """First and last sample of the words (10 ms frames within 35 dB of the loudest)."""
    f = x[: len(x) // HOP * HOP].reshape(-1, HOP)
    e = 10 * np.log10(np.mean(f**2, axis=1) + 1)
    loud = np.nonzero(e > e.max() - 35)[0]
    return int(loud[0]) * HOP, (int(loud[-1]) + 1) * HOP


def mixed(x: np.ndarray, kind: str, seed: int, snr_db: float) -> np.ndarray:
    pcm = np.clip(x, -32768, 32767).astype("<i2").tobytes()
    noise = mv.room(kind, len(x), seed) * np.sqrt(speech_power(pcm) / 10 ** (snr_db / 10))
    return np.clip(x + noise, -32768, 32767)


def placed(
    pcm: bytes, rng: np.random.Generator, kind: str, seed: int
) -> tuple[np.ndarray, int, int]:
    """The words somewhere in 3-4 s of the room (0.3-1.5 s before them); features, and the
    frames where the words begin and end."""
    x = np.frombuffer(pcm, dtype="<i2").astype(np.float64)
    start, end = extent(x)
    x = x[max(0, start - 800) : end + 800]
    before = int(rng.uniform(0.3, 1.5) * RATE)
    total = max(int(rng.uniform(3.0, 4.0) * RATE), before + len(x) + RATE // 2)
    out = np.zeros(total)
    out[before : before + len(x)] = x
    out = mixed(out, kind, seed, float(rng.uniform(3, 20)))
    feats = log_mel((out / 32768).astype(np.float32))
    on = (before + min(800, start)) // HOP
    off = (before + min(800, start) + (end - start)) // HOP
    return feats.astype(np.float16), on, off


def speech_pieces() -> list[tuple[mv.Voice, str, int]]:
    """The tuning half of the guide as `other_speech` reads it (15 minutes): voice, text, and
    the text's index."""
    texts = mv.guide_texts()[0::2]
    out, length, index = [], 0, 0
    while length < 15 * 60 * RATE * 2:
        voice = VOICES[index % len(VOICES)]
        text = texts[index % len(texts)]
        length += len(mv.spoken(voice, text)) + RATE
        out.append((voice, text, index % len(texts)))
        index += 1
    return out


def stream(pieces: list[bytes], rng: np.random.Generator, snr: tuple[float, float]) -> np.ndarray:
    """The pieces one after another, half a second apart, a minute at a time in a room."""
    raw = b"".join(p + bytes(RATE) for p in pieces)
    x = np.frombuffer(raw, dtype="<i2").astype(np.float64)
    out = []
    for at in range(0, len(x), 60 * RATE):
        chunk = x[at : at + 60 * RATE]
        kind = mv.NOISES[int(rng.integers(4))]
        out.append(
            mixed(chunk, kind, SEED0 + 90_000 + int(rng.integers(80_000)), float(rng.uniform(*snr)))
        )
    return log_mel((np.concatenate(out) / 32768).astype(np.float32)).astype(np.float16)


def main() -> None:
    rng = np.random.default_rng(2411)
    OUT.mkdir(parents=True, exist_ok=True)
    clips, labels, ons, offs = [], [], [], []
    seed = SEED0
    # the commands: each tuning voice's recording, 40 times (raw 4 of them), in rooms
    for voice, copies in [*((v, 40) for v in VOICES), *((v, 12) for v in WIDE)]:
        for phrase in PHRASES:
            pcm = mv.spoken(voice, f"Coach, {phrase}.")
            for k in range(copies):
                seed += 1
                said = pcm if k < copies // 10 else augmented(pcm, rng)
                f, on, off = placed(said, rng, mv.NOISES[k % 4], seed)
                clips.append(f)
                labels.append(CLASSES.index(phrase))
                ons.append(on)
                offs.append(off)
        print("commands", voice.name, len(clips), flush=True)
    # not commands, in the same voices
    for voice, copies in [*((v, 4) for v in VOICES), *((v, 2) for v in WIDE)]:
        for text in NOT_COMMANDS:
            pcm = mv.spoken(voice, text)
            for k in range(copies):
                seed += 1
                said = pcm if k == 0 else augmented(pcm, rng)
                f, on, off = placed(said, rng, mv.NOISES[k % 4], seed)
                clips.append(f)
                labels.append(len(CLASSES) - 1)
                ons.append(on)
                offs.append(off)
        print("not commands", voice.name, len(clips), flush=True)
    pieces = speech_pieces()
    train = [mv.spoken(v, t) for v, t, i in pieces if i % 6 != 0]
    kept = [mv.spoken(v, t) for v, t, i in pieces if i % 6 == 0]
    speech = [stream(train, rng, (3, 20)) for _ in range(3)]
    print("speech", [len(s) for s in speech], flush=True)
    # the session's cues and counting along: every voice counts and says a quarter of the rest
    texts = session_cues()
    short = [t for t in texts if len(t) < 16]
    rest = [t for t in texts if len(t) >= 16]
    said = []
    for n, voice in enumerate(VOICES):
        mine = [*short, *COUNTING, *rest[n % 4 :: 4]]
        said += [mv.spoken(voice, t) for t in mine]
        print("cues", voice.name, len(mine), flush=True)
    for voice in WIDE:
        said += [mv.spoken(voice, t) for t in [*short, *COUNTING]]
    cues = [stream([said[i] for i in rng.permutation(len(said))], rng, (3, 20)) for _ in range(2)]
    # room noise alone, 2 minutes each
    noise = []
    for n, kind in enumerate(mv.NOISES):
        x = mv.room(kind, 120 * RATE, SEED0 + 200_000 + n) * 1000 * rng.uniform(0.2, 3)
        noise.append(log_mel((x / 32768).astype(np.float32)).astype(np.float16))
    # the kept texts, for the threshold: in each room at 10 dB
    raw = b"".join(p + bytes(RATE) for p in kept)
    x = np.frombuffer(raw, dtype="<i2").astype(np.float64)
    lengths = np.array([len(c) for c in clips])
    np.savez(
        OUT / "data.npz",
        clips=np.concatenate(clips),
        lengths=lengths,
        labels=np.array(labels),
        ons=np.array(ons),
        offs=np.array(offs),
        speech=np.concatenate(speech),
        speech_lengths=np.array([len(s) for s in speech]),
        cues=np.concatenate(cues),
        noise=np.concatenate(noise),
        val_speech_pcm=np.frombuffer(raw, dtype="<i2"),
    )
    print("kept for the threshold:", len(kept), "pieces,", len(x) / RATE / 60, "minutes")


if __name__ == "__main__":
    main()
