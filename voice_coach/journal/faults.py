"""What a SQLite error says about the log file, and what is done about it.

Only a file that is not a log at all (not a database, a malformed one, or a database whose
tables are not the log's) is moved aside, never deleted, so that the next command starts a new
log. A log that cannot be written or opened now (a full disk, a read-only file or folder, its
permissions, a failing disk) may be perfectly whole: it is never moved, so it keeps its name and
its sessions, and the person is told what stops it and how to fix that. Anything else is said
without touching the file, or, when the log is sound, is our own bug and is not dressed up as
the person's.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import stat
from contextlib import closing
from pathlib import Path

from voice_coach.errors import UserError
from voice_coach.journal import migrations


class BrokenLog(UserError):
    """The log file cannot be used as it is; the message says what was done about it."""


class UnreadableLog(BrokenLog):
    """The file is not a log, and was left where it is: only a command that writes the log
    moves it aside, so a command that reads it works as if nothing were logged yet."""


class NotALog(sqlite3.DatabaseError):
    """The file is a database, but not a log: its tables are not those its version's steps
    make (edited by hand, or another program's), so no statement of ours can be trusted on it."""


class LogNotWritable(UserError):
    """The log is there but cannot be written or opened now; it was left exactly as it was."""


BUSY = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}
NOT_A_LOG = {sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT}
KEPT = "; the log keeps every session"

UNWRITABLE = {
    sqlite3.SQLITE_FULL: (
        "the disk is full, so the session log cannot be written",
        "free some disk space and try again",
    ),
    sqlite3.SQLITE_READONLY: (
        "the session log is read-only, so nothing can be added to it or changed",
        "make the file and its folder writable for you: chmod u+w {file} {folder}",
    ),
    sqlite3.SQLITE_CANTOPEN: (
        "the session log cannot be opened: you may not read or write it, or its folder",
        "make them yours to use: chmod u+rw {file}; chmod u+rwx {folder}",
    ),
    sqlite3.SQLITE_PERM: (
        "the session log may not be opened for writing",
        "make the file and its folder writable for you: chmod u+w {file} {folder}",
    ),
    sqlite3.SQLITE_IOERR: (
        "the disk failed while the session log was used",
        "check the disk (it may be failing or gone), then try again",
    ),
}
"""A whole log that cannot be used now: what stops it, and what the person can do about it."""


def explain(path: Path, exc: sqlite3.DatabaseError, repair: bool, version: int) -> UserError | None:
    """The one line for a SQLite error on the log at `path` (moving the file aside first when it
    is not a log and `repair`); None when the error is our bug on a sound log. A plain SQL
    error may mean either: on a log already at `version` (all of the log's steps), it is ours."""
    found = getattr(exc, "sqlite_errorcode", None)
    code = sqlite3.SQLITE_ERROR if found is None else found & 0xFF  # the primary code
    if code in BUSY:
        return BrokenLog(
            "the session log is busy (another voice-coach is writing it)",
            where=str(path),
            hint="try again in a moment",
        )
    if code in UNWRITABLE:
        what, fix = UNWRITABLE[code]
        hint = fix.format(file=path, folder=path.parent) + KEPT
        return LogNotWritable(what, where=str(path), hint=hint)
    if isinstance(exc, NotALog) or code in NOT_A_LOG:
        return _moved_aside(path, exc) if repair else _unreadable(path, exc)
    if code == sqlite3.SQLITE_ERROR and not is_log_at(path, version):
        return _moved_aside(path, exc) if repair else _unreadable(path, exc)
    if code == sqlite3.SQLITE_ERROR:
        return None
    return _unreadable(path, exc)


def _unreadable(path: Path, exc: sqlite3.Error) -> BrokenLog:
    return UnreadableLog(
        f"the session log cannot be read ({exc}); it is left as it is",
        where=str(path),
        hint="the next command that writes the log moves it aside and starts a new one",
    )


def _moved_aside(path: Path, exc: sqlite3.Error) -> BrokenLog:
    if not path.is_file():
        return _unreadable(path, exc)
    aside = path.with_name(f"{path.name}.broken-{dt.datetime.now():%Y%m%d-%H%M%S}")
    try:
        path.replace(aside)
    except OSError as failed:
        return BrokenLog(
            f"the session log is not a log voice-coach can read ({exc}), and it could not be "
            f"moved aside ({failed.strerror})",
            where=str(path),
            hint="move it aside yourself; a new log starts then",
        )
    return BrokenLog(
        f"the session log could not be read ({exc}); it was moved aside to {aside.name}",
        where=str(path),
        hint="run the command again: a new log starts; the old file is kept for you",
    )


KINDS = {
    stat.S_IFIFO: "a named pipe",
    stat.S_IFSOCK: "a socket",
    stat.S_IFDIR: "a folder",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
}


def regular(path: Path) -> None:
    """Refuse, before SQLite opens it, a log that is not a regular file (SQLite would block on
    a pipe, or call any of them a failing disk); it is not ours to move or remove."""
    try:
        kind = stat.S_IFMT(path.stat().st_mode)
    except OSError:
        return  # missing (made by a write), or a fault SQLite names better
    if kind != stat.S_IFREG:
        raise UnreadableLog(
            f"the session log is {KINDS.get(kind, 'not a regular file')}, not a regular file: "
            "no session can be read from it or written to it",
            where=str(path),
            hint="move it away or remove it; a new log starts then",
        )


def is_log_at(path: Path, version: int) -> bool:
    """Whether the file at `path` is a log brought up to `version` (every step of it, and
    nothing else done to its tables), read without writing anything."""
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as db:
            found: int = db.execute("PRAGMA user_version").fetchone()[0]
            check(db)
    except sqlite3.Error:
        return False
    return found == version


def check(db: sqlite3.Connection) -> None:
    """Raise NotALog unless the file's tables are exactly those its version's steps make.

    A version says which steps a log has had, but anything can set a version: a file whose
    tables differ would fail our statements (a missing column), or worse, take a row into the
    wrong columns. A new log (version 0) holds nothing at all: a file at version 0 with tables
    is another program's database, and our tables are never added to it. A newer log is left
    for the migrations to refuse; tables of other names in a log are none of our business."""
    version: int = db.execute("PRAGMA user_version").fetchone()[0]
    if version > len(migrations.STEPS):
        return
    found = migrations.schema_of(db)
    if version == 0:
        if found:
            names = ", ".join(sorted({table for _, _, table, _ in found})[:3])
            raise NotALog(f"it is another program's database, with tables such as {names}")
        return
    ours = {table for _, _, table, _ in migrations.made_by(len(migrations.STEPS))}
    expected = migrations.made_by(version)
    differ = {item[2] for item in expected ^ {i for i in found if i[2] in ours}}
    if differ:
        names = ", ".join(sorted(differ))
        raise NotALog(f"its tables are not as voice-coach makes them: {names}")
