"""The log is never lost to a fault that is not its own: a log that cannot be written (a full
disk, a read-only file or folder, no permission) keeps its name and its sessions, and only a
file that is not a log is moved aside. Each fault is real (a full tmpfs, permissions applied to
root as to anyone): see support.disks."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from support.disks import as_a_user, fill, small_disk
from support.fakes import FakeWorld
from support.playback import instant
from support.running import Result

from voice_coach import coach
from voice_coach.errors import UserError
from voice_coach.journal import migrations
from voice_coach.session.options import SessionOptions

Run = Callable[..., Result]
World = Callable[..., FakeWorld]

FAULTS = {
    "full disk": "disk is full",
    "read-only file": "read-only",
    "read-only folder": "read-only",
    "no permission": "cannot be opened",
}
"""Each way a whole log cannot be written, and the words that say it."""


def one_line(result: Result) -> str:
    assert result.code == 1, (result.code, result.err)
    assert result.err.startswith("voice-coach: error: ") and result.err.count("\n") == 1
    assert "internal error" not in result.err and "Traceback" not in result.err
    return result.err


def rows(folder: Path) -> list[tuple[object, ...]]:
    with contextlib.closing(sqlite3.connect(folder / "log.sqlite3")) as db:
        return db.execute("SELECT * FROM sessions ORDER BY id").fetchall()


@contextlib.contextmanager
def unwritable(fault: str, folder: Path, first: Callable[[], None]) -> Iterator[None]:
    """The log in `folder`, made by `first`, then impossible to write as `fault` says."""
    if fault == "full disk":
        with small_disk(folder):
            first()
            fill(folder)
            yield
        return
    first()
    target = folder if fault == "read-only folder" else folder / "log.sqlite3"
    mode = target.stat().st_mode
    target.chmod({"read-only file": 0o400, "read-only folder": 0o500, "no permission": 0}[fault])
    try:
        with as_a_user():
            yield
    finally:
        target.chmod(mode)


def two_sessions(run_cli: Run) -> Callable[[], None]:
    def add() -> None:
        for target in ("clam-shell", "pelvic-tilts"):
            assert run_cli("log", "add", target, "--pain-after", "3").code == 0

    return add


@pytest.mark.parametrize("fault", FAULTS)
def test_a_log_that_cannot_be_written_is_never_taken_for_a_broken_one(
    run_cli: Run, home: Path, fault: str
) -> None:
    folder = home / "home"
    with unwritable(fault, folder, two_sessions(run_cli)):
        for command in (
            ["log", "add", "knees-to-chest"],
            ["log", "add", "knees-to-chest"],  # the same again: nothing was moved the first time
            ["log", "edit", "1", "--pain-after", "1"],
            ["log", "rm", "1", "--yes"],
        ):
            err = one_line(run_cli(*command))
            assert FAULTS[fault] in err and str(folder / "log.sqlite3") in err, err
            assert "moved aside" not in err and "new log" not in err
        listed = run_cli("log", "list")
        if fault == "no permission":
            assert FAULTS[fault] in one_line(listed)
        else:
            assert listed.code == 0 and "clam-shell" in listed.out and "pelvic-tilts" in listed.out
            kept(folder)  # (a full disk is gone once unmounted)
    if fault == "no permission":
        kept(folder)  # (readable again)


def kept(folder: Path) -> None:
    """The two sessions, in the log under its own name, and nothing moved aside."""
    assert [(r[2], r[5]) for r in rows(folder)] == [("clam-shell", 3), ("pelvic-tilts", 3)]
    assert [p.name for p in folder.iterdir() if "broken" in p.name] == []


@pytest.mark.parametrize("fault", ["full disk", "read-only file", "read-only folder"])
def test_a_log_that_cannot_be_written_after_play_says_how_to_log_the_session_later(
    run_cli: Run, world: World, home: Path, fault: str
) -> None:
    folder = home / "home"
    with unwritable(fault, folder, two_sessions(run_cli)):
        w = world([], terminal=False, player=instant([]))
        request = coach.PlayRequest("instant", pain_before=4)
        with pytest.raises(UserError) as said:
            coach.play(("pelvic-tilts",), SessionOptions(reps=1, hold_s=2), request, w.env)
        text = str(said.value)
        assert FAULTS[fault] in text and "this session was not logged" in text, text
        assert "voice-coach log add pelvic-tilts --date " in text and "--pain-before 4" in text
        assert not any("moved aside" in line for line in w.out)
        kept(folder)


def test_a_database_that_is_not_a_log_is_moved_aside_but_a_sound_log_never_is(
    run_cli: Run, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = home / "home"
    folder.mkdir(parents=True)
    with contextlib.closing(sqlite3.connect(folder / "log.sqlite3")) as db:
        db.execute("CREATE TABLE sessions (title TEXT)")  # another program's database
        db.commit()
    assert "moved aside" in one_line(run_cli("log", "add", "clam-shell"))
    assert run_cli("log", "add", "clam-shell").code == 0 and len(rows(folder)) == 1

    def our_bug(db: sqlite3.Connection, where: str) -> None:
        db.execute("SELECT no_such_column FROM sessions")

    monkeypatch.setattr(migrations, "migrate", our_bug)
    assert run_cli("log", "add", "pelvic-tilts").code == 70  # ours to fix, not the log's fault
    assert len(rows(folder)) == 1 and len(list(folder.glob("log.sqlite3.broken-*"))) == 1
