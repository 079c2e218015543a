"""Spoken commands for real: PocketSphinx on commands synthesised by both engines at two rates in
10 dB of noise, on ten minutes of ordinary speech and on a whole session's own audio, and
`play --listen` obeying a virtual microphone on the test sound server."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from support import many_voices as mv
from support.soundserver import (
    MIC_RATE,
    MIC_SINK,
    RATE,
    SINK,
    Recorder,
    SoundServer,
    speak_into_microphone,
    start_server,
)
from support.spoken_commands import (
    SNR_DB,
    Utterance,
    other_speech,
    room_noise,
    session_audio,
    speech_power,
    utterances,
)

from voice_coach.listening.classifier import Classifier
from voice_coach.listening.commands import PHRASES
from voice_coach.listening.listener import Command, Listener
from voice_coach.listening.recogniser import Recogniser
from voice_coach.playback.ownvoice import OwnVoice
from voice_coach.session.options import SessionOptions
from voice_coach.session.prepare import prepare

SCRIPT = str(Path(sys.executable).with_name("voice-coach"))


HELD_OUT_VOICES = (
    "espeak en-us Alicia 170",
    "espeak caribbean Gene 175",
    "espeak lancaster m2 180",
)
"""Voices the classifier never heard in training nor its threshold in tuning (espeak-ng: quick
to make)."""


def held_out(name: str) -> mv.Voice:
    return next(v for v in mv.HELD_OUT if v.name == name)


@pytest.mark.engine
def test_the_classifier_catches_voices_it_never_heard_and_takes_none_for_another() -> None:
    # Three held-out voices, each command in pink noise and a fan's at 10 dB: a sample of the
    # bench's material (scripts/kws_bench.py: 455 of 480 over twelve held-out voices, none taken
    # for another), among those it catches least (Alicia 26 of 40, Gene 37). A guard, not the
    # measure: here 50 of 60 (Alicia 12 of 20); the networks before caught 52.
    # Fed as a microphone gives it, 20 ms at a time.
    voices = tuple(held_out(name) for name in HELD_OUT_VOICES)
    said = list(mv.commands(voices, repeats=2))
    assert len(said) == 60 and {s.noise for s in said} == {"pink", "fan"}
    classifier = Classifier()
    caught, wrong = 0, []
    for command in said:
        classifier.restart()
        heard = [
            h
            for at in range(0, len(command.pcm), 640)
            for h in classifier.feed(command.pcm[at : at + 640])
        ]
        actions = [h.action for h in heard if h.action is not None]
        caught += PHRASES[command.phrase] in actions
        wrong += [
            (command.voice, command.phrase, a) for a in actions if a != PHRASES[command.phrase]
        ]
    assert caught >= 49, f"{caught} of 60 caught"
    assert wrong == []


@pytest.mark.engine
def test_the_classifier_catches_a_person_of_another_engine_it_never_heard() -> None:
    # flite's slt: a woman's recordings, an engine the training heard only other people in (the
    # bench: 16 and 18 of 40 for slt and slt brisk, none taken for another; the only women's
    # recordings in training are Czech and Catalan). Each command in the quiet and pink noise.
    voice = next(v for v in mv.OTHER_HELD_OUT if v.name == "flite slt")
    silence = bytes(2 * 16000)
    caught, wrong = 0, []
    for phrase, action in PHRASES.items():
        clean = silence + mv.spoken(voice, f"Coach, {phrase}.") + silence
        for pcm in (clean, mv.in_room(clean, "pink", 1000 * len(phrase))):
            actions = [h.action for h in Classifier().feed(pcm) if h.action is not None]
            caught += action in actions
            wrong += [(phrase, a) for a in actions if a != action]
    assert caught >= 11, f"{caught} of 20 caught"  # here 12 (the networks before: 14)
    assert wrong == []


@pytest.mark.engine
def test_calibration_fits_the_classifier_to_a_voice_it_never_heard() -> None:
    # flite's slt again, calibrating as `listen-test --calibrate` does in a fan's noise: each
    # command said twice, a little slower and higher, then faster and lower, than after. The
    # voice fit (the answers heard again moved across the bands) is chosen from those answers
    # alone; then each command, in the quiet and in a kitchen, is judged at what each would
    # store. Here: without the fit 9 of 20 obeyed, with it (-2) 20; none taken for another
    # (scripts/kws_fitted.py measures every voice in every room).
    from voice_coach.listening import calibration
    from voice_coach.listening.kws import FITS
    from voice_coach.listening.trial import hearing

    voice = next(v for v in mv.OTHER_HELD_OUT if v.name == "flite slt")
    plain = calibration.Calibration("coach", Classifier().scale)
    recogniser = hearing("coach", 0)
    for phrase, action in PHRASES.items():
        plain.heard[phrase], plain.sound[phrase] = [], []
        for n, effects in enumerate((("tempo 0.94", "pitch 40"), ("tempo 1.06", "pitch -40"))):
            raw = mv.spoken(replace(voice, sox=(*voice.sox, *effects)), f"Coach, {phrase}.")
            pcm = mv.in_room(
                bytes(32000) + raw + bytes(64000), "fan", 7000 + n + 1000 * len(phrase)
            )
            replay, kept = calibration.Replay(pcm), bytearray()
            heard = calibration.listen_once(
                replay, recogniser, action, "coach", replay.clock, kept=kept
            )
            plain.heard[phrase].append(heard)
            plain.sound[phrase].append(bytes(kept))
    fitted = calibration.best_fit(plain, lambda fit: hearing("coach", fit), FITS)
    assert fitted.fit != 0 and fitted.unfitted is not None

    def obeyed(result: calibration.Calibration) -> tuple[int, list[tuple[str, str]]]:
        sensitivity = result.sensitivity(0.5)
        assert sensitivity is not None
        caught, wrong = 0, []
        for phrase, action in PHRASES.items():
            clean = bytes(32000) + mv.spoken(voice, f"Coach, {phrase}.") + bytes(32000)
            for pcm in (clean, mv.in_room(clean, "kitchen", 1000 * len(phrase))):
                heard = Classifier(sensitivity, fit=result.fit).feed(pcm)
                actions = [h.action for h in heard if h.action is not None]
                caught += action in actions
                wrong += [(phrase, a) for a in actions if a != action]
        return caught, wrong

    (without, wrong_without), (with_fit, wrong_with) = obeyed(plain), obeyed(fitted)
    assert with_fit >= 17 and with_fit >= without + 5, (without, with_fit)
    assert wrong_with == [] and wrong_without == []


@pytest.mark.engine
def test_commands_said_by_both_engines_at_two_rates_in_noise_are_caught() -> None:
    # PocketSphinx's grammar (the recogniser for a wake word other than "coach").
    # Each command by each voice in three different noises at 10 dB SNR: 120 utterances, with
    # Piper steady (its voice otherwise varies from run to run) so that every run hears the
    # same. Here 101 were caught (23 to 27 a voice) at the confidence fitted on the bench's
    # tuning voices (which include these four); the hand-set limits before it caught 109.
    recogniser = Recogniser()
    caught: dict[str, int] = {}
    wrong = []
    said = list(utterances(repeats=3, steady=True))
    assert len(said) == 120 and {u.voice for u in said} == {
        "piper@natural",
        "piper@190",
        "pyttsx3@150",
        "pyttsx3@190",
    }
    for utterance in said:
        for heard in recogniser.feed(utterance.pcm):
            if heard.action is None:
                continue
            if heard.phrase == f"coach {utterance.phrase}":
                caught[utterance.voice] = caught.get(utterance.voice, 0) + 1
            else:
                wrong.append((utterance.voice, utterance.phrase, heard.phrase))
    assert sum(caught.values()) >= 96, caught
    assert len(caught) == 4 and all(count >= 21 for count in caught.values()), caught
    assert len(wrong) <= 2, wrong


@pytest.mark.engine
def test_ten_minutes_of_ordinary_speech_set_off_nothing() -> None:
    speech = other_speech(600, steady=True)
    assert len(speech) == 600 * MIC_RATE * 2
    judged = list(Recogniser().feed(speech))
    assert len(judged) > 100  # it listened: every sentence was cut out and looked at
    assert [(h.phrase, round(h.start / MIC_RATE)) for h in judged if h.action] == []
    spotted = list(Classifier().feed(speech))
    assert [(h.phrase, round(h.start / MIC_RATE)) for h in spotted if h.action] == []


class SessionSound:
    """The session's audio as a microphone would hear it, a period at a time, on a clock that
    runs with it (the listener is fed faster than real time)."""

    def __init__(self, pcm: bytes) -> None:
        self.pcm = pcm
        self.at = 0
        self.now = 0.0

    def read(self) -> bytes:
        piece = self.pcm[self.at : self.at + 640] or bytes(640)
        self.at += 640
        self.now = self.at / 2 / MIC_RATE
        return piece

    def close(self) -> None:
        pass


@pytest.mark.engine
def test_the_whole_session_heard_through_a_speaker_sets_off_nothing() -> None:
    # The not-sure session, disclaimer and all, fed back to the microphone as a speaker in the
    # room would. The coach knows when it speaks (the plan); what it hears then is ignored.
    timeline = prepare(["not-sure"], SessionOptions(), disclaimer=True).session().timeline
    pcm = session_audio("not-sure")
    assert abs(len(pcm) / 2 / MIC_RATE - timeline.length / timeline.sample_rate) < 0.01
    sound = SessionSound(pcm)
    listener = Listener(lambda: sound, Classifier, clock=lambda: sound.now).start()
    heard: list[Command] = []
    while listener._thread.is_alive() and sound.at < len(pcm) + 4 * MIC_RATE:
        heard += listener.poll()
        time.sleep(0.05)
    listener.close()
    heard += listener.poll()
    assert listener.problem is None
    voice = OwnVoice.of_plan(timeline)
    obeyed = [c for c in heard if not voice.during(c.said_from, c.said_to)]
    assert obeyed == [], f"{len(heard)} heard, of which these while the coach was silent"


# ---- play --listen on the sound server ---------------------------------------------------------

TARGET = ["side-stretch", "--side", "left", "--hold", "20"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SoundServer]:
    running = start_server(tmp_path_factory.mktemp("pulse"))
    yield running
    running.stop()


def caught_offline(phrase: str, voice: str) -> Utterance:
    """The command said by a held-out voice (`voice`, or failing that the held-out voice the
    classifier is surest of), as the classifier catches it on its own, so that this test is
    about the live path (microphone, listener, session, sound); the detection rate is measured
    above and in the bench."""
    sure: list[tuple[bool, float, Utterance]] = []
    for candidate in (held_out(name) for name in HELD_OUT_VOICES):
        clean = mv.spoken(candidate, f"Coach, {phrase}.")
        pcm = mv.in_room(bytes(MIC_RATE * 2) + clean + bytes(MIC_RATE * 2), "pink", 11)
        heard = [h for h in Classifier().feed(pcm) if h.action == PHRASES[phrase]]
        if heard:
            said = Utterance(
                f"Coach, {phrase}.", phrase, candidate.name, pcm, len(clean) // 2, clean
            )
            sure.append((candidate.name == voice, max(h.confidence for h in heard), said))
    if not sure:
        raise AssertionError(f"no held-out voice said 'coach, {phrase}' recognisably")
    return max(sure, key=lambda s: s[:2])[2]


def first_sound(path: Path, after: int = 0, deadline_s: float = 60) -> int:
    """The first loud sample at or after `after` in a recording still being written."""
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        audio = np.frombuffer(path.read_bytes(), dtype="<i2")[after:]
        loud = np.nonzero(np.abs(audio.astype(np.int32)) > 300)[0]
        if len(loud):
            return after + int(loud[0])
        time.sleep(0.02)
    raise AssertionError("no sound came")


def quiet_until(audio: np.ndarray, start: int, quiet: int) -> int:
    """Where the sound from `start` ends, followed by at least `quiet` samples of silence."""
    loud = np.nonzero(np.abs(audio[start:].astype(np.int32)) > 300)[0] + start
    gaps = np.nonzero(np.diff(loud) > quiet)[0]
    return int(loud[gaps[0]]) if len(gaps) else int(loud[-1])


@pytest.mark.sound
@pytest.mark.engine
def test_play_listen_pauses_on_coach_pause_goes_on_and_stops_from_the_microphone(
    server: SoundServer, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "disclaimer-heard").touch()
    env = {**server.env, "VOICE_COACH_HOME": str(home)}
    cache = ["--cache-dir", str(tmp_path / "cache")]
    plan = json.loads(
        subprocess.run(
            [SCRIPT, "plan", *TARGET, *cache, "--json"], env=env, capture_output=True, check=True
        ).stdout
    )
    events = plan["events"]
    quiet = [e for e in events if e["role"] == "hold" and e["end_s"] - e["start_s"] > 5]
    assert len(quiet) >= 2
    # Voices never heard in training or tuning.
    pause, go_on, stop = (
        caught_offline(phrase, voice)
        for phrase, voice in zip(("pause", "go on", "stop"), HELD_OUT_VOICES, strict=True)
    )

    # The room's own noise, 10 dB below the commands, all along: said into it, they are heard
    # at 10 dB SNR, as the ones the recogniser was checked on.
    power = min(speech_power(u.clean) for u in (pause, go_on, stop)) / 10 ** (SNR_DB / 10)
    noise = speak_into_microphone(server, room_noise(150, power, seed=7))
    recording = tmp_path / "recording.raw"
    recorder = Recorder(server, recording)
    process = subprocess.Popen(
        [SCRIPT, "play", *TARGET, *cache, "--pain-before", "4", "--listen"],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        begin = first_sound(recording)
        zero = recorder.started_wall + begin / RATE  # when sample 0 of the plan was heard

        def say(utterance: Utterance, end_at: float) -> float:
            """Say it so that its words end at `end_at` (wall clock); when they really end."""
            time.sleep(max(0.0, end_at - utterance.end / MIC_RATE - time.monotonic()))
            started = time.monotonic()
            speak_into_microphone(server, utterance.clean)
            return started + utterance.end / MIC_RATE

        def sample(wall: float) -> int:
            return int((wall - recorder.started_wall) * RATE)

        # "coach, pause" in the hold's first quiet stretch, ending 2 s into it.
        said = say(pause, zero + quiet[0]["start_s"] + 2.0)
        answer = first_sound(recording, sample(said - 0.3), deadline_s=5)
        reaction = (answer - sample(said)) / RATE
        assert reaction < 1.0, f"answered {reaction:.2f} s after the command ended"
        time.sleep(5.0)  # the answer says how to go on; then silence, the session waits
        audio = np.frombuffer(recording.read_bytes(), dtype="<i2")
        answered_until = quiet_until(audio, answer, RATE)
        paused_for = (len(audio) - answered_until) / RATE
        assert paused_for > 1.0, "the session did not stay paused"
        # "coach, go on": the answer, then the rest of the quiet stretch, then "Ten seconds left"
        said_again = say(go_on, time.monotonic() + 1.0)
        resumed = first_sound(recording, sample(said_again - 0.3), deadline_s=5)
        reaction_again = (resumed - sample(said_again)) / RATE
        assert reaction_again < 1.0, f"went on {reaction_again:.2f} s after the command"
        time.sleep(2.5)
        audio = np.frombuffer(recording.read_bytes(), dtype="<i2")
        going_on_until = quiet_until(audio, resumed, RATE // 2)
        left_of_quiet = quiet[0]["end_s"] - (recorder.started_wall + answer / RATE - zero)
        countdown = first_sound(recording, going_on_until + RATE // 4, deadline_s=15)
        expected = going_on_until + left_of_quiet * RATE
        assert abs(countdown - expected) < 0.5 * RATE, (
            f"the hold went on {(countdown - expected) / RATE:+.2f} s from where it paused"
        )
        # "coach, stop" in the next quiet stretch: "Stopping.", and the session ends.
        next_quiet = quiet[1]["start_s"] - quiet[0]["end_s"]  # from the countdown's start
        said_last = say(stop, recorder.started_wall + countdown / RATE + next_quiet + 2.0)
        out, err = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
        noise.terminate()
        noise.wait(timeout=10)
    ended = time.monotonic()
    recorder.stop()
    voices = (pause.voice, go_on.voice, stop.voice)
    print(f"answered {reaction:.2f} s and {reaction_again:.2f} s after the commands ended {voices}")
    assert process.returncode == 0, err.decode()
    assert ended - said_last < 6.0
    assert b"Stopped: 0 of 1 exercises" in out, out.decode()
    assert b"Heard: coach pause" in out and b"Heard: coach go on" in out, out.decode()


@pytest.mark.sound
def test_doctor_says_which_listening_mode_is_in_use(server: SoundServer, tmp_path: Path) -> None:
    env = {**server.env, "VOICE_COACH_HOME": str(tmp_path)}

    def mode() -> str:
        done = subprocess.run([SCRIPT, "doctor"], env=env, capture_output=True, text=True)
        return next(line for line in done.stdout.splitlines() if "voice commands" in line)

    assert "between the coach's words" in mode() and "module-echo-cancel" in mode()
    loaded = subprocess.run(
        [
            "pactl",
            "load-module",
            "module-echo-cancel",
            f"source_master={MIC_SINK}.monitor",
            f"sink_master={SINK}",
            "aec_method=webrtc",
            "source_name=vc_echo_source",
            "sink_name=vc_echo_sink",
        ],
        env=server.env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    try:
        subprocess.run(
            ["pactl", "set-default-source", "vc_echo_source"], env=server.env, check=True
        )
        assert "over the coach's voice" in mode()
    finally:
        subprocess.run(["pactl", "set-default-source", f"{MIC_SINK}.monitor"], env=server.env)
        subprocess.run(["pactl", "unload-module", loaded], env=server.env)
    assert "between the coach's words" in mode()


@pytest.mark.sound
@pytest.mark.engine
def test_listen_test_shows_what_it_hears(server: SoundServer, tmp_path: Path) -> None:
    command = caught_offline("skip", "piper@190")
    power = speech_power(command.clean) / 10 ** (SNR_DB / 10)
    env = {**server.env, "VOICE_COACH_HOME": str(tmp_path)}
    noise = speak_into_microphone(server, room_noise(12, power, seed=11))
    listening = subprocess.Popen(
        [SCRIPT, "listen-test", "--seconds", "7"], env=env, stdout=subprocess.PIPE, text=True
    )
    time.sleep(2.5)
    speak_into_microphone(server, command.clean)
    out, _ = listening.communicate(timeout=30)
    noise.terminate()
    noise.wait(timeout=10)
    assert listening.returncode == 0
    lines = out.splitlines()
    assert lines[0].startswith("Listening for 7 s on 'default', between the coach's words")
    assert any(
        '"coach skip"' in line and "would go to the next exercise" in line for line in lines
    ), out
    assert lines[-1].startswith("Loudest: ")
