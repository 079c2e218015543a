"""Export for real: espeak-ng through pyttsx3, ffmpeg for MP3, read back with ffmpeg/ffprobe."""

from __future__ import annotations

import array
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import time
import wave
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from mutagen.id3 import ID3
from support.media import chapters_match, decoded, probed

pytestmark = pytest.mark.engine

SCRIPT = str(Path(sys.executable).with_name("voice-coach"))
QUICK = ["lower-back-extension", "seated-piriformis-stretch", "--reps", "2", "--hold", "6"]


def run(
    *args: str, check: bool = True, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([SCRIPT, *args], capture_output=True, text=True, env=env)
    if check:
        assert done.returncode == 0, done.stderr
    return done


def plan(*args: str) -> dict[str, Any]:
    return json.loads(run("plan", *args, "--json").stdout)


def wav_samples(path: Path) -> array.array[int]:
    with wave.open(str(path), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth()) == (1, 2)
        out = array.array("h")
        out.frombytes(wav.readframes(wav.getnframes()))
        return out


def rms(samples: array.array[int]) -> float:
    return math.sqrt(sum(s * s for s in samples) / max(1, len(samples)))


def test_wav_is_the_plan_sample_for_sample(tmp_path: Path) -> None:
    cache = str(tmp_path / "cache")
    out = tmp_path / "quick.wav"
    run("export", *QUICK, "--cache-dir", cache, "-o", str(out))
    data = plan(*QUICK, "--cache-dir", cache)
    audio = wav_samples(out)
    assert len(audio) == data["duration_samples"]
    for event in data["events"]:
        window = audio[event["start_sample"] : event["end_sample"]]
        if event["kind"] == "silence":
            assert not any(window), event
        elif event["kind"] == "tone":
            assert rms(window) > 1500, event
        else:
            # Every cue is really spoken, at one consistent loudness (levelled to about -15 LUFS,
            # some -16 dBFS RMS: 5200 of 32768).
            assert 2600 < rms(window) < 10400, event
            assert max(abs(s) for s in window) > 8000, event


def test_mp3_has_tags_and_chapters_matching_the_plan(tmp_path: Path) -> None:
    cache = str(tmp_path / "cache")
    out = tmp_path / "disc.mp3"
    done = run(
        "export", "disc-bulge", "--reps", "2", "--hold", "5", "--cache-dir", cache, "-o", str(out)
    )
    assert "4 chapters" in done.stdout  # "Before you start", then the three exercises
    data = plan("disc-bulge", "--reps", "2", "--hold", "5", "--cache-dir", cache)
    assert len(decoded(out)) == data["duration_samples"]  # gapless: exact length after decoding
    probe = probed(out)
    chapters = probe["chapters"]  # in the file's own order, which is the time order
    chapters_match(chapters, data, within=0.001)
    tags = probe["format"]["tags"]
    assert tags["title"] == "Disc bulge" and tags["album"] == "Sciatica relief"
    assert tags["artist"] == "voice-coach" and "not medical advice" in tags["comment"]
    id3 = ID3(str(out))
    toc = id3.getall("CTOC")[0]
    assert len(toc.child_element_ids) == 4 and toc.flags & 1  # ordered
    assert chapters[0]["tags"]["title"] == "Before you start"
    assert probe["format"]["format_name"] == "mp3"


def test_m4b_is_aac_with_tags_and_chapters_and_exactly_the_plans_length(tmp_path: Path) -> None:
    cache = str(tmp_path / "cache")
    dose = ["disc-bulge", "--reps", "2", "--hold", "5", "--cache-dir", cache]
    out, wav = tmp_path / "disc.m4b", tmp_path / "disc.wav"
    assert "4 chapters" in run("export", *dose, "-o", str(out)).stdout
    run("export", *dose, "-o", str(wav))
    data = plan(*dose)
    probe = probed(out)
    audio = next(s for s in probe["streams"] if s["codec_type"] == "audio")
    assert audio["codec_name"] == "aac" and int(audio["sample_rate"]) == data["sample_rate"]
    # The edit list skips the encoder's priming and then plays exactly the plan's samples.
    assert int(audio["duration_ts"]) == data["duration_samples"]
    chapters_match(probe["chapters"], data, within=0.05)
    tags = probe["format"]["tags"]
    assert tags["title"] == "Disc bulge" and tags["album"] == "Sciatica relief"
    assert tags["artist"] == "voice-coach" and "not medical advice" in tags["comment"]
    # Decoded, the sound starts on the plan's first sample (the priming is gone); this ffmpeg
    # does not cut the end of the last AAC frame, so up to 1023 samples of padding follow.
    heard, planned = decoded(out), wav_samples(wav)
    assert 0 <= len(heard) - len(planned) < 1024
    rate = data["sample_rate"]
    speech = next(e for e in data["events"] if e["kind"] == "speech" and e["start_s"] > 20)
    start = round(speech["start_s"] * rate)
    window = np.asarray(planned[start : start + rate], dtype=np.float64)
    around = np.asarray(heard[start - 1100 : start + rate + 1100], dtype=np.float64)
    fits = np.correlate(around, window, mode="valid")  # shifts -1100 .. +1100
    assert int(np.argmax(fits)) - 1100 == 0  # not 1024 (the priming) nor any other shift
    assert rms(heard[len(planned) :]) < 50


def test_split_writes_a_track_per_exercise_and_an_m3u(tmp_path: Path) -> None:
    cache = str(tmp_path / "cache")
    folder = tmp_path / "tracks"
    run(
        "export",
        "disc-bulge",
        "--reps",
        "2",
        "--hold",
        "5",
        "--cache-dir",
        cache,
        "--split",
        str(folder),
    )
    data = plan("disc-bulge", "--reps", "2", "--hold", "5", "--cache-dir", cache)
    tracks = sorted(folder.glob("*.mp3"))
    assert [t.name for t in tracks] == [
        "01 - Before you start.mp3",
        "02 - Lower Back Extension.mp3",
        "03 - Pelvic Tilts.mp3",
        "04 - Decompression.mp3",
    ]
    for number, (track, chapter) in enumerate(zip(tracks, data["chapters"], strict=True), 1):
        assert len(decoded(track)) == chapter["end_sample"] - chapter["start_sample"]
        id3 = ID3(str(track))
        assert str(id3["TRCK"]) == f"{number}/4" and str(id3["TIT2"]) == chapter["title"]
    m3u = (folder / "disc-bulge.m3u").read_text().splitlines()
    assert m3u[0] == "#EXTM3U"
    assert [line for line in m3u if not line.startswith("#")] == [t.name for t in tracks]
    assert not list(folder.glob(".*"))  # no temporary files left


def test_concurrent_exports_into_one_cold_cache_are_identical(tmp_path: Path) -> None:
    cache = str(tmp_path / "cache")
    outs = [tmp_path / f"run{i}.wav" for i in range(3)]
    processes = [
        subprocess.Popen(
            [SCRIPT, "export", *QUICK, "--cache-dir", cache, "-o", str(out)], stderr=subprocess.PIPE
        )
        for out in outs
    ]
    for process in processes:
        assert process.wait(timeout=120) == 0, process.stderr.read() if process.stderr else ""
    first = outs[0].read_bytes()
    assert all(out.read_bytes() == first for out in outs[1:])
    stats = run("cache", "stats", "--cache-dir", cache).stdout
    assert "broken:  0" in stats


def test_a_corrupted_cache_entry_is_healed(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    out = tmp_path / "a.wav"
    run("export", *QUICK, "--cache-dir", str(cache), "-o", str(out))
    victim = sorted(cache.glob("*.cue"))[3]
    victim.write_bytes(victim.read_bytes()[:100])
    assert "broken:  1" in run("cache", "stats", "--cache-dir", str(cache)).stdout
    run("export", *QUICK, "--cache-dir", str(cache), "-o", str(out))
    assert "broken:  0" in run("cache", "stats", "--cache-dir", str(cache)).stdout
    assert len(wav_samples(out)) == plan(*QUICK, "--cache-dir", str(cache))["duration_samples"]


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_an_export_killed_midway_leaves_no_torso(tmp_path: Path, how: signal.Signals) -> None:
    cache = str(tmp_path / "cache")
    run("plan", "not-sure", "--cache-dir", cache)  # warm: the kill lands while encoding
    out = tmp_path / "session.mp3"
    process = subprocess.Popen(
        [SCRIPT, "export", "not-sure", "--cache-dir", cache, "-o", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".session.mp3.*.part")):
        assert process.poll() is None and time.monotonic() < deadline, "export ended too soon"
        time.sleep(0.005)
    time.sleep(0.2)
    process.send_signal(how)
    process.wait(timeout=30)
    assert not out.exists()
    if how == signal.SIGTERM:
        assert not list(tmp_path.glob(".*.part")), "a polite stop cleans up after itself"
    run("export", "pelvic-tilts", "--reps", "1", "--cache-dir", cache, "-o", str(out))
    assert out.exists() and not list(tmp_path.glob(".*.part"))  # a dead run's part is swept


def test_without_ffmpeg_mp3_fails_in_one_line_and_wav_still_works(tmp_path: Path) -> None:
    env = {**os.environ, "PATH": str(tmp_path / "empty-bin")}

    def export_to(name: str) -> subprocess.CompletedProcess[str]:
        args = ["pelvic-tilts", "--reps", "1", "--cache-dir", str(tmp_path / "cache")]
        return run("export", *args, "-o", str(tmp_path / name), check=False, env=env)

    done = export_to("x.mp3")
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "ffmpeg is not installed" in done.stderr
    assert "apt-get install ffmpeg" in done.stderr and not (tmp_path / "x.mp3").exists()
    assert export_to("x.wav").returncode == 0
    assert (tmp_path / "x.wav").exists()


def test_bad_export_requests_are_one_line(tmp_path: Path) -> None:
    for args, expected in (
        (["export", "disc-bulge"], "say where to write"),
        (["export", "disc-bulge", "-o", str(tmp_path / "x.ogg")], "end the file name with .mp3"),
        (["export", "disc-bulge", "-o", str(tmp_path / "no" / "x.wav")], "does not exist"),
    ):
        done = run(*args, check=False)
        assert done.returncode != 0 and done.stderr.count("\n") == 1, done.stderr
        assert expected in done.stderr


def test_voices_doctor_and_cache_commands(tmp_path: Path) -> None:
    voices = run("voices").stdout
    assert "* piper    en_US-joe-medium" in voices and "pyttsx3  gmw/en-us" in voices
    assert any(v["id"] == "gmw/en" for v in json.loads(run("voices", "--json").stdout))
    doctor = run("doctor", check=False)
    assert "ok  speech engine" in doctor.stdout and "ok  ffmpeg" in doctor.stdout
    cache = str(tmp_path / "cache")
    run("plan", "pelvic-tilts", "--cache-dir", cache)
    assert "cues:    0" not in run("cache", "stats", "--cache-dir", cache).stdout
    assert "removed" in run("cache", "clear", "--cache-dir", cache).stdout
    assert "cues:    0" in run("cache", "stats", "--cache-dir", cache).stdout
    assert shutil.which("ffmpeg")
