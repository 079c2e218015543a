"""The session log (SQLite): what was done, pain before and after, and how each exercise felt.

Only storage lives here: opening the log (made and brought up to date by journal.migrations),
adding, reading, correcting and removing sessions. Every write is one transaction, checked
before it starts, so a refused entry leaves the log exactly as it was. What the entries mean is
journal.stats; a refusal says what is wrong in the log's own words, and the command line names
its option (cli.log_entry). What a SQLite error means for the file (busy, not writable, not a
log) is journal.faults; how a row is read back into a session, journal.entries.

The log is health data: it is created 0600 in a private folder (SQLite gives its journal the
same mode), and one left open by an older voice-coach is tightened when it is opened.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from voice_coach.errors import UserError
from voice_coach.files import private_file, private_folder, tighten
from voice_coach.journal import faults, migrations
from voice_coach.journal import home as userstate
from voice_coach.journal.entries import BadRow as BadRow
from voice_coach.journal.entries import Entry as Entry
from voice_coach.journal.entries import read_row
from voice_coach.journal.faults import BrokenLog as BrokenLog
from voice_coach.journal.faults import LogNotWritable as LogNotWritable
from voice_coach.journal.faults import UnreadableLog as UnreadableLog
from voice_coach.journal.values import EFFECTS, Refused, check_pain

SIDECARS = ("-journal", "-wal", "-shm")
"""The files SQLite keeps beside the log while it writes."""


def log_path() -> Path:
    return userstate.home() / "log.sqlite3"


@contextmanager
def connect(path: Path | None = None, *, repair: bool = True) -> Iterator[sqlite3.Connection]:
    """The log to write, made and migrated as needed. A file that is not a log is moved aside
    (never deleted) when `repair`, so the next command starts a fresh one; a log that cannot be
    written now is left as it is (journal.faults)."""
    path = path or log_path()
    faults.regular(path)
    made = not os.path.lexists(path)
    _private(path)
    try:
        with _explained(path, repair), _opened(path) as db:
            yield db
    except BaseException:
        if made:
            _unmade(path)
        raise


def _unmade(path: Path) -> None:
    """Remove the empty file made for a log that could not be started (a full disk, say): a
    failed write leaves no trace, and the file is not taken for a log next time."""
    with contextlib.suppress(OSError):
        if path.stat().st_size == 0:
            path.unlink()


@contextmanager
def _explained(path: Path, repair: bool) -> Iterator[None]:
    """A SQLite error on the log as the one line journal.faults makes of it."""
    try:
        yield
    except sqlite3.IntegrityError:
        raise  # a refused row is our bug, not a broken file: the tables were checked
    except sqlite3.DatabaseError as exc:
        said = faults.explain(path, exc, repair, len(migrations.STEPS))
        if said is None:
            raise
        raise said from None


def _private(path: Path) -> None:
    private_folder(path.parent)
    for suffix in SIDECARS:
        tighten(path.with_name(path.name + suffix))
    private_file(path)


def _text(data: bytes) -> str | bytes:
    """A text value as str; one that is not UTF-8 (written by another program) stays bytes, for
    journal.entries to set its row apart, instead of failing the whole read."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data


@contextmanager
def _opened(path: Path) -> Iterator[sqlite3.Connection]:
    with closing(sqlite3.connect(path, timeout=2)) as db:
        db.text_factory = _text
        db.execute("PRAGMA foreign_keys = ON")
        faults.check(db)
        migrations.migrate(db, where=str(path))
        yield db


@contextmanager
def _reading(path: Path) -> Iterator[sqlite3.Connection | None]:
    """The log opened only to read, never made or changed; None when it holds nothing yet (a
    file made by a write that failed on a full disk, say). A log older than this voice-coach,
    or one a killed write left with its journal, is opened as a write would (brought up to
    date, or rolled back: only a connection that may write can)."""
    faults.regular(path)
    for suffix in ("", *SIDECARS):
        tighten(path.with_name(path.name + suffix))
    with _explained(path, repair=False):
        version = _read_only_version(path)
    if version == len(migrations.STEPS):
        with _explained(path, repair=False), closing(_read_only(path)) as db:
            yield db
    elif version == 0:
        yield None
    else:
        with connect(path, repair=False) as db:
            yield db


def _read_only(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=2)
    db.text_factory = _text
    return db


def _read_only_version(path: Path) -> int | None:
    """The version of a log whose tables are its version's; None when a killed write left a
    journal that must be rolled back first."""
    with closing(_read_only(path)) as db:
        try:
            faults.check(db)
            return migrations.current(db, where=str(path))
        except sqlite3.OperationalError as exc:
            if getattr(exc, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_READONLY:
                return None
            raise


def add(entry: Entry, path: Path | None = None) -> int:
    _check(entry)
    with connect(path) as db, db:
        return _insert(db, entry)


def add_once(entry: Entry, sent: str, path: Path | None = None) -> tuple[int | None, bool]:
    """Log `entry` unless a session was logged under the id `sent` before (the phone's page
    gives each session it sends one, and sends again until it hears back): the session's id
    (None if it was removed since) and whether it was logged now. The look and the write are
    one transaction, taken at once, so two sends of one id never both write."""
    _check(entry)
    with connect(path) as db, db:
        db.execute("BEGIN IMMEDIATE")
        found = db.execute("SELECT session_id FROM phone_sends WHERE id = ?", (sent,)).fetchone()
        if found is not None:
            return found[0], False
        session = _insert(db, entry)
        db.execute("INSERT INTO phone_sends (id, session_id) VALUES (?, ?)", (sent, session))
        return session, True


def _check(entry: Entry) -> None:
    check_pain(entry.pain_before, "pain before")
    check_pain(entry.pain_after, "pain after")
    for exercise, effect in entry.effects.items():
        if effect not in EFFECTS or exercise not in entry.completed + entry.skipped:
            raise UserError(f"bad effect {exercise}={effect}")


def _insert(db: sqlite3.Connection, entry: Entry) -> int:
    """The session's rows, in the caller's transaction; its new id."""
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


@dataclass(frozen=True)
class Contents:
    """Everything logged: the sessions (oldest first), and the rows that do not read as one."""

    entries: list[Entry]
    bad: list[BadRow]

    def find(self, ident: int) -> Entry | BadRow | None:
        rows: list[Entry | BadRow] = [*self.entries, *self.bad]
        return next((row for row in rows if row.id == ident), None)


def read(path: Path | None = None, *, repair: bool = True) -> Contents:
    """Everything logged; nothing when there is no log, which is never made by reading it.
    A file that is not a log is moved aside when `repair` (a command that goes on to write),
    and otherwise left where it is (faults.UnreadableLog)."""
    path = path or log_path()
    if not os.path.lexists(path):
        return Contents([], [])
    if repair:
        with connect(path) as db:
            return _contents(db)
    with _reading(path) as found:
        return Contents([], []) if found is None else _contents(found)


def _contents(db: sqlite3.Connection) -> Contents:
    found = db.execute(
        "SELECT id, day, target, duration_s, pain_before, pain_after, source"
        " FROM sessions ORDER BY day, id"
    ).fetchall()
    entries: list[Entry] = []
    bad: list[BadRow] = []
    for ident, *values in found:
        rows = db.execute(
            "SELECT exercise, status, effect FROM exercises WHERE session_id = ?", (ident,)
        ).fetchall()
        row = read_row(ident, values, rows)
        if isinstance(row, Entry):
            entries.append(row)
        else:
            bad.append(row)
    return Contents(entries, bad)


def sessions(path: Path | None = None, *, repair: bool = True) -> list[Entry]:
    """The sessions that read as sessions, oldest first."""
    return read(path, repair=repair).entries


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
) -> Entry | BadRow:
    """Change what was given of one logged session; everything else stays as it was. The
    session as it reads now, or what is still wrong with it (a row that did not read as one)."""
    path = path or log_path()
    check_pain(pain_before, "pain before")
    check_pain(pain_after, "pain after")
    with connect(path) as db, db:
        _session_row(db, ident)
        done = {
            str(row[0])
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
    found = read(path).find(ident)
    assert found is not None  # changed just now, in the transaction above
    return found
