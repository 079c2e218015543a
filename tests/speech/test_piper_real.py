"""The optional neural engine (Piper, the en_US "joe" voice from PyPI), for real."""

from __future__ import annotations

import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest

from voice_coach.errors import UserError
from voice_coach.speech.cues import CueSource
from voice_coach.speech.selection import make_engine

pytestmark = pytest.mark.engine
SCRIPT = str(Path(sys.executable).with_name("voice-coach"))


def test_piper_speaks_each_cue_at_the_session_rate() -> None:
    engine = make_engine("piper")
    assert engine.problem() is None and engine.sample_rate == 22050
    short, long = engine.synthesize("One."), engine.synthesize("Lie down on your back, and relax.")
    assert 0 < len(short) < len(long)
    audio = np.frombuffer(long, dtype="<i2")
    assert np.abs(audio).max() > 5000  # speech, not silence
    slow = make_engine("piper", rate=100).synthesize("Lie down on your back, and relax.")
    assert len(slow) > len(long) * 1.3


def test_piper_voice_errors_are_user_errors(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="unknown voice 'robot' for engine piper"):
        make_engine("piper", voice="robot").synthesize("Hi.")
    with pytest.raises(UserError, match="is missing"):
        make_engine("piper", voice=str(tmp_path / "nope.onnx")).synthesize("Hi.")


def test_a_piper_export_is_the_plan_sample_for_sample(tmp_path: Path) -> None:
    cache = str(tmp_path / "cache")
    args = ["pelvic-tilts", "--reps", "2", "--engine", "piper", "--cache-dir", cache]
    out = tmp_path / "tilts.wav"
    subprocess.run([SCRIPT, "export", *args, "-o", str(out)], check=True, capture_output=True)
    import json

    plan = json.loads(
        subprocess.run(
            [SCRIPT, "plan", *args, "--json"], check=True, capture_output=True, text=True
        ).stdout
    )
    with wave.open(str(out)) as wav:
        assert wav.getnframes() == plan["duration_samples"] and wav.getframerate() == 22050
        audio = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2").astype(float)
    for event in plan["events"]:
        window = audio[event["start_sample"] : event["end_sample"]]
        if event["kind"] == "speech":
            assert np.sqrt(np.mean(window**2)) > 1000, event
        elif event["kind"] == "silence":
            assert not window.any(), event
    assert CueSource(make_engine("piper")).sample_rate == 22050
