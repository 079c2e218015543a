"""The session log's migrations: a log of every released version, written here with that
version's own SQL, opens with today's code with every row as it was and the version current; a
new log gets every step once; a newer log is refused in one line and left untouched; a step that
fails leaves the file as it was."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from support.running import Result

from voice_coach.journal import log, migrations

Run = Callable[..., Result]

RELEASED: dict[int, tuple[str, ...]] = {
    0: (),
    1: (
        # as first released (806e50d) and unchanged since, word for word
        "CREATE TABLE sessions (\n"
        "    id INTEGER PRIMARY KEY,\n"
        "    day TEXT NOT NULL,\n"
        "    target TEXT NOT NULL,\n"
        "    duration_s REAL NOT NULL DEFAULT 0,\n"
        "    pain_before INTEGER CHECK (pain_before BETWEEN 0 AND 10),\n"
        "    pain_after INTEGER CHECK (pain_after BETWEEN 0 AND 10),\n"
        "    source TEXT NOT NULL CHECK (source IN ('play', 'manual'))\n"
        ")",
        "CREATE TABLE exercises (\n"
        "    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,\n"
        "    exercise TEXT NOT NULL,\n"
        "    status TEXT NOT NULL CHECK (status IN ('completed', 'skipped')),\n"
        "    effect TEXT CHECK (effect IN ('better', 'same', 'worse')),\n"
        "    PRIMARY KEY (session_id, exercise)\n"
        ")",
    ),
    2: (
        # sessions from the phone's page (`share`), and the ids it sent them under
        "CREATE TABLE sessions (\n"
        "    id INTEGER PRIMARY KEY,\n"
        "    day TEXT NOT NULL,\n"
        "    target TEXT NOT NULL,\n"
        "    duration_s REAL NOT NULL DEFAULT 0,\n"
        "    pain_before INTEGER CHECK (pain_before BETWEEN 0 AND 10),\n"
        "    pain_after INTEGER CHECK (pain_after BETWEEN 0 AND 10),\n"
        "    source TEXT NOT NULL CHECK (source IN ('play', 'manual', 'phone'))\n"
        ")",
        "CREATE TABLE exercises (\n"
        "    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,\n"
        "    exercise TEXT NOT NULL,\n"
        "    status TEXT NOT NULL CHECK (status IN ('completed', 'skipped')),\n"
        "    effect TEXT CHECK (effect IN ('better', 'same', 'worse')),\n"
        "    PRIMARY KEY (session_id, exercise)\n"
        ")",
        "CREATE TABLE phone_sends (\n"
        "    id TEXT PRIMARY KEY,\n"
        "    session_id INTEGER REFERENCES sessions(id) ON DELETE SET NULL\n"
        ")",
    ),
}
"""Each released version's tables, as that version's SQL made them. Adding step N means adding
version N here (what it makes) and its rows below: a released version is never changed."""

ROWS: dict[int, tuple[str, ...]] = {
    0: (),
    1: (
        "INSERT INTO sessions VALUES (3, '2026-11-20', 'disc-bulge', 612.5, 6, 4, 'play')",
        "INSERT INTO sessions (id, day, target, source) VALUES (7, '2026-11-21', 'x', 'manual')",
        "INSERT INTO sessions VALUES (12, '2026-11-19', 'my-plan', 0, 7, NULL, 'manual')",
        "INSERT INTO exercises VALUES (3, 'clam-shell', 'completed', 'better')",
        "INSERT INTO exercises VALUES (3, 'pelvic-tilts', 'completed', NULL)",
        "INSERT INTO exercises VALUES (3, 'sciatic-nerve-glide', 'skipped', NULL)",
        "INSERT INTO exercises VALUES (7, 'knees-to-chest', 'completed', 'worse')",
    ),
    2: (
        "INSERT INTO sessions VALUES (3, '2026-11-20', 'disc-bulge', 612.5, 6, 4, 'play')",
        "INSERT INTO sessions VALUES (5, '2026-11-22', 'pelvic-tilts', 0, 5, 3, 'phone')",
        "INSERT INTO exercises VALUES (3, 'clam-shell', 'completed', 'better')",
        "INSERT INTO exercises VALUES (5, 'pelvic-tilts', 'completed', 'same')",
        "INSERT INTO phone_sends VALUES ('page-made-id-1', 5)",
        "INSERT INTO phone_sends VALUES ('page-made-id-0', NULL)",
    ),
}
"""Rows a person's log of each version holds, in that version's own SQL."""

DAY = dt.date(2026, 11, 19)
ENTRIES: dict[int, list[log.Entry]] = {
    0: [],
    1: [
        log.Entry(DAY, "my-plan", (), pain_before=7, id=12),
        log.Entry(
            DAY + dt.timedelta(days=1),
            "disc-bulge",
            ("clam-shell", "pelvic-tilts"),
            ("sciatic-nerve-glide",),
            duration_s=612.5,
            pain_before=6,
            pain_after=4,
            effects={"clam-shell": "better"},
            source="play",
            id=3,
        ),
        log.Entry(
            DAY + dt.timedelta(days=2),
            "x",
            ("knees-to-chest",),
            effects={"knees-to-chest": "worse"},
            id=7,
        ),
    ],
    2: [
        log.Entry(
            DAY + dt.timedelta(days=1),
            "disc-bulge",
            ("clam-shell",),
            duration_s=612.5,
            pain_before=6,
            pain_after=4,
            effects={"clam-shell": "better"},
            source="play",
            id=3,
        ),
        log.Entry(
            DAY + dt.timedelta(days=3),
            "pelvic-tilts",
            ("pelvic-tilts",),
            pain_before=5,
            pain_after=3,
            effects={"pelvic-tilts": "same"},
            source="phone",
            id=5,
        ),
    ],
}
"""What today's code reads from each version's rows."""

LATEST = len(migrations.STEPS)


def write_log(path: Path, version: int) -> None:
    """A log as voice-coach `version` left it, written with that version's own SQL."""
    with sqlite3.connect(path) as db:
        for statement in RELEASED[version] + ROWS[version]:
            db.execute(statement)
        db.execute(f"PRAGMA user_version = {version}")
    db.close()


def schema(path: Path) -> tuple[str, ...]:
    with sqlite3.connect(path) as db:
        found = db.execute("SELECT sql FROM sqlite_master WHERE type = 'table' ORDER BY rowid")
        result = tuple(sql for (sql,) in found)
    db.close()
    return result


def version_of(path: Path) -> int:
    with sqlite3.connect(path) as db:
        found: int = db.execute("PRAGMA user_version").fetchone()[0]
    db.close()
    return found


def rows_of(path: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as db:
        found = db.execute("SELECT * FROM sessions ORDER BY id").fetchall()
        found += db.execute("SELECT * FROM exercises ORDER BY session_id, exercise").fetchall()
    db.close()
    return found


def test_every_released_version_is_kept_here() -> None:
    versions = list(range(LATEST + 1))
    assert sorted(RELEASED) == sorted(ROWS) == sorted(ENTRIES) == versions
    names = [step.__name__ for step in migrations.STEPS]
    assert names == [f"m{n:03d}_{name.split('_', 1)[1]}" for n, name in enumerate(names, 1)]


@pytest.mark.parametrize("version", sorted(RELEASED))
def test_the_first_steps_make_each_released_version_exactly(version: int, tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite3"
    with sqlite3.connect(path) as db:
        for step in migrations.STEPS[:version]:
            step(db)
    db.close()
    assert schema(path) == RELEASED[version]


@pytest.mark.parametrize("version", sorted(RELEASED))
def test_a_log_of_every_version_opens_up_to_date_with_every_row(
    version: int, tmp_path: Path
) -> None:
    path = tmp_path / "log.sqlite3"
    write_log(path, version)
    assert log.sessions(path) == ENTRIES[version]
    assert version_of(path) == LATEST and schema(path) == RELEASED[LATEST]
    new = log.add(log.Entry(DAY, "clam-shell", ("clam-shell",), pain_after=2), path)
    assert [e.id for e in log.sessions(path)].count(new) == 1  # and it takes new sessions


def test_a_log_already_up_to_date_keeps_its_rows_exactly(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite3"
    write_log(path, LATEST)
    before = rows_of(path)
    log.sessions(path)
    assert rows_of(path) == before


@pytest.mark.parametrize("made", ["missing", "empty file"])
def test_a_new_log_gets_every_step_once(
    made: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "log.sqlite3"
    if made == "empty file":
        path.touch()
    names = [step.__name__ for step in migrations.STEPS]
    ran: list[str] = []

    def recorded(step: migrations.Step) -> migrations.Step:
        def run(db: sqlite3.Connection) -> None:
            if db.execute("PRAGMA database_list").fetchone()[2]:  # not the schema in memory
                ran.append(step.__name__)
            step(db)

        return run

    monkeypatch.setattr(migrations, "STEPS", [recorded(s) for s in migrations.STEPS])
    for _ in range(2):  # opened again: no step runs twice
        with log.connect(path):
            assert log.sessions(path) == []
    assert ran == names and len(names) == LATEST
    assert version_of(path) == LATEST and schema(path) == RELEASED[LATEST]


def test_a_newer_log_is_refused_in_one_line_and_left_untouched(run_cli: Run, home: Path) -> None:
    path = home / "home" / "log.sqlite3"
    path.parent.mkdir(parents=True)
    write_log(path, LATEST)
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {LATEST + 1}")
    db.close()
    kept = path.read_bytes()
    line = (
        f"voice-coach: error: {path}: the session log was written by a newer voice-coach "
        f"(schema {LATEST + 1}) (upgrade voice-coach)\n"
    )
    for args in (["log", "list"], ["log", "add", "clam-shell"], ["log", "rm", "3", "--yes"]):
        result = run_cli(*args)
        assert result.code == 1 and result.err == line, result.err
    assert run_cli("plan", "pelvic-tilts").code == 0  # a plan does not need the log
    assert path.read_bytes() == kept
    assert sorted(p.name for p in path.parent.iterdir()) == ["log.sqlite3"]


def broken_step(error: Exception) -> migrations.Step:
    """A step that changes a good deal before it fails."""

    def m099_broken(db: sqlite3.Connection) -> None:
        db.execute("ALTER TABLE sessions ADD COLUMN mood TEXT")
        db.execute("UPDATE sessions SET pain_before = 0")
        db.execute("DELETE FROM exercises")
        db.execute("CREATE TABLE notes (text TEXT)")
        raise error

    return m099_broken


@pytest.mark.parametrize("version", sorted(RELEASED))
def test_a_step_that_fails_leaves_the_file_as_it_was(
    version: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "log.sqlite3"
    write_log(path, version)  # every step it lacks, and then one that fails, in one go
    kept = path.read_bytes()
    steps = [*migrations.STEPS, broken_step(RuntimeError("a bug in a step"))]
    monkeypatch.setattr(migrations, "STEPS", steps)
    with pytest.raises(RuntimeError, match="a bug in a step"):
        log.sessions(path)
    assert path.read_bytes() == kept
    assert sorted(p.name for p in tmp_path.iterdir()) == ["log.sqlite3"]  # no journal left
    monkeypatch.undo()
    assert log.sessions(path) == ENTRIES[version]


def test_a_step_the_database_refuses_moves_the_log_aside_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "log.sqlite3"
    write_log(path, LATEST)
    kept = path.read_bytes()
    refused = sqlite3.OperationalError("no such table: nowhere")
    monkeypatch.setattr(migrations, "STEPS", [*migrations.STEPS, broken_step(refused)])
    with pytest.raises(log.BrokenLog, match="cannot be read"):
        log.sessions(path, repair=False)  # play's history: left where it is
    assert path.read_bytes() == kept
    with pytest.raises(log.BrokenLog, match="moved aside"):
        log.sessions(path)
    (aside,) = tmp_path.glob("log.sqlite3.broken-*")
    assert aside.read_bytes() == kept and not path.exists()


def test_a_file_at_version_0_with_tables_of_its_own_is_moved_aside_whole(
    run_cli: Run, home: Path
) -> None:
    path = home / "home" / "log.sqlite3"
    path.parent.mkdir(parents=True)
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE sessions (who TEXT, started TEXT)")
        db.execute("INSERT INTO sessions VALUES ('someone', 'yesterday')")
    db.close()
    kept = path.read_bytes()
    result = run_cli("log", "add", "clam-shell")
    assert result.code == 1 and result.err.count("\n") == 1 and "moved aside" in result.err
    (aside,) = path.parent.glob("log.sqlite3.broken-*")
    assert aside.read_bytes() == kept
    assert run_cli("log", "add", "clam-shell").code == 0
    assert version_of(path) == LATEST


def test_a_log_brought_up_to_date_meanwhile_is_not_stepped_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "log.sqlite3"
    write_log(path, 0)
    looks: list[int] = []
    look = migrations._version

    def another_voice_coach_in_between(db: sqlite3.Connection, where: str) -> int:
        found = look(db, where)
        looks.append(found)
        if len(looks) == 1:  # after the first look, before the lock, another one migrates
            monkeypatch.setattr(migrations, "_version", look)
            other = sqlite3.connect(path)
            migrations.migrate(other, where)
            other.close()
            monkeypatch.setattr(migrations, "_version", another_voice_coach_in_between)
        return found

    monkeypatch.setattr(migrations, "_version", another_voice_coach_in_between)
    assert log.sessions(path) == []
    assert looks == [0, LATEST] and version_of(path) == LATEST
    assert sorted(p.name for p in tmp_path.iterdir()) == ["log.sqlite3"]  # nothing moved aside
