"""A log that cannot be read never stops a session, and is never ignored without a word: `plan`
and `play` say in one line that the log (named) could not be read, why, and what that means for
today (an exercise rated worse is not left out, the pain trend is not checked), then go on."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from support.disks import as_a_user
from support.fakes import FakeWorld
from support.playback import instant
from support.running import Result

from voice_coach import coach
from voice_coach.errors import UserError
from voice_coach.session.options import SessionOptions

Run = Callable[..., Result]
World = Callable[..., FakeWorld]

FAULTS = {
    "no permission": "cannot be opened",
    "busy": "busy",
    "not a database": "cannot be read",
}


@contextlib.contextmanager
def unreadable(fault: str, path: Path) -> Iterator[None]:
    """The log at `path` that cannot be read now, as `fault` says."""
    if fault == "no permission":
        path.chmod(0)
        try:
            with as_a_user():
                yield
        finally:
            path.chmod(0o600)
    elif fault == "busy":
        with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as other:
            other.execute("BEGIN EXCLUSIVE")  # another voice-coach, writing
            yield
            other.execute("ROLLBACK")
    else:
        path.write_bytes(b"garbage " * 200)
        yield


def rated_worse(run_cli: Run, home: Path) -> Path:
    added = run_cli("log", "add", "clam-shell", "--effect", "clam-shell=worse")
    assert added.code == 0, added.err
    return home / "home" / "log.sqlite3"


def said_for_today(line: str, path: Path, fault: str) -> None:
    assert str(path) in line and FAULTS[fault] in line, line
    assert "planned without your log" in line and "rating of worse" in line, line


@pytest.mark.parametrize("fault", FAULTS)
def test_plan_says_in_one_line_that_the_log_could_not_be_read_and_goes_on(
    run_cli: Run, home: Path, fault: str
) -> None:
    path = rated_worse(run_cli, home)
    with unreadable(fault, path):
        result = run_cli("plan", "clam-shell", "pelvic-tilts")
    assert result.code == 0 and "clam-shell" in result.out, result.err
    assert result.err.startswith("voice-coach: note: ") and result.err.count("\n") == 1
    said_for_today(result.err, path, fault)


@pytest.mark.parametrize("fault", ["no permission", "not a database"])
def test_play_says_it_before_the_session_and_plays(
    run_cli: Run, world: World, home: Path, fault: str
) -> None:
    path = rated_worse(run_cli, home)
    w = world([], terminal=False, player=instant([]))
    with unreadable(fault, path), contextlib.suppress(UserError):  # (logging it may fail)
        coach.play(
            ("clam-shell",), SessionOptions(reps=1, hold_s=2), coach.PlayRequest("instant"), w.env
        )
    notes = [line for line in w.out if "log.sqlite3" in line and "planned without" in line]
    assert len(notes) == 1, w.out
    said_for_today(notes[0], path, fault)
