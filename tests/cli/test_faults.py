"""Faults and hostile input, one class each: one clear line, exit 1 (2 for usage), never 70,
nothing lost, no link followed, nothing sent raw to the terminal, and state a user can repair."""

from __future__ import annotations

import errno
import os
import sqlite3
import wave
from collections.abc import Callable
from pathlib import Path

import pytest
from support.files import write
from support.running import Result, one_line

from voice_coach import files
from voice_coach.journal import log

Run = Callable[..., Result]


def log_rows(home: Path) -> list[tuple[object, ...]]:
    path = home / "home" / "log.sqlite3"
    with sqlite3.connect(path) as db:
        return db.execute("SELECT * FROM sessions").fetchall()


# 1. Temporary files are created exclusively, under unpredictable names, never through a link.


def test_a_link_planted_at_the_temporary_name_is_never_followed(
    run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    out = tmp_path / "out.wav"
    monkeypatch.setattr(files.secrets, "token_hex", lambda n: "abcd1234")
    planted = tmp_path / f".out.wav.{os.getpid()}.abcd1234.part"
    planted.symlink_to(victim)
    err = one_line(run_cli("export", "pelvic-tilts", "--reps", "1", "-o", str(out)))
    assert "in the way" in err or "exists" in err.lower()
    assert victim.read_text() == "precious" and not out.exists()


def test_temporary_names_are_unpredictable(tmp_path: Path) -> None:
    names = set()
    for _ in range(3):
        with files.replacing(tmp_path / "x.txt") as temp:
            names.add(temp.name)
    assert len(names) == 3


# 2. Text from content and arguments cannot drive the terminal.


def test_escape_sequences_in_content_are_refused_at_their_line(
    run_cli: Run, tmp_path: Path
) -> None:
    write(
        tmp_path / "mine",
        "x.yaml",
        'exercises:\n  - id: evil\n    name: "Evil \\e[2J\\e]0;pwned\\a"\n    source: s\n'
        "    position: p\n    setup: [a]\n    steps: [b]\n    dosage: {hold: 5}\n",
    )
    err = one_line(run_cli("show", "evil", "--content-dir", str(tmp_path / "mine")))
    assert "x.yaml:3" in err and "control character" in err


def test_escape_sequences_in_arguments_are_shown_inert(run_cli: Run) -> None:
    err = one_line(run_cli("show", "evil\x1b[2J"))
    assert "\\x1b[2J" in err


# 3. Faults of the machine are a user's problem: one line naming the file, exit 1.


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (errno.ENOSPC, "free some disk space"),
        (errno.EROFS, "read-only"),
        (errno.EACCES, "permission"),
    ],
)
def test_a_full_or_read_only_disk_is_one_line_and_the_old_file_is_kept(
    run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, words: str
) -> None:
    out = tmp_path / "session.wav"
    out.write_bytes(b"the old export")

    def fail(self: object, data: bytes) -> None:
        raise OSError(code, os.strerror(code), str(out))

    monkeypatch.setattr(wave.Wave_write, "writeframes", fail)
    err = one_line(run_cli("export", "pelvic-tilts", "--reps", "1", "-o", str(out)))
    assert str(out) in err and words in err
    assert out.read_bytes() == b"the old export"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_file_name_too_long_is_one_line(run_cli: Run, tmp_path: Path) -> None:
    err = one_line(run_cli("export", "pelvic-tilts", "-o", str(tmp_path / ("x" * 300 + ".wav"))))
    assert "shorter file name" in err


def test_home_pointing_at_a_file_is_one_line(
    run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("VOICE_COACH_HOME", str(blocker))
    one_line(run_cli("config", "set", "side", "left"))
    one_line(run_cli("log", "add", "pelvic-tilts"))


def test_a_plot_into_a_missing_folder_is_one_line(run_cli: Run, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    run_cli("log", "add", "pelvic-tilts", "--pain-after", "3")
    err = one_line(run_cli("progress", "--plot", str(tmp_path / "nowhere" / "pain.png")))
    assert "does not exist" in err


def test_a_settings_file_that_is_not_utf8_names_the_file(run_cli: Run, home: Path) -> None:
    (home / "home").mkdir(parents=True)
    (home / "home" / "config.yaml").write_bytes(b"side: \xff\xfe\n")
    err = one_line(run_cli("plan", "pelvic-tilts"))
    assert "config.yaml" in err and "UTF-8" in err


def test_a_locked_log_is_one_line_and_nothing_is_lost(run_cli: Run, home: Path) -> None:
    assert run_cli("log", "add", "pelvic-tilts").code == 0
    before = log_rows(home)
    db = sqlite3.connect(home / "home" / "log.sqlite3")
    db.execute("BEGIN EXCLUSIVE")
    try:
        err = one_line(run_cli("log", "add", "clam-shell"))
        assert "busy" in err and "log.sqlite3" in err
    finally:
        db.rollback()
        db.close()
    assert log_rows(home) == before


# 4. Broken state never blocks what does not need it, and can always be repaired.


def test_a_bad_setting_names_itself_and_config_repairs_it(run_cli: Run, home: Path) -> None:
    (home / "home").mkdir(parents=True)
    (home / "home" / "config.yaml").write_text("rest: 900\ncolour: blue\n")
    assert run_cli("causes").code == 0  # needs no settings
    err = one_line(run_cli("plan", "pelvic-tilts"))
    assert "config.yaml" in err and "config unset" in err
    assert run_cli("config", "unset", "colour").code == 0  # a key voice-coach does not know
    assert run_cli("config", "set", "rest", "10").code == 0  # the bad value, replaced
    assert run_cli("plan", "pelvic-tilts").code == 0


def test_a_corrupt_log_does_not_block_plans_and_is_moved_aside(run_cli: Run, home: Path) -> None:
    (home / "home").mkdir(parents=True)
    (home / "home" / "log.sqlite3").write_bytes(b"this is not a database" * 100)
    assert run_cli("plan", "pelvic-tilts").code == 0
    assert run_cli("export", "pelvic-tilts", "--reps", "1", "-o", str(home / "x.wav")).code == 0
    err = one_line(run_cli("log", "add", "pelvic-tilts"))
    assert "moved aside" in err
    kept = list((home / "home").glob("log.sqlite3.broken-*"))
    assert len(kept) == 1 and kept[0].read_bytes().startswith(b"this is not a database")
    assert run_cli("log", "add", "pelvic-tilts").code == 0
    assert run_cli("progress", "--json").code == 0


def test_my_plan_with_an_exercise_from_elsewhere_breaks_nothing(
    run_cli: Run, home: Path, tmp_path: Path
) -> None:
    extra = tmp_path / "extra"
    write(
        extra,
        "x.yaml",
        "exercises:\n  - id: my-move\n    name: My Move\n    source: me\n    position: standing\n"
        "    setup: [Stand.]\n    steps: [Move.]\n    dosage: {reps: 5}\n",
    )
    run_cli("log", "add", "my-move", "--content-dir", str(extra), "--effect", "my-move=better")
    run_cli("log", "add", "clam-shell", "--effect", "clam-shell=better")
    assert run_cli("recommend", "--content-dir", str(extra)).code == 0  # my-plan names my-move
    for command in (["causes"], ["exercises"], ["plan", "my-plan"], ["log", "add", "clam-shell"]):
        assert run_cli(*command).code == 0, command
    assert "my-move" in run_cli("plan", "my-plan", "--content-dir", str(extra)).out


# 5. Every YAML goes through one safe loader with limits.


def test_an_alias_bomb_in_the_settings_is_refused(run_cli: Run, home: Path) -> None:
    (home / "home").mkdir(parents=True)
    bomb = "a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
    bomb += "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
    (home / "home" / "config.yaml").write_text(bomb)
    err = one_line(run_cli("plan", "pelvic-tilts"))
    assert "aliases" in err and "config.yaml:2" in err


def test_deep_nesting_in_content_is_refused_quickly(run_cli: Run, tmp_path: Path) -> None:
    write(tmp_path / "deep", "d.yaml", "exercises: " + "[" * 5000 + "]" * 5000 + "\n")
    err = one_line(run_cli("causes", "--content-dir", str(tmp_path / "deep")))
    assert "nested more than" in err and "d.yaml:1" in err


# 6. Hostile cache entries are cleared and rebuilt; an unwritable cache only costs speed.


def entry_paths(cache: Path) -> list[Path]:
    return sorted(p for p in cache.iterdir() if p.suffix == ".cue")


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "folder"])
def test_a_hostile_cache_entry_is_rebuilt(run_cli: Run, tmp_path: Path, kind: str) -> None:
    cache = tmp_path / "cache"
    plan = ("plan", "pelvic-tilts", "--reps", "1", "--cache-dir", str(cache), "--json")
    first = run_cli(*plan)
    assert first.code == 0
    victim = entry_paths(cache)[0]
    victim.unlink()
    if kind == "fifo":
        os.mkfifo(victim)
    elif kind == "dev-zero":
        victim.symlink_to("/dev/zero")
    else:
        victim.mkdir()
        (victim / "inside").write_text("x")
    again = run_cli(*plan)
    assert again.code == 0 and again.out == first.out
    assert victim.is_file() and not victim.is_symlink()


def test_an_unwritable_cache_slows_the_session_but_does_not_stop_it(
    run_cli: Run, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    cache = blocker / "cache"  # cannot be made: every cue is kept in memory only
    assert run_cli("plan", "pelvic-tilts", "--reps", "1", "--cache-dir", str(cache)).code == 0


def test_leftovers_of_a_killed_synthesis_are_swept(run_cli: Run, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    stale = cache / ".tmp-killed.cue"
    stale.write_bytes(b"half")
    os.utime(stale, (1, 1))
    fresh = cache / ".tmp-running.cue"
    fresh.write_bytes(b"being written")
    assert run_cli("plan", "pelvic-tilts", "--reps", "1", "--cache-dir", str(cache)).code == 0
    assert not stale.exists() and fresh.exists()


# 7. Duplicates and limits.


def test_the_same_exercise_twice_is_one_row(run_cli: Run, home: Path) -> None:
    assert run_cli("log", "add", "pelvic-tilts", "pelvic-tilts").code == 0
    with sqlite3.connect(home / "home" / "log.sqlite3") as db:
        assert db.execute("SELECT exercise FROM exercises").fetchall() == [("pelvic-tilts",)]


def test_a_played_playlist_with_a_repeated_exercise_logs_once(tmp_path: Path) -> None:
    entry = log.Entry(
        day=__import__("datetime").date(2026, 11, 20),
        target="x",
        completed=("clam-shell", "clam-shell"),
        skipped=("clam-shell", "pelvic-tilts"),
    )
    log.add(entry, tmp_path / "log.sqlite3")
    (found,) = log.sessions(tmp_path / "log.sqlite3")
    assert found.completed == ("clam-shell",) and found.skipped == ("pelvic-tilts",)


def test_a_name_too_long_for_a_file_is_refused(run_cli: Run, tmp_path: Path) -> None:
    write(
        tmp_path / "mine",
        "x.yaml",
        f"exercises:\n  - id: long\n    name: {'N' * 300}\n    source: s\n    position: p\n"
        "    setup: [a]\n    steps: [b]\n    dosage: {hold: 5}\n",
    )
    err = one_line(run_cli("causes", "--content-dir", str(tmp_path / "mine")))
    assert "x.yaml:3" in err and "at most 60" in err


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--pain-after", ""], "not ''"),
        (["--effect", "clam-shell=better", "--effect", "clam-shell=worse"], "rated twice"),
    ],
)
def test_empty_or_repeated_values_are_refused(
    run_cli: Run, home: Path, args: list[str], words: str
) -> None:
    err = one_line(run_cli("log", "add", "clam-shell", *args))
    assert words in err
    assert not (home / "home" / "log.sqlite3").exists() or log_rows(home) == []


@pytest.mark.engine
def test_an_unknown_voice_is_refused_when_it_is_set(run_cli_real: Run) -> None:
    err = one_line(run_cli_real("config", "set", "voice", "klingon"))
    assert "klingon" in err and "voice-coach voices" in err


@pytest.mark.engine
def test_a_junk_voice_model_is_one_line(run_cli_real: Run, tmp_path: Path) -> None:
    model = tmp_path / "junk.onnx"
    model.write_bytes(b"not a model")
    (tmp_path / "junk.onnx.json").write_text("{}")
    err = one_line(
        run_cli_real(
            "plan", "pelvic-tilts", "--voice-model", str(model), "--cache-dir", str(tmp_path / "c")
        )
    )
    assert "is not a Piper voice model" in err


def test_a_settings_file_holding_lists_can_still_be_repaired(run_cli: Run, home: Path) -> None:
    (home / "home").mkdir(parents=True)
    (home / "home" / "config.yaml").write_text("exercises: []\nside: {a: [1]}\n")
    assert run_cli("config", "unset", "side").code == 0  # found by the property test
    assert run_cli("config", "unset", "exercises").code == 0
    assert run_cli("plan", "pelvic-tilts", "--reps", "1").code == 0


def test_doctor_names_the_exact_package_for_each_missing_sound_part(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import sys

    from voice_coach import doctor

    no_cards = tmp_path / "cards"
    no_cards.write_text("--- no soundcards ---\n")
    real_path = doctor.Path
    monkeypatch.setattr(
        doctor, "Path", lambda p: no_cards if p == "/proc/asound/cards" else real_path(p)
    )
    monkeypatch.setitem(sys.modules, "alsaaudio", None)  # the player module missing
    assert "pip install pyalsaaudio" in doctor.sound_check().detail
    monkeypatch.setitem(sys.modules, "alsaaudio", type(sys)("alsaaudio"))
    monkeypatch.setattr(doctor.shutil, "which", lambda name: None)  # no sound server at all
    check = doctor.sound_check()
    assert not check.ok and "apt-get install pulseaudio" in check.detail
    monkeypatch.setattr(doctor.shutil, "which", lambda name: "/usr/bin/true")  # one runs...
    monkeypatch.setattr(doctor, "PLUGIN_ROOTS", (str(tmp_path),))  # ...but ALSA cannot reach it
    check = doctor.sound_check()
    assert not check.ok and "apt-get install libasound2-plugins" in check.detail
    (tmp_path / "lib" / "alsa-lib").mkdir(parents=True)
    (tmp_path / "lib" / "alsa-lib" / doctor.PULSE_PLUGIN).touch()
    assert doctor.sound_check().ok


def test_a_microphone_level_is_its_loudest_moment_and_zeros_are_silence() -> None:
    import math
    from array import array

    from voice_coach.listening.microphone import RATE, level_dbfs

    assert level_dbfs(bytes(RATE * 2)) is None  # digital silence: muted or not connected
    quiet = [int(100 * math.sin(i / 7)) for i in range(RATE)]
    said = [int(0.1 * 32767 * math.sqrt(2) * math.sin(i / 7)) for i in range(RATE // 5)]
    level = level_dbfs(array("h", quiet + said + quiet).tobytes())
    assert level is not None and abs(level - -20) < 0.5


def test_a_full_disk_under_ffmpeg_is_the_usual_line_naming_the_users_file(tmp_path: Path) -> None:
    from voice_coach.audio.export import raise_os_fault

    wanted = tmp_path / "session.mp3"
    message = "Error closing file /x/.session.mp3.1.part: No space left on device"
    with pytest.raises(OSError) as caught:
        raise_os_fault(message, wanted)
    assert caught.value.filename == str(wanted) and caught.value.errno == errno.ENOSPC
    raise_os_fault("Invalid data found when processing input", wanted)  # ours: not a fault
