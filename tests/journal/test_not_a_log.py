"""A file that is not a log is never written into and never crashes a command: the right
version number with other tables or columns (edited by hand, or another program's tables of the
same names), another program's database at version 0, a file that is not a database, a named
pipe. Only a command that writes the log moves it aside (a pipe, not ours to move, is named);
a command that reads leaves it where it is, works on no sessions and says so in one line."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from support.disks import fill, small_disk
from support.running import Result

Run = Callable[..., Result]

OURS = "sessions(id INTEGER PRIMARY KEY, day, target, duration_s, pain_before, pain_after, source)"
WRONG_SHAPES = {
    "no effect column": (
        f"CREATE TABLE {OURS}; CREATE TABLE exercises(session_id, exercise, status)",
        1,
    ),
    "columns in another order": (
        f"CREATE TABLE {OURS}; CREATE TABLE exercises(session_id, exercise, effect, status)",
        1,
    ),
    "a trigger of its own": (
        f"CREATE TABLE {OURS}; CREATE TABLE exercises(session_id, exercise, status, effect);"
        " CREATE TRIGGER no AFTER INSERT ON exercises BEGIN SELECT RAISE(ABORT, 'no'); END",
        1,
    ),
    "another program's tables at version 0": (
        "CREATE TABLE moz_places(id INTEGER PRIMARY KEY, url TEXT)",
        0,
    ),
}
"""Databases that are not a log of the version they carry."""

READERS = (["log", "list"], ["log", "list", "--json"], ["progress"], ["progress", "--json"])
WRITERS = (["log", "add", "disc-bulge"], ["log", "rm", "1", "--yes"], ["log", "edit", "1"])


def database(home: Path, script: str, version: int) -> Path:
    path = home / "home" / "log.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.executescript(script)
        if version:
            db.execute("INSERT INTO sessions VALUES (1, '2026-01-01', 'disc-bulge', 0, 1, 2, 'x')")
        db.execute(f"PRAGMA user_version = {version}")
        db.commit()
    return path


def note(result: Result, *words: str) -> str:
    """Exit 0 with one line of note on stderr that says all of `words`."""
    assert result.code == 0, result.err
    assert result.err.startswith("voice-coach: note: ") and result.err.count("\n") == 1
    assert all(w in result.err for w in words), result.err
    return result.err


def error(result: Result, *words: str) -> str:
    """Exit 1 (never 70) with one line on stderr that says all of `words`."""
    assert result.code == 1, (result.code, result.err)
    assert result.err.startswith("voice-coach: error: ") and result.err.count("\n") == 1
    assert all(w in result.err for w in words), result.err
    return result.err


def aside(path: Path) -> list[Path]:
    return sorted(path.parent.glob("log.sqlite3.broken-*"))


@pytest.mark.parametrize("shape", WRONG_SHAPES)
def test_a_database_whose_tables_are_not_its_versions_is_read_as_no_log_and_left(
    run_cli: Run, home: Path, shape: str
) -> None:
    path = database(home, *WRONG_SHAPES[shape])
    kept = path.read_bytes()
    for command in READERS:
        note(run_cli(*command), str(path), "cannot be read", "left as it is", "moves it aside")
    plan = run_cli("plan", "disc-bulge")
    note(plan, str(path), "planned without your log")
    error(run_cli("recommend"), str(path), "cannot be read")
    error(run_cli("progress", "--plot", str(home / "pain.png")), str(path), "cannot be read")
    assert not (home / "home" / "content" / "my-plan.yaml").exists()
    assert path.read_bytes() == kept and aside(path) == []


@pytest.mark.parametrize("shape", WRONG_SHAPES)
@pytest.mark.parametrize("writer", WRITERS, ids=" ".join)
def test_a_database_whose_tables_are_not_its_versions_is_moved_aside_by_a_write(
    run_cli: Run, home: Path, shape: str, writer: list[str]
) -> None:
    path = database(home, *WRONG_SHAPES[shape])
    kept = path.read_bytes()
    error(run_cli(*writer), str(path), "moved aside")
    (moved,) = aside(path)
    assert moved.read_bytes() == kept  # never written into: another program's data is whole
    assert run_cli("log", "add", "disc-bulge").code == 0
    assert run_cli("log", "list").out.count("disc-bulge") == 1


def test_a_file_that_is_not_a_database_is_moved_aside_only_by_a_write(
    run_cli: Run, home: Path
) -> None:
    path = home / "home" / "log.sqlite3"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a database at all, " * 100)
    for command in READERS:
        note(run_cli(*command), str(path), "left as it is", "next command that writes")
    assert path.exists() and aside(path) == []
    error(run_cli("log", "add", "clam-shell"), "moved aside")
    assert len(aside(path)) == 1


def test_a_named_pipe_as_the_log_is_said_to_be_no_regular_file(run_cli: Run, home: Path) -> None:
    path = home / "home" / "log.sqlite3"
    path.parent.mkdir(parents=True)
    os.mkfifo(path)
    for command in READERS:
        note(run_cli(*command), "named pipe, not a regular file")
    note(run_cli("plan", "clam-shell"), "named pipe", "planned without your log")
    for command in WRITERS:
        err = error(run_cli(*command), str(path), "named pipe, not a regular file")
        assert "disk" not in err
    assert path.is_fifo() and aside(path) == []


def test_reading_never_makes_the_log_even_on_a_full_disk(run_cli: Run, home: Path) -> None:
    folder = home / "home"
    with small_disk(folder):
        fill(folder)
        error(run_cli("log", "add", "clam-shell"), "disk is full")
        assert not (folder / "log.sqlite3").exists()  # the failed write left nothing
        (folder / "log.sqlite3").touch()  # as an older voice-coach's failed write left it
        for command in READERS:
            result = run_cli(*command)
            assert result.code == 0 and result.err == "", (command, result.err)
        assert run_cli("plan", "clam-shell").err == ""
        assert (folder / "log.sqlite3").stat().st_size == 0
        (folder / "log.sqlite3").unlink()
        for command in READERS:
            assert run_cli(*command).code == 0
        assert not (folder / "log.sqlite3").exists()


KILLED_WRITE = """
import os, sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("PRAGMA cache_size = 1")  # so that the journal is written before the end
db.execute("BEGIN IMMEDIATE")
for _ in range(2000):
    db.execute("INSERT INTO sessions (day, target, source) VALUES ('2026-11-01', ?, 'manual')",
               ("x" * 200,))
os._exit(9)  # killed midway: the journal is left beside the log
"""


def test_a_log_a_killed_write_left_with_its_journal_is_read_as_it_was(
    run_cli: Run, home: Path
) -> None:
    assert run_cli("log", "add", "clam-shell").code == 0
    path = home / "home" / "log.sqlite3"
    subprocess.run([sys.executable, "-c", KILLED_WRITE, str(path)], check=False)
    assert path.with_name("log.sqlite3-journal").exists()
    listed = run_cli("log", "list", "--json")
    assert listed.code == 0 and listed.err == "", listed.err
    assert [s["target"] for s in json.loads(listed.out)["sessions"]] == ["clam-shell"]
