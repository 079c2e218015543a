"""The session log's schema as the numbered steps that built it, so that a log written by any
older voice-coach is brought up to date, and none is ever rebuilt or emptied to get there.

In the manner of Simon Willison's `llm` (llm/migrations.py): each step is a small function given
the connection, registered with `@migration` and applied in order. The log's version, kept in
`PRAGMA user_version`, is the number of steps it has had, so each step runs once. A new step is
added at the end and a released step is never edited (tests/test_journal_migrations.py keeps
every released version's schema to check this). The missing steps and the new version are one
transaction, so a step that fails leaves the file as it was. A version higher than the steps
known here was written by a newer voice-coach, and is refused rather than guessed at.

A step runs inside that transaction: it uses `db.execute`, never `executescript` (which commits).
"""

from __future__ import annotations

import functools
import sqlite3
import textwrap
from collections.abc import Callable
from contextlib import closing

from voice_coach.errors import UserError

Step = Callable[[sqlite3.Connection], None]

STEPS: list[Step] = []
"""Every step, in order: a log at version N has had the first N."""


def migration(step: Step) -> Step:
    STEPS.append(step)
    return step


def migrate(db: sqlite3.Connection, where: str) -> None:
    """Apply the steps the log has not had, in one transaction; refuse a newer log."""
    if _version(db, where) == len(STEPS):
        return  # the usual case, and no lock taken
    db.execute("BEGIN IMMEDIATE")
    try:
        found = _version(db, where)  # again under the lock: another voice-coach may have done it
        for step in STEPS[found:]:
            step(db)
        db.execute(f"PRAGMA user_version = {len(STEPS)}")
    except BaseException:
        db.rollback()
        raise
    db.commit()


def current(db: sqlite3.Connection, where: str) -> int:
    """The log's version, read without changing anything; a newer log is refused."""
    return _version(db, where)


def _version(db: sqlite3.Connection, where: str) -> int:
    found: int = db.execute("PRAGMA user_version").fetchone()[0]
    if found > len(STEPS):
        raise UserError(
            f"the session log was written by a newer voice-coach (schema {found})",
            where=where,
            hint="upgrade voice-coach",
        )
    return found


Schema = frozenset[tuple[str, str, str, str]]
"""What a file holds: (type, name, the table it belongs to, CREATE text with spacing evened)."""


def schema_of(db: sqlite3.Connection) -> Schema:
    """What the file holds (SQLite's own automatic indexes aside, as they have no text)."""
    found = db.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master"
        " WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'"
    )
    return frozenset(
        (str(kind), str(name), str(table), " ".join(str(sql).split()))
        for kind, name, table, sql in found
    )


def made_by(version: int) -> Schema:
    """What the first `version` steps make: what a log at that version holds, exactly."""
    return _made(tuple(STEPS[:version]))


@functools.cache
def _made(steps: tuple[Step, ...]) -> Schema:
    with closing(sqlite3.connect(":memory:")) as db:
        for step in steps:
            step(db)
        return schema_of(db)


def _execute(db: sqlite3.Connection, statement: str) -> None:
    """A statement written indented here, run unindented: SQLite keeps a table's CREATE text,
    and a new log's should read exactly as one made by an older voice-coach."""
    db.execute(textwrap.dedent(statement).strip())


@migration
def m001_sessions_and_exercises(db: sqlite3.Connection) -> None:
    """The log as first released (806e50d), unchanged since: one row per session, one per
    exercise of it. A file at version 0 that already has these tables is not a log of ours:
    the step fails, and the caller moves the file aside."""
    _execute(
        db,
        """
        CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            day TEXT NOT NULL,
            target TEXT NOT NULL,
            duration_s REAL NOT NULL DEFAULT 0,
            pain_before INTEGER CHECK (pain_before BETWEEN 0 AND 10),
            pain_after INTEGER CHECK (pain_after BETWEEN 0 AND 10),
            source TEXT NOT NULL CHECK (source IN ('play', 'manual'))
        )
        """,
    )
    _execute(
        db,
        """
        CREATE TABLE exercises (
            session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            exercise TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('completed', 'skipped')),
            effect TEXT CHECK (effect IN ('better', 'same', 'worse')),
            PRIMARY KEY (session_id, exercise)
        )
        """,
    )


@migration
def m002_sessions_from_the_phone(db: sqlite3.Connection) -> None:
    """Sessions sent from the phone's page (`share`): the source 'phone', and the id the page
    gave each one it sent, so that a send retried after a lost answer (or a restart) logs
    nothing twice. The id outlives a session removed with `log rm` (its session then NULL), so
    a late retry does not bring the session back.

    SQLite cannot change a CHECK constraint in place, so both tables are made again with their
    rows: the exercises first out and last in (with foreign keys on, dropping `sessions` while
    they point at it would delete them), and an exercise row whose session is gone (only a hand
    edit with foreign keys off makes one, and nothing reads it) is left behind."""
    db.execute("CREATE TEMP TABLE kept_sessions AS SELECT * FROM sessions")
    db.execute("CREATE TEMP TABLE kept_exercises AS SELECT * FROM exercises")
    db.execute("DROP TABLE exercises")
    db.execute("DROP TABLE sessions")
    _execute(
        db,
        """
        CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            day TEXT NOT NULL,
            target TEXT NOT NULL,
            duration_s REAL NOT NULL DEFAULT 0,
            pain_before INTEGER CHECK (pain_before BETWEEN 0 AND 10),
            pain_after INTEGER CHECK (pain_after BETWEEN 0 AND 10),
            source TEXT NOT NULL CHECK (source IN ('play', 'manual', 'phone'))
        )
        """,
    )
    _execute(
        db,
        """
        CREATE TABLE exercises (
            session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            exercise TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('completed', 'skipped')),
            effect TEXT CHECK (effect IN ('better', 'same', 'worse')),
            PRIMARY KEY (session_id, exercise)
        )
        """,
    )
    db.execute("INSERT INTO sessions SELECT * FROM kept_sessions")
    db.execute(
        "INSERT INTO exercises SELECT * FROM kept_exercises"
        " WHERE session_id IN (SELECT id FROM sessions)"
    )
    db.execute("DROP TABLE kept_exercises")
    db.execute("DROP TABLE kept_sessions")
    _execute(
        db,
        """
        CREATE TABLE phone_sends (
            id TEXT PRIMARY KEY,
            session_id INTEGER REFERENCES sessions(id) ON DELETE SET NULL
        )
        """,
    )
