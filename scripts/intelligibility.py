#!/usr/bin/env python3
"""How well each voice is understood: the word error rate of an offline recognizer on its cues.

The coach's cues for a few exercises are synthesised exactly as a session would say them (the
same text rewriting, trimming and levelling), resampled to 16 kHz, and transcribed by
PocketSphinx's stock US English model. The reference is the written cue with numbers in words
(what a listener should hear), not the respelled form the engine was given. A recognizer is a
harsh listener, so the numbers are for comparing voices, not a measure of human understanding.

Each voice runs in its own process (espeak-ng takes one voice per process).
Run: .venv/bin/python scripts/intelligibility.py [ENGINE:VOICE ...]
"""

from __future__ import annotations

import audioop
import json
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

EXERCISES = ("knees-to-chest", "pelvic-tilts", "seated-piriformis-stretch", "sciatic-nerve-floss")
DEFAULT_VOICES = (
    "piper:en_US-joe-medium",
    "pyttsx3:gmw/en-us",
    "pyttsx3:gmw/en",
    "pyttsx3:gmw/en-gb-x-rp",
    "pyttsx3:gmw/en-us-nyc",
    "pyttsx3:gmw/en-gb-scotland",
    "pyttsx3:gmw/en-029",
)
SILENCE = bytes(2 * 16000 // 2)
"""Half a second at 16 kHz around each cue: the recognizer adapts to the level at the start."""
ESPEAK_DEFAULT = "gmw/en"
"""The voice espeak-ng speaks with when none is chosen (British English)."""


def cue_texts() -> list[str]:
    """Every distinct sentence of the chosen exercises' plan, in order (counts left out)."""
    from voice_coach.content.loader import load_library
    from voice_coach.model import Settings
    from voice_coach.plan.timeline import build_timeline
    from voice_coach.session.estimate import estimated_length

    library = load_library()
    timeline = build_timeline(
        library, list(EXERCISES), None, Settings(side="left"), estimated_length(22050, 160), 22050
    )
    seen: list[str] = []
    for event in timeline.events:
        if event.text and len(event.text.split()) >= 3 and event.text not in seen:
            seen.append(event.text)
    return seen


def words(text: str) -> list[str]:
    return re.sub(r"[^a-z' ]+", " ", text.lower().replace("-", " ")).split()


def edit_distance(reference: list[str], heard: list[str]) -> int:
    """Word-level Levenshtein distance: substitutions, deletions and insertions."""
    row = list(range(len(heard) + 1))
    for i, ref_word in enumerate(reference, 1):
        previous, row[0] = row[0], i
        for j, heard_word in enumerate(heard, 1):
            previous, row[j] = (
                row[j],
                min(row[j] + 1, row[j - 1] + 1, previous + (ref_word != heard_word)),
            )
    return row[-1]


def transcribe_voice(engine_name: str, voice: str) -> dict[str, object]:
    """In this process: say every cue with one voice and transcribe it."""
    from pocketsphinx import Decoder

    from voice_coach.content.loader import load_library
    from voice_coach.speech.cues import CueSource
    from voice_coach.speech.selection import make_engine
    from voice_coach.speech.text import speech_text

    engine = make_engine(engine_name, voice)
    cues = CueSource(engine, None, speech_text(load_library().pronunciations))
    written = speech_text()  # numbers in words, nothing respelled: what a listener should hear
    decoder = Decoder(samprate=16000, loglevel="FATAL")
    errors = total = 0
    worst: tuple[int, str, str] = (0, "", "")
    for text in cue_texts():
        pcm16, _ = audioop.ratecv(cues.pcm(text), 2, 1, engine.sample_rate, 16000, None)
        pcm16 = SILENCE + pcm16 + SILENCE  # as heard in a session: cues stand in silence
        decoder.start_utt()
        decoder.process_raw(pcm16, full_utt=True)
        decoder.end_utt()
        hypothesis = decoder.hyp()
        heard = hypothesis.hypstr if hypothesis else ""
        reference = words(written(text))
        wrong = edit_distance(reference, words(heard))
        errors += wrong
        total += len(reference)
        worst = max(worst, (wrong, " ".join(reference), heard))
    return {"engine": engine_name, "voice": voice, "errors": errors, "words": total, "worst": worst}


def measure(spec: str) -> dict[str, object]:
    engine_name, voice = spec.split(":", 1)
    done = subprocess.run(
        [sys.executable, __file__, "--one", engine_name, voice],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"{spec} failed:\n{done.stderr}")
    result: dict[str, object] = json.loads(done.stdout)
    return result


def table(voices: list[str]) -> str:
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(measure, voices))
    lines = [
        f"Word error rate of PocketSphinx (en-us) on {results[0]['words']} words of cues "
        f"from {', '.join(EXERCISES)}\n",
        "| engine | voice | word error rate | note |",
        "| --- | --- | ---: | --- |",
    ]
    for r in sorted(results, key=lambda r: int(str(r["errors"]))):
        note = []
        if r["engine"] == "piper" and r["voice"] == "en_US-joe-medium":
            note.append("the coach's default (auto, Piper installed)")
        if r["engine"] == "pyttsx3" and r["voice"] == "gmw/en-us":
            note.append("the coach's espeak-ng voice (fallback)")
        if r["engine"] == "pyttsx3" and r["voice"] == ESPEAK_DEFAULT:
            note.append("espeak-ng's own default")
        rate = int(str(r["errors"])) / int(str(r["words"]))
        lines.append(f"| {r['engine']} | {r['voice']} | {rate:.0%} | {'; '.join(note)} |")
    return "\n".join(lines)


def main() -> None:
    if sys.argv[1:2] == ["--one"]:
        print(json.dumps(transcribe_voice(sys.argv[2], sys.argv[3])))
        return
    print(table(sys.argv[1:] or list(DEFAULT_VOICES)))


if __name__ == "__main__":
    main()
