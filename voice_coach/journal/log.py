"""The session log (SQLite): what was done, pain before and after, and how each exercise felt.

Every write is one transaction, checked before it starts, so a refused entry leaves the log
exactly as it was. The schema carries a version (PRAGMA user_version) for future migrations.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from voice_coach.errors import UserError
from voice_coach.journal import home as userstate

SCHEMA_VERSION = 1
EFFECTS = ("better", "same", "worse")

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


def check_pain(value: object, name: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        raise UserError(
            f"pain must be a whole number from 0 (none) to 10 (worst), not {value!r}", where=name
        )
    return value


def parse_pain(text: str, name: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise UserError(
            f"pain must be a whole number from 0 (none) to 10 (worst), not '{text}'", where=name
        ) from None
    result = check_pain(value, name)
    assert result is not None
    return result


def parse_day(text: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise UserError(f"'{text}' is not a date", where="--date", hint="use YYYY-MM-DD") from None
    if day > dt.date.today():
        raise UserError(f"{text} is in the future", where="--date")
    return day


def parse_effect(text: str, allowed: Sequence[str]) -> tuple[str, str]:
    from voice_coach.names import did_you_mean

    exercise, sep, effect = text.partition("=")
    if not sep or effect not in EFFECTS:
        raise UserError(
            f"'{text}' is not EXERCISE=better|same|worse",
            where="--effect",
            hint="e.g. clam-shell=better",
        )
    if exercise not in allowed:
        raise UserError(
            f"'{exercise}' is not an exercise of this session",
            where="--effect",
            hint=did_you_mean(exercise, allowed) or "exercises: " + ", ".join(allowed),
        )
    return exercise, effect


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


def _session_row(db: sqlite3.Connection, ident: int, path: Path) -> None:
    if db.execute("SELECT 1 FROM sessions WHERE id = ?", (ident,)).fetchone() is None:
        raise UserError(
            f"no logged session has id {ident}",
            where="ID",
            hint="see the ids with `voice-coach log list`",
        )


def remove(ident: int, path: Path | None = None) -> None:
    """Delete one logged session (and its exercises), in one transaction."""
    path = path or log_path()
    with connect(path) as db, db:
        _session_row(db, ident, path)
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
    check_pain(pain_before, "--pain-before")
    check_pain(pain_after, "--pain-after")
    with connect(path) as db, db:
        _session_row(db, ident, path)
        done = {
            row[0]
            for row in db.execute(
                "SELECT exercise FROM exercises WHERE session_id = ? AND status = 'completed'",
                (ident,),
            )
        }
        for exercise, effect in (effects or {}).items():
            if exercise not in done or effect not in EFFECTS:
                raise UserError(
                    f"'{exercise}' was not done in session {ident}",
                    where="--effect",
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
