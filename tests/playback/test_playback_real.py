"""`voice-coach play` for real: ALSA -> PulseAudio null sink, recorded from the sink's monitor and
compared with the exported audio of the same session."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from support import continuity
from support.continuity import envelope, locate, sound_span
from support.soundserver import (
    MIC_RATE,
    RATE,
    Recorder,
    SoundServer,
    speak_into_microphone,
    start_server,
)
from support.terminal import Terminal

pytestmark = pytest.mark.sound

SCRIPT = str(Path(sys.executable).with_name("voice-coach"))
TARGET = ["pelvic-tilts", "clam-shell", "--reps", "2", "--side", "left"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SoundServer]:
    running = start_server(tmp_path_factory.mktemp("pulse"))
    yield running
    running.stop()


@pytest.fixture
def env(server: SoundServer, tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "vc-home"
    home.mkdir()
    return {**server.env, "VOICE_COACH_HOME": str(home)}


def reference(env: dict[str, str], tmp_path: Path) -> tuple[np.ndarray, dict[str, object]]:
    assert TARGET[2:] == ["--reps", "2", "--side", "left"]  # as planned here
    options = {"reps": 2, "side": "left"}
    return continuity.reference(env, TARGET[:2], options, tmp_path / "cache", tmp_path / "ref.wav")


STARTED_WITHIN_S = 6.0
"""A bound on the first sound after launch that only a start that waited for far more than its
first cue breaks, on however busy a machine (here, with two benches beside the suite, a cold
start took 2.7 s). How soon it comes against its goal (1.5 s; 1.0-1.1 s measured idle and with
one core busy) is `scripts/live.py`'s to measure, as the house's rule on speed goals asks; what
a test can prove on any machine is that the sound began while the session was still being
synthesised."""
WARM_WITHIN_S = 3.0
"""The same for a warm cache (0.3-0.5 s measured): nothing is synthesised before it starts."""


def last_cue_made(tmp_path: Path) -> float:
    """When the session's last cue was synthesised (wall clock: its cached file's time)."""
    return max(p.stat().st_mtime for p in (tmp_path / "cache").rglob("*") if p.is_file())


def play_command(tmp_path: Path, pain: str = "5", *extra: str) -> list[str]:
    cache = str(tmp_path / "cache")
    return [SCRIPT, "play", *TARGET, "--cache-dir", cache, "--pain-before", pain, *extra]


def play(
    env: dict[str, str], server: SoundServer, tmp_path: Path, *extra: str
) -> tuple[Recorder, float, subprocess.Popen[bytes]]:
    """Play with no terminal (straight through), recording what reaches the sound server."""
    recorder = Recorder(server, tmp_path / "recording.raw")
    started = time.monotonic()
    process = subprocess.Popen(
        play_command(tmp_path, "5", *extra),
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    return recorder, started, process


def test_play_sends_the_exported_audio_without_gaps_or_drift(
    env: dict[str, str], server: SoundServer, tmp_path: Path
) -> None:
    (Path(env["VOICE_COACH_HOME"]) / "disclaimer-heard").touch()  # not the first session
    # A cold cache: playback starts once the first exercise is planned, while the rest of the
    # cues are still being synthesised. The export afterwards reads the cues play cached.
    recorder, started, process = play(env, server, tmp_path)
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    recording = recorder.stop()
    assert b"Finished: 2 of 2 exercises" in out
    synthesised = last_cue_made(tmp_path)
    ref, plan = reference(env, tmp_path)

    first, last = sound_span(recording)
    ref_first, ref_last = sound_span(ref)
    first_sound_after = recorder.started_wall + first / RATE - started
    # Cold: the natural voice's model loads and the first cue is synthesised (about 1 s here);
    # the rest is synthesised while it plays.
    assert first_sound_after < STARTED_WITHIN_S, (
        f"first sound {first_sound_after:.2f} s after start"
    )
    launched_wall = time.time() - (time.monotonic() - started)
    assert launched_wall + first_sound_after < synthesised, "it waited for every cue to start"
    assert abs((last - first) - (ref_last - ref_first)) < 0.05 * RATE, (
        "lengths differ by 50 ms or more"
    )

    lag = locate(recording, ref[ref_first : ref_first + 5 * RATE]) - ref_first
    speech = [e for e in plan["events"] if e["kind"] == "speech"]  # type: ignore[index]
    for fraction in (0.25, 0.5, 0.75, 0.99):
        event = speech[int((len(speech) - 1) * fraction)]
        at = event["start_sample"]
        here = locate(recording, ref[at : event["end_sample"]], around=at + lag)
        assert abs(here - at - lag) < 0.02 * RATE, (
            f"drift of {(here - at - lag) / RATE:.3f} s at {event['text']!r}"
        )

    played = envelope(recording[lag : lag + len(ref)]) > 300
    expected = envelope(ref) > 300
    mismatch = np.mean(played[: len(expected)] != expected[: len(played)])
    assert mismatch < 0.02, f"{mismatch:.1%} of 10 ms windows differ (a gap or a glitch)"

    # Warm: the same session again is heard within a second of launch.
    recorder, started, process = play(env, server, tmp_path)
    time.sleep(2.5)
    process.terminate()
    process.communicate(timeout=30)
    warm = recorder.stop()
    first_sound_after = recorder.started_wall + sound_span(warm)[0] / RATE - started
    assert first_sound_after < WARM_WITHIN_S, f"warm cache: first sound {first_sound_after:.2f} s"


SINK_LATENCY_S = 0.05
"""The null sink and the recorder between the player and the recording (20 ms asked of parec)."""


def test_a_cold_start_is_live_at_once_pause_resumes_and_n_skips(
    env: dict[str, str], server: SoundServer, tmp_path: Path
) -> None:
    # A clean cache and the natural voice: the session is planned while it plays. Space pressed
    # 3 s after launch (inside the disclaimer, "Before you start", which a first use begins
    # with) silences it within 150 ms; 3 s later space resumes it, heard within 150 ms from
    # exactly where it stopped. Then `n` goes from "Before you start" to the first exercise,
    # and a second `n` skips that one. The whole recording is checked against the plan: every
    # stretch between a start and a stop of the sound (from play's trace) is the plan's audio
    # over its whole length, and nothing is heard between them.
    trace = tmp_path / "trace.txt"
    recorder = Recorder(server, tmp_path / "recording.raw")
    launched, launched_wall = time.monotonic(), time.time()
    terminal = Terminal(play_command(tmp_path), {**env, continuity.TRACE_ENV: str(trace)})
    time.sleep(3 - (time.monotonic() - launched))
    terminal.type(b" ")
    paused_at = time.monotonic()
    time.sleep(3)
    terminal.type(b" ")
    resumed_at = time.monotonic()
    time.sleep(5)
    terminal.type(b"n")
    terminal.wait_for(b"1/2  Pelvic Tilts", timeout=20)
    time.sleep(2)
    terminal.type(b"n")
    for prompt, answer in ((b"after the session", b"3"), (b"How did Clam Shell", b"b")):
        terminal.wait_for(prompt, timeout=200)
        terminal.type(answer + b"\r")
    assert terminal.process.wait(timeout=30) == 0, terminal.text
    recording = recorder.stop()
    terminal.close()
    synthesised = last_cue_made(tmp_path)
    text = terminal.text
    assert "Finished: 1 of 2 exercises" in text and "Not done: pelvic-tilts" in text
    first_sound = recorder.started_wall + sound_span(recording)[0] / RATE - launched
    assert first_sound < STARTED_WITHIN_S, f"first sound {first_sound:.2f} s after launch (cold)"
    assert launched_wall + first_sound < synthesised, "it waited for every cue to start"
    assert "Pelvic Tilts" in text and "PAUSED" in text  # the live screen was drawn
    # First use: the disclaimer is printed, and spoken as the first chapter.
    assert "Disclaimer: This programme is not medical advice" in text
    assert (Path(env["VOICE_COACH_HOME"]) / "disclaimer-heard").exists()
    logged = json.loads(
        subprocess.run(
            [SCRIPT, "progress", "--json"], env=env, capture_output=True, check=True
        ).stdout
    )["sessions"][-1]
    assert (logged["pain_before"], logged["pain_after"]) == (5, 3)
    assert logged["completed"] == ["clam-shell"] and logged["skipped"] == ["pelvic-tilts"]
    assert logged["effects"] == {"clam-shell": "better"} and logged["source"] == "play"

    # The reference reads the cues the session synthesised, planned as for a first use (a
    # fresh home) as this session was.
    ref, plan = reference({**env, "VOICE_COACH_HOME": str(tmp_path / "fresh")}, tmp_path)
    chapters = plan["chapters"]  # type: ignore[index]
    assert chapters[0]["title"] == "Before you start"
    events = continuity.read_trace(trace)
    heard = continuity.stretches(recording, ref, events)
    starts = [sample for what, sample in events if what == "start"]
    assert len(heard) == 4, f"stretches of sound {heard}, from the trace {events}"
    paused, resumed, first_exercise, second_exercise = heard
    for stretch in heard:
        assert stretch.mismatch < 0.02, f"{stretch} is not the plan's audio (a gap or a glitch)"
    # Pause and resume: silent at once, back at once, from exactly the sample reached.
    assert (paused.start, paused.end) == (0, resumed.start) and starts.count(resumed.start) == 1
    loud = continuity.heard_between(recording, paused, resumed)
    assert not loud, f"heard while paused, {loud[0]} to {loud[-1]} samples after the stop"
    pressed = int((paused_at - recorder.started_wall) * RATE)
    stopped = (paused.ended - pressed) / RATE
    assert stopped < 0.15 + SINK_LATENCY_S, f"the sound went on {stopped:.3f} s after space"
    back = (resumed.began - int((resumed_at - recorder.started_wall) * RATE)) / RATE
    assert -SINK_LATENCY_S < back < 0.15 + SINK_LATENCY_S, f"resume heard after {back:.3f} s"
    pause = (resumed.lag - paused.lag) / RATE
    print(f"space -> silence {stopped:.3f} s, space -> heard again {back:.3f} s, {heard}")
    assert 2.9 < pause < 3.3, f"the pause added {pause:.2f} s instead of 3"
    # `n` twice: each exercise from its first sample, the last one to its end.
    assert first_exercise.start == chapters[1]["start_sample"]
    assert second_exercise.start == chapters[2]["start_sample"]
    assert second_exercise.end == len(ref)
    assert first_exercise.end < chapters[2]["start_sample"] - 5 * RATE, "n did not skip ahead"


def test_the_simpleaudio_player_sends_the_whole_session_too(
    env: dict[str, str], server: SoundServer, tmp_path: Path
) -> None:
    """The fallback player, through the same ALSA -> PulseAudio path: the whole session, intact."""
    (Path(env["VOICE_COACH_HOME"]) / "disclaimer-heard").touch()
    ref, _ = reference(env, tmp_path)
    recorder, _, process = play(env, server, tmp_path, "--player", "simpleaudio")
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    recording = recorder.stop()
    assert b"Finished: 2 of 2 exercises" in out
    first, last = sound_span(recording)
    ref_first, ref_last = sound_span(ref)
    assert abs((last - first) - (ref_last - ref_first)) < 0.05 * RATE, "lengths differ"
    lag = locate(recording, ref[ref_first : ref_first + 5 * RATE]) - ref_first
    played = envelope(recording[lag : lag + len(ref)]) > 300
    expected = envelope(ref) > 300
    mismatch = np.mean(played[: len(expected)] != expected[: len(played)])
    assert mismatch < 0.02, f"{mismatch:.1%} of 10 ms windows differ (a gap or a glitch)"


def test_no_sound_device_is_one_clear_line(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / ".asoundrc").write_text("pcm.!default { type pulse }\nctl.!default { type pulse }\n")
    env = {
        **os.environ,
        "HOME": str(home),
        "PULSE_SERVER": f"unix:{tmp_path / 'nothing-here'}",
        "VOICE_COACH_HOME": str(tmp_path / "vc"),
    }
    done = subprocess.run(
        [SCRIPT, "play", "pelvic-tilts", "--reps", "1"],
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1, done.stderr
    assert "no audio output device found" in done.stderr and "voice-coach export" in done.stderr


def test_ctrl_c_stops_at_once_and_restores_the_terminal(
    env: dict[str, str], tmp_path: Path
) -> None:

    (Path(env["VOICE_COACH_HOME"]) / "disclaimer-heard").touch()
    # Started as a shell's background job or a CI runner starts it: with SIGINT ignored, which
    # a process inherits; Ctrl-C at its terminal must stop it all the same.
    ignoring = "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_IGN); "
    ignoring += "os.execv(sys.argv[1], sys.argv[1:])"
    command = [sys.executable, "-c", ignoring, *play_command(tmp_path, pain="4")]
    terminal = Terminal(command, env, controlling=True)
    terminal.wait_for(b"space pause")  # playing, with the live screen up
    assert terminal.mode()[3] != terminal.initial_mode[3]  # cbreak mode while playing
    terminal.type(b"\x03")  # Ctrl-C as the terminal sends it
    pressed = time.monotonic()
    try:
        code = terminal.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        terminal.process.send_signal(signal.SIGUSR1)  # its threads' stacks, to see where
        time.sleep(1.0)
        terminal.process.kill()
        pytest.fail(f"still running 10 s after Ctrl-C; its threads:\n{terminal.text[-6000:]}")
    assert code == 130
    assert time.monotonic() - pressed < 1.0
    time.sleep(0.2)
    assert terminal.mode() == terminal.initial_mode
    terminal.close()
    text = terminal.text
    assert "Stopped: 0 of 2 exercises" in text and "Traceback" not in text


def test_doctor_hears_the_microphone_and_shows_its_level(
    env: dict[str, str], server: SoundServer
) -> None:
    def doctor() -> str:
        done = subprocess.run([SCRIPT, "doctor"], env=env, capture_output=True, text=True)
        return next(line for line in done.stdout.splitlines() if "microphone" in line)

    assert doctor().startswith("--") and "only silence" in doctor()  # nothing is said into it
    seconds = 30  # longer than doctor takes, however busy the machine: stopped once it is done
    t = np.arange(seconds * MIC_RATE) / MIC_RATE
    sine = (0.1 * 32767 * np.sqrt(2) * np.sin(2 * np.pi * 440 * t)).astype("<i2")  # -20 dBFS
    feeding = speak_into_microphone(server, sine.tobytes())
    time.sleep(1)
    line = doctor()
    feeding.terminate()
    feeding.wait(timeout=20)
    assert line.startswith("ok") and "level" in line, line
    level = float(line.split("level")[1].split("dBFS")[0])
    assert -23 < level < -17, line
