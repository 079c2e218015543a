#!/usr/bin/env python3
"""Spoken commands, measured: detection per command and voice, false actions per hour, the time
from the end of a command to the coach's answer, and the CPU used while listening.

Goals (issue 13): 95% of commands caught (200 utterances: 10 commands x 4 voices x 5 noises at
10 dB SNR), no false action from the session's own audio or from other speech, answered within
800 ms of the command's end, under 25% of one core while listening.

Run: .venv/bin/python scripts/listening_bench.py (needs the test packages: scripts/setup.sh --dev)
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from support.soundserver import MIC_RATE, RATE, Recorder, speak_into_microphone, start_server
from support.spoken_commands import (
    SNR_DB,
    VOICES,
    other_speech,
    room_noise,
    session_audio,
    speech_power,
    utterances,
)

from voice_coach.listening.commands import PHRASES
from voice_coach.listening.recogniser import Recogniser
from voice_coach.playback.ownvoice import OwnVoice
from voice_coach.session.options import SessionOptions
from voice_coach.session.prepare import prepare

SCRIPT = str(Path(sys.executable).with_name("voice-coach"))
LOUD = 300


def voice_name(name: str, rate: int) -> str:
    return f"{name}@{rate or 'natural'}"


def detection() -> tuple[str, float]:
    """The table of commands caught per command and voice, and the rate over all."""
    caught: dict[tuple[str, str], int] = defaultdict(int)
    total: dict[tuple[str, str], int] = defaultdict(int)
    wrong = 0
    recogniser = Recogniser()
    for utterance in utterances(repeats=5):
        key = (utterance.phrase, utterance.voice)
        total[key] += 1
        for heard in recogniser.feed(utterance.pcm):
            if heard.action is None:
                continue
            if heard.phrase == f"coach {utterance.phrase}":
                caught[key] += 1
            else:
                wrong += 1
    voices = [voice_name(n, r) for n, r in VOICES]
    lines = ["| command | " + " | ".join(voices) + " | all |", "| --- |" + " ---: |" * 5]
    for phrase in PHRASES:
        cells = [f"{caught[(phrase, v)]}/{total[(phrase, v)]}" for v in voices]
        row = sum(caught[(phrase, v)] for v in voices)
        lines.append(f"| coach, {phrase} | " + " | ".join(cells) + f" | {row}/20 |")
    per_voice = [sum(caught[(p, v)] for p in PHRASES) for v in voices]
    all_caught, all_said = sum(caught.values()), sum(total.values())
    lines.append(
        "| **all** | "
        + " | ".join(
            f"{c}/{sum(total[(p, v)] for p in PHRASES)}"
            for c, v in zip(per_voice, voices, strict=True)
        )
        + f" | **{all_caught}/{all_said}** |"
    )
    lines.append(f"\nTaken for another command: {wrong} of {all_said}.")
    return "\n".join(lines), all_caught / all_said


def false_actions() -> list[tuple[str, str, str]]:
    """Actions per hour of audio that holds no command."""
    rows = []
    for steady in (False, True):
        rows.append(other_speech_row(steady))
    timeline = prepare(["not-sure"], SessionOptions(), disclaimer=True).session().timeline
    pcm = session_audio("not-sure")
    hours = len(pcm) / 2 / MIC_RATE / 3600
    heard = [h for h in Recogniser().feed(pcm) if h.action]
    voice = OwnVoice.of_plan(timeline)
    obeyed = [h for h in heard if not voice.during(h.onset / MIC_RATE, h.end / MIC_RATE)]
    rows.append(
        (
            f"the whole not-sure session through a speaker ({hours * 60:.0f} min)",
            f"{len(obeyed)} ({len(obeyed) / hours:.1f} per hour)",
            f"{len(heard)} heard, all while the coach spoke: ignored (an echo canceller "
            "would have to remove them)",
        )
    )
    return rows


def other_speech_row(steady: bool) -> tuple[str, str, str]:
    speech = other_speech(steady=steady)
    started = time.process_time()
    heard = [h for h in Recogniser().feed(speech) if h.action]
    cpu = time.process_time() - started
    hours = len(speech) / 2 / MIC_RATE / 3600
    kind = "Piper without its random variation (as the test)" if steady else "Piper"
    return (
        f"other speech: the guide by {kind} and espeak-ng ({hours * 60:.0f} min)",
        f"{len(heard)} ({len(heard) / hours:.1f} per hour)",
        f"recognising took {cpu / (hours * 3600):.1%} of a core",
    )


def first_loud(path: Path, after: int, deadline_s: float = 10) -> int | None:
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        audio = np.frombuffer(path.read_bytes(), dtype="<i2")[after:]
        loud = np.nonzero(np.abs(audio.astype(np.int32)) > LOUD)[0]
        if len(loud):
            return after + int(loud[0])
        time.sleep(0.02)
    return None


def quiet_again(path: Path, after: int, deadline_s: float = 15) -> None:
    """Wait until the recording, after `after`, has been silent for a whole second."""
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        audio = np.frombuffer(path.read_bytes(), dtype="<i2")
        tail = audio[max(after, len(audio) - RATE) :]
        if len(audio) - after > RATE and not np.any(np.abs(tail.astype(np.int32)) > LOUD):
            return
        time.sleep(0.05)


def reactions(count: int = 8) -> tuple[list[float], int]:
    """`play --listen` on a null sink: "coach, pause" in a hold, then "coach, how long" again
    and again while paused, by each voice in turn; each time, from the end of the words to the
    answer's first sound. Returns the times and how many commands went unanswered."""
    with tempfile.TemporaryDirectory(prefix="voice-coach-listen-") as folder:
        work = Path(folder)
        server = start_server(work / "pulse")
        home = work / "home"
        home.mkdir()
        (home / "disclaimer-heard").touch()
        env = {**server.env, "VOICE_COACH_HOME": str(home)}
        target = ["side-stretch", "--side", "left", "--hold", "20", "--cache-dir", str(work / "c")]
        plan = json.loads(subprocess.check_output([SCRIPT, "plan", *target, "--json"], env=env))
        quiet = next(
            e for e in plan["events"] if e["role"] == "hold" and e["end_s"] - e["start_s"] > 5
        )
        pauses = list(utterances(phrases=("pause",), repeats=1))
        questions = list(utterances(phrases=("how long",), repeats=1))
        power = min(speech_power(u.clean) for u in pauses + questions) / 10 ** (SNR_DB / 10)
        noise = speak_into_microphone(server, room_noise(300, power, seed=3))
        recording = work / "recording.raw"
        recorder = Recorder(server, recording)
        play = subprocess.Popen(
            [SCRIPT, "play", *target, "--pain-before", "3", "--listen"],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        times: list[float] = []
        missed = 0
        try:
            begin = first_loud(recording, 0, 60)
            assert begin is not None
            zero = recorder.started_wall + begin / RATE
            end_at = zero + quiet["start_s"] + 2.0
            paused = False
            for attempt in range(count + len(pauses)):
                # "coach, pause" by each voice until one is heard, then "coach, how long" by
                # each voice in turn
                if not paused and attempt >= len(pauses):
                    break
                utterance = pauses[attempt] if not paused else questions[attempt % len(questions)]
                time.sleep(max(0.0, end_at - utterance.end / MIC_RATE - time.monotonic()))
                started = time.monotonic()
                speak_into_microphone(server, utterance.clean)
                ended = started + utterance.end / MIC_RATE
                after = int((ended - 0.3 - recorder.started_wall) * RATE)
                answer = first_loud(recording, after, 4)
                if answer is None:
                    missed += 1
                else:
                    paused = True
                    times.append(recorder.started_wall + answer / RATE - ended)
                quiet_again(recording, after)
                end_at = time.monotonic() + 2.5  # into silence, after the answer
        finally:
            play.kill()
            noise.kill()
            recorder.stop()
            server.stop()
        return times, missed


def listening_cpu(seconds: int = 30) -> float:
    """The share of one core `listen-test` uses, start-up included, with a room's noise and a
    command every few seconds."""
    with tempfile.TemporaryDirectory(prefix="voice-coach-cpu-") as folder:
        server = start_server(Path(folder))
        env = {**server.env, "VOICE_COACH_HOME": folder}
        command = next(utterances(phrases=("pause",), repeats=1))
        power = speech_power(command.clean) / 10 ** (SNR_DB / 10)
        noise = speak_into_microphone(server, room_noise(seconds + 10, power, seed=5))
        pause = bytes(3 * MIC_RATE * 2)
        speak_into_microphone(server, (command.clean + pause) * (seconds // 5))
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(
            [SCRIPT, "listen-test", "--seconds", str(seconds)],
            env=env,
            stdout=subprocess.DEVNULL,
            check=True,
        )
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        noise.kill()
        server.stop()
    used = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return used / seconds


def table() -> str:
    out = ["Detection (10 dB pink noise; each cell: caught of said):\n"]
    text, rate = detection()
    out += [text, f"\nCaught: {rate:.0%} (goal 95%).\n"]
    out += ["| audio without a command | false actions | notes |", "| --- | --- | --- |"]
    out += [f"| {a} | {b} | {c} |" for a, b, c in false_actions()]
    times, missed = reactions()
    cpu = listening_cpu()
    out += [
        "",
        "| live, through the sound server | measured | goal |",
        "| --- | --- | --- |",
        f"| command's end -> the coach answers (median, worst of {len(times)}) | "
        f"{1000 * float(np.median(times)):.0f} ms, {1000 * max(times):.0f} ms"
        f"{f' ({missed} not heard)' if missed else ''} | < 800 ms |",
        f"| CPU while listening (`listen-test`, 30 s, start-up included) | {cpu:.1%} of a core"
        f" | < 25% |",
    ]
    return "\n".join(out)


if __name__ == "__main__":
    print(f"{os.cpu_count()} cores\n")
    print(table())
