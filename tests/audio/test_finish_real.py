"""A finished product, measured on real exports: podcast loudness, and the person's music
under the coach (ffmpeg's own meter, the real speech engine, the real encoder)."""

from __future__ import annotations

import json
import subprocess
import sys
import wave
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from support.media import chapters_match, decoded, loudness, probed, tone_file

pytestmark = pytest.mark.engine

SCRIPT = str(Path(sys.executable).with_name("voice-coach"))
DOSE = ["disc-bulge", "--reps", "2", "--hold", "5"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([SCRIPT, *args], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done


def samples(path: Path) -> np.ndarray:
    with wave.open(str(path), "rb") as wav:
        return np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2").astype(np.float64)


def level_db(window: np.ndarray) -> float:
    return float(20 * np.log10(np.sqrt(np.mean(window**2)) / 32768 + 1e-12))


def test_an_export_and_its_split_tracks_are_at_podcast_loudness(tmp_path: Path) -> None:
    cache = str(tmp_path / "cache")
    out, tracks = tmp_path / "disc.mp3", tmp_path / "tracks"
    run("export", *DOSE, "--cache-dir", cache, "-o", str(out), "--split", str(tracks))
    integrated, peak = loudness(out)
    assert -17 <= integrated <= -15, f"{integrated} LUFS"
    assert peak <= -1.0, f"true peak {peak} dBTP"
    for track in sorted(tracks.glob("*.mp3")):
        integrated, peak = loudness(track)
        assert -17 <= integrated <= -15, f"{track.name}: {integrated} LUFS"
        assert peak <= -1.0, f"{track.name}: true peak {peak} dBTP"


def test_music_sits_under_the_coach_ducked_under_every_word(tmp_path: Path) -> None:
    cache = str(tmp_path / "cache")
    music = tone_file(tmp_path / "song.ogg", 25.0)
    plain, mixed = tmp_path / "plain.wav", tmp_path / "mixed.wav"
    run("export", *DOSE, "--cache-dir", cache, "-o", str(plain))
    run("export", *DOSE, "--cache-dir", cache, "--music", str(music), "-o", str(mixed))
    data: dict[str, Any] = json.loads(
        run("plan", *DOSE, "--cache-dir", cache, "--music", str(music), "--json").stdout
    )
    assert data["music"] == {"on": True, "file": str(music), "level_db": 0, "order": "in order"}
    voice, both = samples(plain), samples(mixed)
    assert len(voice) == len(both) == data["duration_samples"]
    bed = both - voice  # the music alone, recovered
    rate = data["sample_rate"]
    quiet = [
        level_db(bed[e["start_sample"] + rate : e["end_sample"] - rate])
        for e in data["events"]
        if e["kind"] == "silence" and e["end_sample"] - e["start_sample"] > 3 * rate
    ]
    assert quiet and max(quiet) - min(quiet) < 3, quiet  # levelled across loops of the song
    bed_level = float(np.median(quiet))
    assert -40 < bed_level < -20, bed_level  # there, and well under the voice
    for event in data["events"]:
        if event["kind"] in ("speech", "tone") and event["start_sample"] > 2 * rate:
            under = level_db(bed[event["start_sample"] : event["end_sample"]])
            assert bed_level - under >= 10, (event, bed_level, under)
    assert level_db(bed[-rate // 10 :]) < bed_level - 20  # faded out at the end
    # The MP3 with music: the plan's length and chapters, like any export.
    mp3 = tmp_path / "mixed.mp3"
    run("export", *DOSE, "--cache-dir", cache, "--music", str(music), "-o", str(mp3))
    assert len(decoded(mp3)) == data["duration_samples"]
    chapters_match(probed(mp3)["chapters"], data, within=0.001)


def test_music_that_cannot_be_read_is_one_line_and_the_session_goes_on(tmp_path: Path) -> None:
    cache = str(tmp_path / "cache")
    bad = tmp_path / "not-a-song.mp3"
    bad.write_text("these are words, not music\n")
    out = tmp_path / "out.wav"
    done = run("export", *DOSE, "--cache-dir", cache, "--music", str(bad), "-o", str(out))
    lines = [line for line in done.stderr.splitlines() if "music" in line]
    assert lines and all(str(bad) in line or "without music" in line for line in lines), lines
    assert "Traceback" not in done.stderr
    plain = tmp_path / "plain.wav"
    run("export", *DOSE, "--cache-dir", cache, "-o", str(plain))
    assert np.array_equal(samples(out), samples(plain))  # no music, same session
