"""The session log (SQLite): what was done, pain before and after, and how each exercise felt.

Every write is one transaction, checked before it starts, so a refused entry leaves the log
exactly as it was. The schema carries a version (PRAGMA user_version) for future migrations.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from voice_coach.errors import UserError
from voice_coach.journal import home as userstate
from voice_coach.journal.values import EFFECTS, Refused, check_pain

SCHEMA_VERSION = 1

SCHEMA = """
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    day TEXT NOT NULL,
    target TEXT NOT NULL,
    duration_s REAL NOT NULL DEFAULT 0,
    pain_before INTEGER CHECK (pain_before BETWEEN 0 AND 10),
    pain_after INTEGER CHECK (pain_after BETWEEN 0 AND 10),
    source TEXT NOT NULL CHECK (source IN ('play', 'manual'))
);
CREATE TABLE exercises (
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    exercise TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('completed', 'skipped')),
    effect TEXT CHECK (effect IN ('better', 'same', 'worse')),
    PRIMARY KEY (session_id, exercise)
);
"""


@dataclass(frozen=True)
class Entry:
    day: dt.date
    target: str
    completed: tuple[str, ...]
    skipped: tuple[str, ...] = ()
    duration_s: float = 0.0
    pain_before: int | None = None
    pain_after: int | None = None
    effects: dict[str, str] = field(default_factory=dict)
    source: str = "manual"
    id: int | None = None
    """The log's own number for the session (None until it is logged)."""


def log_path() -> Path:
    return userstate.home() / "log.sqlite3"


class BrokenLog(UserError):
    """The log file cannot be used as it is; the message says what was done about it."""


@contextmanager
def connect(path: Path | None = None, *, repair: bool = True) -> Iterator[sqlite3.Connection]:
    """The log, made and migrated as needed. A file that is not a readable log is moved aside
    (never deleted) when `repair`, so the next command starts a fresh one."""
    path = path or log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with _opened(path) as db:
            yield db
    except sqlite3.IntegrityError:
        raise  # a refused row is our bug, not a broken file
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise BrokenLog(
                "the session log is busy (another voice-coach is writing it)",
                where=str(path),
                hint="try again in a moment",
            ) from None
        raise _unreadable(path, exc, repair) from None
    except sqlite3.DatabaseError as exc:
        raise _unreadable(path, exc, repair) from None


def _unreadable(path: Path, exc: sqlite3.Error, repair: bool) -> BrokenLog:
    if not repair or not path.is_file():
        return BrokenLog(f"the session log cannot be read ({exc})", where=str(path))
    aside = path.with_name(f"{path.name}.broken-{dt.datetime.now():%Y%m%d-%H%M%S}")
    path.replace(aside)
    return BrokenLog(
        f"the session log could not be read ({exc}); it was moved aside to {aside.name}",
        where=str(path),
        hint="run the command again: a new log starts; the old file is kept for you",
    )


@contextmanager
def _opened(path: Path) -> Iterator[sqlite3.Connection]:
    with closing(sqlite3.connect(path, timeout=2)) as db:
        db.execute("PRAGMA foreign_keys = ON")
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version == 0:
            with db:
                db.executescript(SCHEMA)
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        elif version > SCHEMA_VERSION:
            raise UserError(
                f"the session log was written by a newer voice-coach (schema {version})",
                where=str(path),
                hint="upgrade voice-coach",
            )
        yield db


def add(entry: Entry, path: Path | None = None) -> int:
    check_pain(entry.pain_before, "pain before")
    check_pain(entry.pain_after, "pain after")
    for exercise, effect in entry.effects.items():
        if effect not in EFFECTS or exercise not in entry.completed + entry.skipped:
            raise UserError(f"bad effect {exercise}={effect}")
    with connect(path) as db, db:
        cursor = db.execute(
            "INSERT INTO sessions (day, target, duration_s, pain_before, pain_after, source)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                entry.day.isoformat(),
                entry.target,
                entry.duration_s,
                entry.pain_before,
                entry.pain_after,
                entry.source,
            ),
        )
        session = cursor.lastrowid
        done = list(dict.fromkeys(entry.completed))  # an exercise done twice is one row
        rows = [(session, e, "completed", entry.effects.get(e)) for e in done]
        skipped = dict.fromkeys(e for e in entry.skipped if e not in done)
        rows += [(session, e, "skipped", None) for e in skipped]
        db.executemany("INSERT INTO exercises VALUES (?, ?, ?, ?)", rows)
        assert session is not None
        return session


def sessions(path: Path | None = None, *, repair: bool = True) -> list[Entry]:
    with connect(path, repair=repair) as db:
        found = db.execute(
            "SELECT id, day, target, duration_s, pain_before, pain_after, source"
            " FROM sessions ORDER BY day, id"
        ).fetchall()
        result = []
        for ident, day, target, duration, before, after, source in found:
            rows = db.execute(
                "SELECT exercise, status, effect FROM exercises WHERE session_id = ?", (ident,)
            ).fetchall()
            result.append(
                Entry(
                    day=dt.date.fromisoformat(day),
                    target=target,
                    completed=tuple(e for e, status, _ in rows if status == "completed"),
                    skipped=tuple(e for e, status, _ in rows if status == "skipped"),
                    duration_s=duration,
                    pain_before=before,
                    pain_after=after,
                    effects={e: effect for e, _, effect in rows if effect},
                    source=source,
                    id=ident,
                )
            )
        return result


def _session_row(db: sqlite3.Connection, ident: int) -> None:
    if db.execute("SELECT 1 FROM sessions WHERE id = ?", (ident,)).fetchone() is None:
        raise Refused(f"no logged session has id {ident}", where="session id")


def remove(ident: int, path: Path | None = None) -> None:
    """Delete one logged session (and its exercises), in one transaction."""
    path = path or log_path()
    with connect(path) as db, db:
        _session_row(db, ident)
        db.execute("DELETE FROM sessions WHERE id = ?", (ident,))


def correct(
    ident: int,
    *,
    day: dt.date | None = None,
    pain_before: int | None = None,
    pain_after: int | None = None,
    effects: dict[str, str] | None = None,
    path: Path | None = None,
) -> Entry:
    """Change what was given of one logged session; everything else stays as it was."""
    path = path or log_path()
    check_pain(pain_before, "pain before")
    check_pain(pain_after, "pain after")
    with connect(path) as db, db:
        _session_row(db, ident)
        done = {
            row[0]
            for row in db.execute(
                "SELECT exercise FROM exercises WHERE session_id = ? AND status = 'completed'",
                (ident,),
            )
        }
        for exercise, effect in (effects or {}).items():
            if exercise not in done or effect not in EFFECTS:
                raise Refused(
                    f"'{exercise}' was not done in session {ident}",
                    where="effect",
                    hint="done then: " + (", ".join(sorted(done)) or "nothing"),
                )
            db.execute(
                "UPDATE exercises SET effect = ? WHERE session_id = ? AND exercise = ?",
                (effect, ident, exercise),
            )
        for column, value in (
            ("day", day.isoformat() if day else None),
            ("pain_before", pain_before),
            ("pain_after", pain_after),
        ):
            if value is not None:
                db.execute(f"UPDATE sessions SET {column} = ? WHERE id = ?", (value, ident))
    return next(e for e in sessions(path) if e.id == ident)
