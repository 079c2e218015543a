"""Sessions sent from the phone's page: checked as `log add` checks its options, logged with the
source 'phone', and once per id the page gave them, even across a restart and after `log rm`.
The upgrade to the schema that allows them keeps every exercise of an older log."""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from support.running import Result

from voice_coach.journal import log, migrations, phone
from voice_coach.journal.values import Refused

Run = Callable[..., Result]
EXERCISES = ("pelvic-tilts", "clam-shell")


def sent(**changes: object) -> log.Entry:
    values: dict[str, object] = {
        "routine": "my-routine",
        "exercises": EXERCISES,
        "day": dt.date.today().isoformat(),  # at the test's time: a run may cross midnight
        "pain_before": 6,
        "pain_after": 4,
        "effects": {"clam-shell": "better"},
    } | changes
    return phone.entry(**values)  # type: ignore[arg-type]


def test_a_sent_session_counts_every_exercise_done_and_comes_from_the_phone() -> None:
    entry = sent()
    assert entry == log.Entry(
        dt.date.today(), "my-routine", EXERCISES, (), 0.0, 6, 4, {"clam-shell": "better"}, "phone"
    )


@pytest.mark.parametrize(
    ("changes", "where"),
    [
        ({"pain_before": 11}, "pain before"),
        ({"pain_after": -1}, "pain after"),
        ({"pain_after": True}, "pain after"),
        ({"effects": {"sciatic-nerve-glide": "better"}}, "effects"),
        ({"effects": {"clam-shell": "fine"}}, "effects"),
        (lambda today: {"day": (today + dt.timedelta(days=2)).isoformat()}, "date"),
        ({"day": "\u0662\u0660\u0662\u0666-11-20"}, "date"),
        (
            lambda today: {"day": (phone.a_year_before(today) - dt.timedelta(days=1)).isoformat()},
            "date",
        ),
        ({"day": "1999-01-01"}, "date"),
        ({"day": "2026-02-30"}, "date"),
        ({"day": "20261120"}, "date"),
        ({"day": "2026-11-20\n"}, "date"),
    ],
)
def test_a_value_out_of_range_is_refused_naming_it(
    changes: dict[str, object] | Callable[[dt.date], dict[str, object]], where: str
) -> None:
    if callable(changes):  # a day from today, made when the test runs
        changes = changes(dt.date.today())
    with pytest.raises(Refused) as refused:
        sent(**changes)
    assert refused.value.where == where


def test_a_phone_a_day_ahead_of_the_computer_is_not_refused() -> None:
    """The page dates a session by the phone's calendar: east of the computer (a computer on
    UTC, a phone in Sydney) that is already tomorrow, and refusing it lost the session."""
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    assert sent(day=tomorrow.isoformat()).day == tomorrow
    assert phone.read_day("2026-12-01", today=dt.date(2026, 11, 30)) == dt.date(2026, 12, 1)
    with pytest.raises(Refused):
        phone.read_day("2026-12-02", today=dt.date(2026, 11, 30))


def test_a_session_of_an_older_my_plan_is_taken_with_the_exercises_it_rated() -> None:
    """Kept on the phone while `recommend` changed my-plan: its exercises are no longer the
    routine's, but the content has them; the session is logged with what was done then."""
    entry = sent(
        exercises=("lower-back-extension",),
        effects={"pelvic-tilts": "better"},
        known=("pelvic-tilts", "lower-back-extension", "clam-shell"),
    )
    assert entry.completed == ("pelvic-tilts",) and entry.effects == {"pelvic-tilts": "better"}
    with pytest.raises(Refused):
        sent(effects={"made-up": "better"}, known=("pelvic-tilts",))


def test_a_year_ago_today_is_the_earliest_day() -> None:
    earliest = phone.a_year_before(dt.date.today())
    assert sent(day=earliest.isoformat()).day == earliest
    assert phone.a_year_before(dt.date(2028, 2, 29)) == dt.date(2027, 2, 28)


def test_one_id_logs_once_across_a_restart_and_never_again_after_log_rm(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite3"
    first, new = phone.log_once("page-made-id-1", sent(), path)
    assert new and first is not None
    assert phone.log_once("page-made-id-1", sent(pain_after=0), path) == (first, False)
    other, new = phone.log_once("page-made-id-2", sent(), path)
    assert new and other != first
    assert [(e.id, e.source, e.pain_after) for e in log.sessions(path)] == [
        (first, "phone", 4),
        (other, "phone", 4),
    ]
    log.remove(first, path)  # the person removed it: a late retry does not bring it back
    assert phone.log_once("page-made-id-1", sent(), path) == (None, False)
    assert [e.id for e in log.sessions(path)] == [other]


@pytest.mark.parametrize("ident", ["short", "a" * 65, "<script>alert(1)", "id\x1b[31m-red!!"])
def test_an_id_the_page_does_not_make_is_refused(ident: str, tmp_path: Path) -> None:
    with pytest.raises(Refused) as refused:
        phone.log_once(ident, sent(), tmp_path / "log.sqlite3")
    assert refused.value.where == "id"
    assert not (tmp_path / "log.sqlite3").exists()


def test_the_upgrade_keeps_every_exercise_and_leaves_rows_of_no_session(tmp_path: Path) -> None:
    """Dropping `sessions` with foreign keys on deletes the exercises that point at it: the
    upgrade must move them out first. A row of no session (a hand edit, foreign keys off) must
    not stop the upgrade."""
    path = tmp_path / "log.sqlite3"
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        for step in migrations.STEPS[:1]:
            step(db)
        db.execute("INSERT INTO sessions VALUES (1, '2026-11-20', 'x', 0, 6, 4, 'manual')")
        db.execute("INSERT INTO exercises VALUES (1, 'pelvic-tilts', 'completed', 'better')")
        db.execute("INSERT INTO exercises VALUES (1, 'clam-shell', 'skipped', NULL)")
        db.execute("INSERT INTO exercises VALUES (9, 'clam-shell', 'completed', NULL)")
        db.execute("PRAGMA user_version = 1")
    (entry,) = log.sessions(path)
    assert (entry.completed, entry.skipped, entry.effects) == (
        ("pelvic-tilts",),
        ("clam-shell",),
        {"pelvic-tilts": "better"},
    )
    with contextlib.closing(sqlite3.connect(path)) as db:
        assert db.execute("SELECT count(*) FROM exercises").fetchone() == (2,)


def test_log_list_shows_a_session_from_the_phone(run_cli: Run) -> None:
    phone.log_once("page-made-id-1", sent(routine="pelvic-tilts"), None)
    listed = run_cli("log", "list")
    assert listed.code == 0 and "phone" in listed.out and "pelvic-tilts" in listed.out
