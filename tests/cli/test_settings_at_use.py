"""Settings that would break later: refused when set, by the stage that will use them, and a
config.yaml edited by hand is one line naming the file and the key in every command that reads
it (never exit 70, never a traceback)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from support.fakes import FakeEngine, fake_selector
from support.running import Result, one_line, runner

from voice_coach.cli.setting_checks import CHECKS
from voice_coach.environment import Environment
from voice_coach.journal.settings import KEYS
from voice_coach.speech.selection import Choice

Run = Callable[..., Result]


class TooFar(Exception):
    """A command got as far as making a player or serving: too far, for a setting that cannot
    work (and an internal error, exit 70, if it ever happens)."""


def too_far(*args: object) -> object:
    raise TooFar


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    """The CLI with a fake engine and no player at all: a refusal must come before sound."""

    def env() -> Environment:
        world = Environment(select_engine=fake_selector(FakeEngine()))
        world.make_player = too_far  # type: ignore[assignment]
        return world

    return runner(capsys, env)


@pytest.fixture
def config(home: Path) -> Iterator[Callable[[str], None]]:
    def write(text: str) -> None:
        (home / "home").mkdir(parents=True, exist_ok=True)
        (home / "home" / "config.yaml").write_text(text)

    yield write


# Every setting is checked when it is set against what will use it.

TOLD_BY_TYPE = {
    "side": "one of left, right: every session can say either",
    "rate": "80-400 words a minute: both engines speak the whole range",
    "difficulty": "easier, normal or harder: every exercise has all three",
    "rest": "0-120 s: any rest plans",
    "lead_in": "1-10 s: any lead-in plans",
    "short_repeats": "on or off",
    "leave_out_worse": "on or off",
    "listen_sensitivity": "0-1: the recogniser's threshold moves within its range",
    "listen_device": "a device name: whether one is plugged in is said when listening starts",
    "music_level": "-30-10 dB: any level mixes",
    "music_shuffle": "on or off",
    "listen_said_again": "on or off",
    "listen_voice_fit": "-2 to 1: every fit is one the classifier has (kws.FITS; test_voice_fit)",
}


def test_every_setting_is_either_checked_by_its_stage_or_fully_told_by_its_type() -> None:
    assert set(KEYS) == set(CHECKS) | set(TOLD_BY_TYPE)
    assert not set(CHECKS) & set(TOLD_BY_TYPE)


@pytest.mark.parametrize(
    ("stored", "key", "value", "words"),
    [
        ("", "listen_wake_word", "a(2)", "common English words"),
        ("", "listen_wake_word", "xqzzyv", "common English words"),
        ("engine: pyttsx3\n", "voice", "en_US-joe-medium", "the pyttsx3 engine has no voice"),
        ("engine: piper\n", "voice", "/nowhere/x.onnx", "the piper engine has no voice"),
        ("voice: gmw/en-us\n", "engine", "piper", "the piper engine has no voice 'gmw/en-us'"),
        ("listen_wake_word: xqzzyv\n", "listen", "on", "config.yaml (listen_wake_word)"),
        ("", "music", "/nowhere/songs", "no music file or folder at /nowhere/songs"),
        # Python's expanduser raised a bare RuntimeError: an internal error, exit 70
        ("", "music", "~nosuchuser9/songs", "~nosuchuser9 names no home folder"),
        ("engine: piper\n", "voice", "~nosuchuser9/v.onnx", "~nosuchuser9 names no home folder"),
    ],
)
def test_a_setting_that_would_break_later_is_refused_when_set(
    run: Run,
    home: Path,
    config: Callable[[str], None],
    stored: str,
    key: str,
    value: str,
    words: str,
) -> None:
    config(stored)
    assert words in one_line(run("config", "set", key, value))
    assert (home / "home" / "config.yaml").read_text() == stored  # nothing stored


def test_an_engine_that_cannot_speak_here_is_refused_when_set(
    capsys: pytest.CaptureFixture[str],
) -> None:
    class Mute(FakeEngine):
        def problem(self) -> str | None:
            return "piper-tts is not installed (install the natural voice with: pip ...)"

    def select(*args: object, **kwargs: object) -> Choice:
        return Choice(Mute(), "a mute engine")

    run = runner(capsys, lambda: Environment(select_engine=select))  # type: ignore[arg-type]
    err = one_line(run("config", "set", "engine", "piper"))
    assert "engine: the piper engine cannot speak here: piper-tts is not installed" in err


def test_listening_is_refused_when_set_without_a_recogniser(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    from voice_coach.errors import UserError
    from voice_coach.listening import recogniser

    def missing() -> object:
        raise UserError("voice commands need PocketSphinx, which is not installed")

    monkeypatch.setattr(recogniser, "_pocketsphinx", missing)
    assert "need PocketSphinx" in one_line(run("config", "set", "listen", "on"))
    assert run("config", "set", "listen", "off").code == 0  # off needs nothing


# A config.yaml edited by hand: one line naming it and the key, in every command that reads it.

EVERY_READER = [
    ["plan", "pelvic-tilts"],
    ["play", "pelvic-tilts"],
    ["play", "pelvic-tilts", "--listen"],
    ["export", "pelvic-tilts", "-o", "x.wav"],
    ["share", "pelvic-tilts", "--host", "127.0.0.1", "--port", "1"],
    ["listen-test", "--seconds", "1"],
    ["doctor"],
]


@pytest.mark.parametrize("command", EVERY_READER, ids=" ".join)
def test_a_hand_edited_bad_value_is_one_line_naming_the_file_and_key_in_every_reader(
    run: Run, config: Callable[[str], None], command: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from voice_coach.share import app

    monkeypatch.setattr(app, "open_server", too_far)  # never serve: refused before that
    config("rest: 900\n")
    result = run(*command)
    err = one_line(result)
    if command == ["doctor"]:  # a failed check among the others, and doctor fails
        settings_line = next(line for line in result.out.splitlines() if "settings" in line)
        assert settings_line.startswith("!!") and "ffmpeg" in result.out
        err = settings_line
    assert "config.yaml (rest)" in err and "config unset rest" in err


@pytest.mark.parametrize(
    "command",
    [["play", "pelvic-tilts", "--listen"], ["play", "pelvic-tilts"], ["listen-test"]],
    ids=" ".join,
)
def test_a_hand_edited_wake_word_the_recogniser_cannot_hear_is_one_line_before_any_sound(
    run: Run, config: Callable[[str], None], command: list[str]
) -> None:
    config("listen: true\nlisten_wake_word: xqzzyv\n")
    err = one_line(run(*command))  # never TooFar (exit 70): said before the session
    assert "config.yaml (listen_wake_word)" in err and "'xqzzyv' cannot be the wake word" in err


def test_doctor_says_a_hand_edited_wake_word_is_bad_rather_than_failing(
    config: Callable[[str], None],
) -> None:
    from voice_coach import doctor

    config("listen_wake_word: xqzzyv\n")
    check = doctor.listening_check()  # was a ValueError out of the recogniser: exit 70
    assert not check.ok and not check.optional  # a failed check, not advice: doctor fails
    assert "config.yaml (listen_wake_word)" in check.detail


@pytest.mark.engine
def test_a_hand_edited_voice_is_named_with_the_settings_file_when_it_cannot_speak(
    run_cli_real: Run, config: Callable[[str], None], tmp_path: Path
) -> None:
    config("engine: piper\nvoice: gmw/en-us\n")
    err = one_line(run_cli_real("plan", "pelvic-tilts", "--cache-dir", str(tmp_path / "c")))
    assert "config.yaml (voice)" in err and "unknown voice 'gmw/en-us'" in err


def test_a_hand_edited_file_with_a_huge_number_or_key_is_one_short_line(
    run: Run, config: Callable[[str], None]
) -> None:
    config("listen_sensitivity: " + "9" * 10_000 + "\n")  # past Python's 4300-digit limit
    err = one_line(run("config", "list"))  # was an internal error, exit 70
    assert "config.yaml:1: a number of 10000 digits" in err
    config("? " + "k" * 100_000 + "\n: 1\n")  # an explicit key: no length limit in YAML
    err = one_line(run("config", "get", "rate"))
    assert len(err) < 400 and "…" in err
    assert "config set" not in err and "config unset kkk" in err  # unknown: only removable
    err = one_line(run("config", "set", "voice", "v" * 100_000))
    assert len(err) < 400


def test_an_empty_entry_says_it_has_no_value_and_minus_zero_is_zero(
    run: Run, config: Callable[[str], None]
) -> None:
    config("side:\n")
    err = one_line(run("plan", "pelvic-tilts"))
    assert "config.yaml (side)" in err and "side has no value" in err and "None" not in err
    listed = " ".join(run("config", "list").out.split())  # the table wraps its cells
    assert "INVALID (side has" in listed and "None" not in listed
    config("")
    assert run("config", "set", "listen_sensitivity", "-0").out == "listen_sensitivity = 0.0\n"


def test_config_list_marks_a_stored_value_its_stage_would_refuse(
    run: Run, config: Callable[[str], None], tmp_path: Path
) -> None:
    config(f"listen_wake_word: the\nmusic: {tmp_path / 'gone'}\nside: left\n")
    listed = " ".join(run("config", "list").out.split())  # the table wraps its cells
    # both were shown as "set", though listening and the session refuse them
    assert "INVALID ('the' cannot be the wake word" in listed
    assert "INVALID (there is no music file or folder" in listed
    assert listed.count("INVALID") == 2  # side: left is fine


@pytest.mark.parametrize("command", [["plan", "pelvic-tilts"], ["config", "list"]])
def test_a_stored_music_path_of_a_user_with_no_home_is_one_line_not_an_internal_error(
    run: Run, config: Callable[[str], None], command: list[str]
) -> None:
    config('music: "~nosuchuser9/songs"\n')
    result = run(*command)
    assert result.code in (0, 1)  # was 70: RuntimeError from Path.expanduser
    said = " ".join((result.out + result.err).split())  # config list: its table's cells wrap
    assert "~nosuchuser9 names no home folder" in said or "INVALID (~nosuchuser9 " in said
    if command[0] == "plan":  # the file and the repair named, as for any stored bad entry
        assert "config.yaml (music): the settings file has a bad entry" in said
        assert "config unset music" in said


def test_numbers_yaml_would_read_otherwise_are_kept_as_written_and_refused(
    run: Run, config: Callable[[str], None]
) -> None:
    # YAML 1.1 read 010 as 8, 0x3 as 3 and 1:30 as 90; config list showed them as set
    config("rest: 010\nlead_in: 0x3\nmusic_level: 1:30\nlisten_sensitivity: 0.5_0\n")
    listed = " ".join(run("config", "list").out.split())
    assert "rest 10 set" in listed  # leading zeros: the decimal number, as typed
    for written in ("'0x3' is not a valid", "'1:30' is not a valid", "'0.5_0' is not a valid"):
        assert "INVALID (" + written in listed


def test_a_music_setting_is_refused_for_a_pipe_or_a_name_too_long_and_kept_whole(
    run: Run, config: Callable[[str], None], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    os.mkfifo(tmp_path / "fifo")
    err = one_line(run("config", "set", "music", str(tmp_path / "fifo")))
    assert "is a named pipe or a device, not a music file or folder" in err  # not "no file"
    long = str(tmp_path / ("a" * 300))
    err = one_line(run("config", "set", "music", long))  # was File name too long, unnamed
    assert err.startswith("voice-coach: error: music: ") and "File name too long" in err
    config(f"music: {long}\n")
    assert "INVALID (" in run("config", "list").out  # config list, the repair tool, still lists
    (tmp_path / "song.mp3").write_bytes(b"")
    monkeypatch.chdir(tmp_path)
    config("")
    run("config", "set", "music", "song.mp3")
    assert run("config", "get", "music").out.strip() == str(tmp_path / "song.mp3")


def test_config_get_notes_a_stored_value_its_stage_would_refuse(
    run: Run, config: Callable[[str], None]
) -> None:
    config("listen_wake_word: the\nside: left\n")
    result = run("config", "get", "listen_wake_word")  # printed as set, with no word of it
    assert result.code == 0 and result.out == "the\n"  # scripts still read the value
    assert "note: 'the' cannot be the wake word" in result.err
    assert "config unset listen_wake_word" in result.err
    assert run("config", "get", "side").err == ""
