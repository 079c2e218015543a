"""Spoken commands in the session, on a fake clock, a fake player and a scripted listener (fast).

The real microphone, recogniser and sound server prove the same in test_listening_real.py.
"""

from __future__ import annotations

import io
import math
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from support.fakes import RATE, PlanFn
from support.playback import Clock, FakePlayer, NullScreen, ScriptedKeys
from support.running import Result

from voice_coach.errors import UserError
from voice_coach.journal import settings
from voice_coach.listening.commands import CONFIRM_WITHIN_S, PHRASES, phrases
from voice_coach.listening.listener import Command, Listener
from voice_coach.listening.microphone import RATE as MIC_RATE
from voice_coach.listening.recogniser import Heard
from voice_coach.model import Timeline
from voice_coach.playback.commands_in import REMIND_AFTER_S, REMINDER
from voice_coach.playback.controller import Listening, Outcome, SessionController
from voice_coach.playback.ownvoice import OwnVoice
from voice_coach.playback.screen import PlainScreen


class ScriptedListener:
    """Hears each phrase at its time on the fake clock, said over the second before it (or
    before a third number, when it was said earlier than it is heard); a phrase ending in "?" is
    heard but not surely enough to obey (at 0.7; "?0.49" at 0.49)."""

    def __init__(self, clock: Clock, script: list[tuple[float, str]]) -> None:
        self.clock = clock
        self.script = list(script)
        self.problem: str | None = None
        self.closed = False

    def poll(self) -> list[Command]:
        heard = []
        while self.script and self.clock.now >= self.script[0][0]:
            at, said, *earlier = self.script.pop(0)  # type: ignore[misc]
            ended = earlier[0] if earlier else at
            said, doubt, odds = said.partition("?")
            probability = 1.0 if not doubt else float(odds) if odds else 0.7
            command = Command(
                phrases("coach")[said], said, ended - 1.0, ended, not doubt, probability
            )
            heard.append(command)
        return heard

    def close(self) -> None:
        self.closed = True


class Ticks:
    """No keyboard: time passes a tick at a time."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock

    def read(self, timeout: float) -> str | None:
        self.clock.now += timeout
        return None


def listen(
    timeline: Timeline,
    script: list[tuple[float, str]],
    *,
    over_speech: bool = False,
    keys: list[tuple[float, str]] | None = None,
    said_again: bool = False,
) -> tuple[SessionController, FakePlayer, Outcome, list[str], NullScreen]:
    clock = Clock()
    said: list[str] = []
    made_ahead: list[str] = []

    def cue(text: str) -> bytes:
        if threading.current_thread() is threading.main_thread():  # not the answers made ahead
            said.append(text)
        else:
            made_ahead.append(text)
        return bytes(RATE)  # half a second of words

    player = FakePlayer(clock, timeline.length)
    listener = ScriptedListener(clock, script)
    screen = NullScreen()
    controller = SessionController(
        timeline,
        cue,
        player,
        screen,
        Ticks(clock) if keys is None else ScriptedKeys(clock, list(keys)),
        Listening(listener, "coach", over_speech, said_again),
        clock=lambda: clock.now,
    )
    outcome = controller.run()
    assert listener.closed
    return controller, player, outcome, said, screen


def quiet_moment(timeline: Timeline, after_s: float, seconds: float = 2.5) -> float:
    """A time (s) after `after_s` with no sound for `seconds` either side: inside a hold."""
    for event in timeline.events:
        start = event.start / RATE
        if event.kind == "silence" and start > after_s and event.length / RATE > 2 * seconds:
            return start + seconds
    raise AssertionError("no quiet moment")


def quiet_in(timeline: Timeline, chapter: int) -> float:
    """A time (s) in the chapter when a command said over the second before meets silence."""
    span = timeline.chapters[chapter]
    for event in timeline.events:
        inside = span.start <= event.start < span.end
        if inside and event.kind == "silence" and event.length > 3 * RATE:
            return event.start / RATE + 1.5
    raise AssertionError("no quiet moment")


def speaking_moment(timeline: Timeline, after_s: float) -> float:
    for event in timeline.events:
        if event.kind == "speech" and event.start / RATE > after_s and event.length > 2 * RATE:
            return event.start / RATE + 1.5
    raise AssertionError("no long speech")


def test_coach_pause_pauses_in_a_hold_and_go_on_resumes_where_it_stopped(plan_of: PlanFn) -> None:
    timeline = plan_of("decompression", hold_s=30)
    at = quiet_moment(timeline, 20)
    _, player, outcome, said, screen = listen(
        timeline, [(at, "coach pause"), (at + 5, "coach go on")]
    )
    assert said[0] == "Paused. Say 'coach, go on' when you are ready."
    assert said[1] == "Going on."
    assert any(m.paused for m in screen.moments)
    # Paused within a tick of hearing it, and resumed at that very sample, after the words.
    paused_at = player.starts[1]
    assert abs(paused_at - at * RATE) <= 0.05 * RATE
    preamble = round(0.15 * RATE) * 2 + RATE // 2
    assert player.starts[2] == paused_at - preamble
    assert outcome.heard_samples == timeline.length and not outcome.quit
    lines = [m.listening for m in screen.moments]
    assert lines[0] == "Listening: say 'coach, pause'"
    assert "Heard: coach pause" in lines and "Heard: coach go on" in lines


def test_each_command_does_what_its_key_does(plan_of: PlanFn) -> None:
    timeline = plan_of("disc-bulge", reps=2, hold_s=5)
    first, second = timeline.chapters[:2]
    at = quiet_in(timeline, 0)
    preamble = round(0.15 * RATE) * 2 + RATE // 2  # samples of the tone, the gap and the word
    _, player, outcome, said, _ = listen(timeline, [(at, "coach next")])
    assert said[0] == "Next."
    assert player.starts[1] + preamble == second.start
    assert outcome.skipped == [first.exercise]

    later = quiet_in(timeline, 1)
    assert later - second.start / RATE > 3  # "back" after 3 s restarts the exercise
    _, player, _, said, _ = listen(timeline, [(later, "coach back")])
    assert said[0] == "Back." and player.starts[-1] + preamble == second.start

    _, player, _, said, _ = listen(timeline, [(later, "coach repeat")])
    assert said[0] == "Again." and player.starts[-1] + preamble == second.start

    _, _, outcome, said, _ = listen(timeline, [(at, "coach how long")])
    assert said[0].startswith("About ") and "left" in said[0]
    assert outcome.heard_samples == timeline.length

    _, _, outcome, said, _ = listen(timeline, [(at, "coach stop")])
    assert said == ["Stopping."] and outcome.quit
    assert abs(outcome.heard_samples - at * RATE) < 0.05 * RATE  # nothing after it was heard


def test_a_command_while_the_coach_speaks_is_ignored_unless_echo_is_cancelled(
    plan_of: PlanFn,
) -> None:
    timeline = plan_of("decompression", hold_s=30)
    at = speaking_moment(timeline, 5)
    _, player, outcome, said, screen = listen(timeline, [(at, "coach stop")])
    assert said == [] and not outcome.quit and player.starts == [0]
    assert "Heard: coach stop (ignored: the coach was speaking)" in [
        m.listening for m in screen.moments
    ]
    _, _, outcome, said, _ = listen(timeline, [(at, "coach stop")], over_speech=True)
    assert said == ["Stopping."] and outcome.quit


def test_pause_when_paused_and_go_on_when_playing_do_nothing(plan_of: PlanFn) -> None:
    timeline = plan_of("decompression", hold_s=30)
    at = quiet_moment(timeline, 20)
    script = [(at, "coach go on"), (at + 2, "coach wait"), (at + 6, "coach wait")]
    _, player, outcome, said, _ = listen(timeline, [*script, (at + 9, "coach resume")])
    assert said == ["Paused. Say 'coach, go on' when you are ready.", "Going on."]
    assert len(player.starts) == 3  # the start, the words while paused, and the resume
    assert outcome.heard_samples == timeline.length


PAUSED = "Paused. Say 'coach, go on' when you are ready."


def test_a_command_heard_but_not_sure_gets_a_soft_tone_and_nothing_else(plan_of: PlanFn) -> None:
    from voice_coach.playback.transport import AGAIN_TONE_S

    timeline = plan_of("decompression", hold_s=30)
    at = quiet_moment(timeline, 20)
    _, player, outcome, said, screen = listen(timeline, [(at, "coach stop?")])
    assert said == [] and not outcome.quit and outcome.skipped == []
    # the tone sounds where the session was, and the session goes on from that very sample
    tone = 3 * round(AGAIN_TONE_S * RATE)
    assert len(player.starts) == 2 and abs(player.starts[1] + tone - at * RATE) <= 0.05 * RATE
    assert outcome.heard_samples == timeline.length
    assert "Heard: coach stop? (not sure: say it again)" in [m.listening for m in screen.moments]


def test_a_pause_by_voice_reminds_once_after_a_minute(plan_of: PlanFn) -> None:
    timeline = plan_of("decompression", hold_s=30)
    at = quiet_moment(timeline, 20)
    long = 2.5 * REMIND_AFTER_S
    _, _, outcome, said, screen = listen(
        timeline, [(at, "coach pause"), (at + long, "coach go on")]
    )
    assert REMINDER.format(wake="coach") == PAUSED
    assert said == [PAUSED, PAUSED, "Going on."]  # the answer, one reminder, the resume
    assert outcome.heard_samples == timeline.length
    lines = [m.listening for m in screen.moments if m.paused]
    assert lines[-1] == "Paused: say 'coach, go on' (last heard 150 s ago: coach pause)"

    # paused by a key: the person is at the keyboard, and nothing is said
    _, _, _, said, _ = listen(timeline, [], keys=[(at, " "), (at + long, " ")])
    assert said == []


def test_after_a_pause_by_voice_go_on_gets_the_benefit_of_the_doubt(plan_of: PlanFn) -> None:
    timeline = plan_of("decompression", hold_s=30)
    at = quiet_moment(timeline, 20)
    script = [(at, "coach pause"), (at + 5, "coach go on?"), (at + 20, "coach go on")]
    _, player, outcome, said, _ = listen(timeline, script)
    assert said == [PAUSED, "Going on."] and outcome.heard_samples == timeline.length
    assert len(player.starts) == 3  # the start, the pause's words, the resume (no tone)
    assert outcome.asked_again == 0
    # only 'go on', and only after a pause by voice: anything else unsure is asked again
    script = [(at, "coach pause"), (at + 5, "coach next?"), (at + 9, "coach go on")]
    _, player, outcome, said, _ = listen(timeline, script)
    assert said == [PAUSED, "Going on."]
    assert len(player.starts) == 4  # the start, the pause's words, the tone, the resume
    assert outcome.asked_again == 1  # counted, for the line at the end of `play`
    keys = [(at, " "), (at + 9, " ")]
    _, player, _, said, _ = listen(timeline, [(at + 5, "coach go on?")], keys=keys)
    assert said == [] and len(player.starts) == 3  # the start, the tone, the resume by key


def test_said_again_and_heard_alike_is_obeyed(plan_of: PlanFn) -> None:
    """Asked to say it again, the person does: two doubtful hearings of the same command agree,
    and it is done. Another command, too late, or anything done between starts afresh."""
    timeline = plan_of("decompression", hold_s=30)
    at = quiet_moment(timeline, 20)

    def heard(
        *script: tuple[float, str], keys: list[tuple[float, str]] | None = None
    ) -> tuple[Outcome, list[str], NullScreen]:
        _, _, outcome, said, screen = listen(
            timeline, list(script), over_speech=True, keys=keys, said_again=True
        )
        return outcome, said, screen

    # off by default (the listen_said_again setting): a doubt is never acted on
    _, _, outcome, said, _ = listen(
        timeline, [(at, "coach stop?"), (at + 4, "coach stop?")], over_speech=True
    )
    assert said == [] and not outcome.quit and outcome.asked_again == 2

    outcome, said, _ = heard((at, "coach stop?"), (at + 4, "coach stop?"))
    assert said == ["Stopping."] and outcome.quit and outcome.asked_again == 1
    # at even odds, each; said within 8 s of the first's end, however late it is heard
    outcome, _, _ = heard((at, "coach stop?0.5"), (at + 10, "coach stop?0.5", at + 8.9))
    assert outcome.quit and outcome.asked_again == 1

    outcome, said, _ = heard((at, "coach next?"), (at + 4, "coach skip?"))
    assert said == ["Next."] and outcome.skipped  # one action, said in two ways

    # obeyed once: a third doubtful saying is a new doubt, asked again
    three = [(at + n * 3, "coach how long?") for n in range(3)]
    outcome, said, screen = heard(*three)
    assert len(said) == 1 and said[0].startswith("About ") and outcome.asked_again == 2
    assert "Heard: coach how long (said again)" in [m.listening for m in screen.moments]

    for script, keys in [
        (((at, "coach stop?"), (at + 4, "coach next?")), None),
        (((at, "coach stop?"), (at + 2, "coach next?"), (at + 4, "coach stop?")), None),
        (((at, "coach stop?"), (at + CONFIRM_WITHIN_S + 1.5, "coach stop?")), None),
        (((at, "coach stop?"), (at + 2, "coach how long"), (at + 4, "coach stop?")), None),
        (((at, "coach stop?"), (at + 4, "coach stop?")), [(at + 2, "t")]),  # a key between
        (((at, "coach stop?"), (at + 4, "coach stop?")), [(at + 2, " "), (at + 6, " ")]),
        # each guess must be at least even odds: two guesses agreeing are still guesses
        (((at, "coach stop?0.49"), (at + 4, "coach stop?")), None),
        (((at, "coach stop?"), (at + 4, "coach stop?0.49")), None),
        # one saying heard twice (a sound after it) does not confirm itself
        (((at, "coach stop?"), (at + 0.5, "coach stop?", at)), None),
        # the 8 s run from the end of the first saying to the start of the second
        (((at, "coach stop?"), (at + 9.5, "coach stop?", at + 9.5)), None),
    ]:
        outcome, said, _ = heard(*script, keys=keys)
        assert not outcome.quit and outcome.skipped == [], script
        assert outcome.asked_again == sum("?" in said for _, said, *_ in script), script
        assert all(s.startswith("About ") for s in said), (script, said)

    # never 'go on': a pause by key is ended by the key, not by two guesses
    script = ((at + 2, "coach go on?"), (at + 5, "coach go on?"), (at + 30, "coach stop"))
    outcome, said, _ = heard(*script, keys=[(at, " ")])
    assert said == ["Stopping."] and outcome.asked_again == 2


def test_the_confidence_decides_obeyed_asked_again_or_ignored() -> None:
    from voice_coach.listening import confidence
    from voice_coach.listening.recogniser import MARGIN, decide

    def heard(score: float, phones: int = 4, margin: float = math.inf) -> Heard:
        return Heard("coach next", None, score, 0, 2 * MIC_RATE, phones, margin, 20.0)

    table = phrases("coach")
    clear = heard(-1.2)
    assert confidence.probability(confidence.log_odds(clear)) > 0.9
    assert decide(clear, table, confidence.needed(0.5)).action == "next"
    # a poor fit to the command, against what free phones make of the same sound: ignored
    poor = decide(heard(-3.0), table, confidence.needed(0.5))
    assert poor.action is None and poor.unsure is None
    # a close call between two actions is never obeyed, nor asked again, however good the fit
    close = decide(heard(-1.0, margin=MARGIN / 2), table, confidence.needed(1.0))
    assert close.action is None and close.unsure is None
    # just under the cut: asked again; far under it: ignored
    odds = confidence.log_odds(clear)
    unsure = decide(clear, table, odds + confidence.DOUBT / 2)
    assert unsure.action is None and unsure.unsure == "next"
    assert decide(clear, table, odds + confidence.DOUBT * 2).unsure is None
    # a higher sensitivity asks less
    assert confidence.needed(1.0) < confidence.needed(0.5) < confidence.needed(0.0)
    # what the grammar could not make a whole command of is nothing
    none = decide(Heard("coach", None, -1.0, 0, MIC_RATE), table, confidence.needed(1.0))
    assert none.action is None and none.unsure is None


def test_own_voice_spans_with_the_sound_s_way_back_through_the_room() -> None:
    now = [0.0]
    voice = OwnVoice(lambda: now[0])
    for t, sounding in ((0.0, False), (1.0, True), (1.5, True), (2.0, False), (5.0, False)):
        now[0] = t
        voice.note(sounding)
    assert voice.during(1.2, 1.3)
    # It sounded until 2.0, and its echo is in the room for about a third of a second more
    # (the device's latency and the room): a command heard then may be the coach itself...
    assert voice.during(2.3, 3.0)
    # ...but not half a second later, when the room is quiet again.
    assert not voice.during(2.4, 3.0)
    assert not voice.during(0.0, 0.9)
    assert voice.during(0.5, 1.2)  # a command that the coach began to talk over


def wait_until(condition: Callable[[], bool], seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.005)
    return True


class Zeros:
    """A microphone that gives the same period every read; on a fake clock, each read takes
    the period's time, as a real one's does (so two seconds of it take no time at all)."""

    def __init__(self, chunk: bytes = bytes(640), clock: Clock | None = None) -> None:
        self.chunk = chunk
        self.clock = clock

    def read(self) -> bytes:
        if self.clock is not None:
            self.clock.now += len(self.chunk) / 2 / MIC_RATE
        return self.chunk

    def close(self) -> None:
        pass


class Flickering(Zeros):
    """A muted microphone read faster than it fills: a period of zeros, then nothing, in turn."""

    def __init__(self, clock: Clock) -> None:
        super().__init__(bytes(640), clock)
        self.reads = 0

    def read(self) -> bytes:
        self.reads += 1
        return super().read() if self.reads % 2 else b""


def test_a_muted_microphone_is_said_to_be_muted_however_it_is_read() -> None:
    clock = Clock()
    muted = Flickering(clock)
    listener = Listener(lambda: muted, Once, clock=lambda: clock.now).start()
    assert wait_until(lambda: listener.problem is not None)
    seen = set()
    for _ in range(50):  # never "gives no sound" between two periods of zeros
        seen.add(listener.problem)
        time.sleep(0.002)
    listener.close()
    assert seen == {"the microphone gives only silence (is it muted?)"}


class Once:
    """A recogniser that hears "coach next" at 1.0-2.0 s of what it is fed; `taken` is set
    once the listener has taken the command."""

    def __init__(self) -> None:
        self.fed = 0
        self.said = False
        self.taken = threading.Event()

    def feed(self, pcm: bytes) -> Iterator[Heard]:
        self.fed += len(pcm) // 2
        if not self.said and self.fed >= 2.5 * MIC_RATE:
            self.said = True
            yield Heard("coach next", "next", -1.0, MIC_RATE, 2 * MIC_RATE, 3)
            self.taken.set()  # the listener asked for more: it has queued the command


def test_the_listener_times_commands_by_the_clock_and_reports_silence() -> None:
    clock = Clock()
    once = Once()
    speaking = Listener(
        lambda: Zeros(b"\x01\x00" * 320, clock), lambda: once, clock=lambda: clock.now
    ).start()
    assert once.taken.wait(timeout=10)
    commands = speaking.poll()
    speaking.close()
    assert [c.action for c in commands] == ["next"]
    # Said from the speech's onset (after the utterance's lead of room sound) to its end, on
    # the listener's clock: 1.6 s and 2.0 s into what the microphone gave.
    assert commands[0].said_from == pytest.approx(1.6, abs=1e-6)
    assert commands[0].said_to == pytest.approx(2.0, abs=1e-6)

    muted = Zeros(bytes(640), clock)
    later = Once()
    silent = Listener(lambda: muted, lambda: later, clock=lambda: clock.now).start()
    assert wait_until(lambda: silent.problem == "the microphone gives only silence (is it muted?)")
    muted.chunk = b"\x01\x00" * 320  # unmuted: listened to from then on, and said so
    assert later.taken.wait(timeout=10) and silent.problem is None
    assert [c.action for c in silent.poll()] == ["next"]
    silent.close()

    def no_microphone() -> Zeros:
        from voice_coach.listening.microphone import NoMicrophone

        raise NoMicrophone("ALSA: no such device")

    missing = Listener(no_microphone, Once).start()
    missing._thread.join(timeout=10)
    assert missing.problem is not None and "no microphone" in missing.problem

    class Broken(Once):
        def feed(self, pcm: bytes) -> Iterator[Heard]:
            raise AttributeError("'NoneType' object has no attribute 'hypstr'")

    broken = Listener(lambda: Zeros(b"\x01\x00" * 320), Broken).start()
    broken._thread.join(timeout=10)
    assert broken.problem == (
        "listening stopped on an internal error (AttributeError); please report it"
    )


def test_a_listener_that_cannot_start_says_so_rather_than_printing_a_traceback() -> None:
    def faulty() -> Once:
        raise ValueError("one or two common English words")  # as a bad wake word once did

    failed = Listener(lambda: Zeros(), faulty).start()
    failed._thread.join(timeout=10)
    assert failed.problem == (
        "listening could not start on an internal error (ValueError); please report it"
    )


def test_a_listener_that_stopped_is_one_line_and_the_keys_still_work(plan_of: PlanFn) -> None:
    timeline = plan_of("decompression", hold_s=5)
    clock = Clock()
    listener = ScriptedListener(clock, [])
    listener.problem = "no microphone to listen with (ALSA: no such device)"
    out = io.StringIO()
    controller = SessionController(
        timeline,
        lambda text: b"",
        FakePlayer(clock, timeline.length),
        PlainScreen(out),
        Ticks(clock),
        Listening(listener),
        clock=lambda: clock.now,
    )
    outcome = controller.run()
    assert not outcome.quit
    notes = [line for line in out.getvalue().splitlines() if "listen" in line.lower()]
    assert notes == [
        "(Not listening: no microphone to listen with (ALSA: no such device). Use the keys.)"
    ]


@pytest.mark.parametrize(
    ("terminal", "said"),
    [
        (True, "Use the keys."),
        (False, "With no terminal for keys either, the session plays straight through"),
    ],
)
def test_a_listener_that_stopped_says_use_the_keys_only_when_there_are_keys(
    plan_of: PlanFn, terminal: bool, said: str
) -> None:
    """`play --listen` without a terminal (stdin a pipe, a service) has no keys to offer."""
    timeline = plan_of("pelvic-tilts", reps=1)
    clock = Clock()
    listener = ScriptedListener(clock, [])
    listener.problem = "no microphone to listen with (ALSA: no such device)"
    controller = SessionController(
        timeline,
        lambda text: b"",
        FakePlayer(clock, timeline.length),
        NullScreen(),
        Ticks(clock) if terminal else None,
        Listening(listener),
        clock=lambda: clock.now,
    )
    line = controller.moment().listening
    assert line is not None and line.startswith("Not listening: no microphone to listen with")
    assert said in line
    assert ("Use the keys" in line) == terminal


def test_the_listen_settings_are_checked(run_cli: Callable[..., Result]) -> None:
    from voice_coach.listening.recogniser import checked_wake_word

    assert settings.parse_value("listen", "on") is True
    assert settings.parse_value("listen_sensitivity", "0.7") == 0.7
    assert settings.parse_value("listen_wake_word", " Coach ") == "coach"
    assert settings.parse_value("listen_device", "plughw:1,0") == "plughw:1,0"
    for name, bad, why in (
        ("listen_sensitivity", "2", "a number from 0 to 1"),
        ("listen_device", "a b", "ALSA capture device"),
        ("listen_device", "\x1b[31m", "ALSA capture device"),
    ):
        with pytest.raises(UserError) as caught:
            settings.parse_value(name, bad)
        assert why in caught.value.message
    # the store types the wake word; the listening stage knows which words it can hear
    with pytest.raises(UserError) as caught:
        checked_wake_word("xqzzyv")
    assert "common English words" in caught.value.message
    refused = run_cli("config", "set", "listen_wake_word", "xqzzyv")
    assert refused.code == 1 and "common English words" in refused.err
    # nor a command word: "stop" as the wake word heard "stop" alone as "stop back"
    for word in ("stop", "coach pause", "go on", "hey next"):
        refused = run_cli("config", "set", "listen_wake_word", word)
        assert refused.code == 1 and "not in a command" in refused.err, refused.err
    taken = run_cli("config", "set", "listen_wake_word", "trainer")
    assert taken.code == 0 and "PocketSphinx's grammar, which obeys under half" in taken.err
    assert run_cli("config", "set", "listen_wake_word", "coach").err == ""  # the classifier's


def test_listening_switched_on_points_to_calibration_until_there_is_one(
    run_cli: Callable[..., Result],
) -> None:
    """The default catches a voice unlike those it was trained on far less often than a
    calibrated one (README): the person is told how where they switch it on, until a
    sensitivity is stored."""
    first = run_cli("config", "set", "listen", "on")
    assert first.out == "listen = on\n" and "listen-test --calibrate" in first.err
    assert run_cli("config", "set", "listen", "off").err == ""
    run_cli("config", "set", "listen_sensitivity", "0.7")  # what a calibration stores
    assert run_cli("config", "set", "listen", "on").err == ""


def test_every_phrase_has_an_action_and_an_acknowledgement() -> None:
    from voice_coach.listening.commands import ACKNOWLEDGEMENT, DOING, KEY_OF

    assert set(PHRASES.values()) == set(KEY_OF) == set(ACKNOWLEDGEMENT) == set(DOING)
    assert phrases("coach")["coach how long"] == "time"


def test_listen_test_without_a_microphone_says_only_that(tmp_path: Path) -> None:
    environment = {**os.environ, "ALSA_CONFIG_PATH": str(tmp_path / "no-alsa.conf")}
    done = subprocess.run(
        [str(Path(sys.executable).with_name("voice-coach")), "listen-test", "--seconds", "1"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1 and done.stdout == ""  # no "Listening for ..." before it
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "no microphone" in lines[0] and "doctor" in lines[0]
