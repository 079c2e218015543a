"""The log as the user's own record: list it, correct a session, remove one."""

from __future__ import annotations

import datetime as dt
import inspect
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from support.fakes import FakeWorld
from support.running import Result

from voice_coach.cli import log_entry as cli_log_entry
from voice_coach.cli import main
from voice_coach.errors import UserError
from voice_coach.journal import log, values

Run = Callable[..., Result]
World = Callable[..., FakeWorld]


def listed(run_cli: Run) -> list[dict[str, object]]:
    result = run_cli("log", "list", "--json")
    assert result.code == 0, result.err
    sessions: list[dict[str, object]] = json.loads(result.out)["sessions"]
    return sessions


def test_list_shows_every_session_with_its_id(run_cli: Run) -> None:
    assert "No sessions" in run_cli("log", "list").out
    run_cli("log", "add", "pelvic-tilts", "--date", "2026-11-20", "--pain-before", "6")
    run_cli("log", "add", "clam-shell", "--effect", "clam-shell=better")
    sessions = listed(run_cli)
    assert [s["target"] for s in sessions] == ["pelvic-tilts", "clam-shell"]
    assert sessions[0]["pain_before"] == 6 and sessions[0]["duration_s"] is None
    assert sessions[1]["effects"] == {"clam-shell": "better"}
    ids = [s["id"] for s in sessions]
    table = run_cli("log", "list").out
    assert all(str(i) in table for i in ids) and "clam-shell=better" in table


def test_edit_corrects_pain_effect_and_date(run_cli: Run) -> None:
    run_cli("log", "add", "clam-shell", "pelvic-tilts", "--pain-after", "9")
    (session,) = listed(run_cli)
    ident = str(session["id"])
    result = run_cli(
        "log",
        "edit",
        ident,
        "--pain-after",
        "3",
        "--effect",
        "clam-shell=worse",
        "--date",
        "2026-11-21",
    )
    assert result.code == 0, result.err
    (fixed,) = listed(run_cli)
    assert fixed["pain_after"] == 3 and fixed["date"] == "2026-11-21"
    assert fixed["effects"] == {"clam-shell": "worse"}
    assert fixed["pain_before"] is None  # what was not given stays as it was


def test_edit_refuses_what_does_not_fit_and_changes_nothing(run_cli: Run) -> None:
    run_cli("log", "add", "clam-shell", "--pain-after", "5")
    before = listed(run_cli)
    ident = str(before[0]["id"])
    for args, words in (
        (["--effect", "knees-to-chest=better"], "not an exercise of this session"),
        (["--effect", "clam-shell=better", "--effect", "clam-shell=worse"], "rated twice"),
        (["--pain-after", "11"], "from 0 (none) to 10"),
        (["--date", "tomorrow"], "YYYY-MM-DD"),
    ):
        result = run_cli("log", "edit", ident, *args)
        assert result.code == 1 and result.err.count("\n") == 1 and words in result.err, result.err
    assert listed(run_cli) == before
    missing = run_cli("log", "edit", "999", "--pain-after", "2")
    assert missing.code == 1 and "no logged session has id 999" in missing.err


def test_rm_asks_first_and_removes_only_that_session(
    run_cli: Run, world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    run_cli("log", "add", "clam-shell")
    run_cli("log", "add", "pelvic-tilts")
    first, second = listed(run_cli)
    no_terminal = run_cli("log", "rm", str(first["id"]))
    assert no_terminal.code == 2 and "--yes" in no_terminal.err
    keep = world(["n"])
    try:
        main(["log", "rm", str(first["id"])], keep.env)
    except SystemExit as exit_info:
        assert exit_info.code == 0
    assert capsys.readouterr().out.strip() == "kept"
    assert keep.prompter.asked and "Remove session" in keep.prompter.asked[0]
    assert len(listed(run_cli)) == 2
    assert run_cli("log", "rm", str(first["id"]), "--yes").code == 0
    assert [s["id"] for s in listed(run_cli)] == [second["id"]]
    assert run_cli("log", "rm", str(first["id"]), "--yes").code == 1


def test_the_store_refuses_in_its_own_words_and_the_command_line_names_the_option(
    tmp_path: Path,
) -> None:
    path = tmp_path / "log.sqlite3"
    ident = log.add(log.Entry(dt.date(2026, 11, 20), "clam-shell", ("clam-shell",)), path)
    for call, words, typed in (
        (
            lambda: log.correct(999, pain_after=2, path=path),
            "session id: no logged session has id 999",
            "ID: no logged session has id 999 (see the ids with `voice-coach log list`)",
        ),
        (
            lambda: log.remove(999, path),
            "session id: no logged session has id 999",
            "ID: no logged session has id 999 (see the ids with `voice-coach log list`)",
        ),
        (
            lambda: log.correct(ident, pain_after=11, path=path),
            "pain after: pain must be a whole number from 0 (none) to 10 (worst), not 11",
            "--pain-after: pain must be a whole number from 0 (none) to 10 (worst), not 11",
        ),
        (
            lambda: log.correct(ident, effects={"pelvic-tilts": "better"}, path=path),
            f"effect: 'pelvic-tilts' was not done in session {ident} (done then: clam-shell)",
            f"--effect: 'pelvic-tilts' was not done in session {ident} (done then: clam-shell)",
        ),
    ):
        with pytest.raises(values.Refused) as refused:
            call()
        assert str(refused.value) == words
        with pytest.raises(UserError) as said, cli_log_entry.as_typed():
            call()
        assert str(said.value) == typed
    (kept,) = log.sessions(path)
    assert kept.pain_after is None and kept.effects == {}


def test_a_session_removed_meanwhile_is_the_same_one_line(
    run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_cli("log", "add", "clam-shell")
    (session,) = listed(run_cli)
    entry = cli_log_entry.find(int(str(session["id"])))
    assert run_cli("log", "rm", str(session["id"]), "--yes").code == 0
    monkeypatch.setattr(cli_log_entry, "find", lambda ident: entry)  # found just before
    for args in (["rm", str(session["id"]), "--yes"], ["edit", str(session["id"])]):
        result = run_cli("log", *args)
        assert result.code == 1 and result.err == (
            f"voice-coach: error: ID: no logged session has id {session['id']} "
            "(see the ids with `voice-coach log list`)\n"
        )


def test_no_option_is_named_in_the_store_or_its_value_readers() -> None:
    for module in (log, values):
        source = inspect.getsource(module)
        assert '"--' not in source and "voice-coach log" not in source, module.__name__


def three_sessions(run_cli: Run) -> list[dict[str, object]]:
    """Three sessions that differ in every value `log edit` can change."""
    for target, day, pain in (
        ("clam-shell", "2026-11-01", "4"),
        ("pelvic-tilts", "2026-11-02", "5"),
        ("knees-to-chest", "2026-11-03", "6"),
    ):
        exercise_rated = f"{target}=same"
        added = run_cli(
            "log", "add", target, "--date", day, "--pain-before", pain, "--pain-after", pain,
            "--effect", exercise_rated,
        )  # fmt: skip
        assert added.code == 0, added.err
    sessions = listed(run_cli)
    assert len(sessions) == 3
    return sessions


def test_edit_changes_only_the_session_it_names(run_cli: Run) -> None:
    first, middle, last = three_sessions(run_cli)
    result = run_cli(
        "log", "edit", str(middle["id"]), "--date", "2026-11-10", "--pain-before", "1",
        "--pain-after", "0", "--effect", "pelvic-tilts=better",
    )  # fmt: skip
    assert result.code == 0, result.err
    now = {s["id"]: s for s in listed(run_cli)}
    assert now[first["id"]] == first and now[last["id"]] == last
    changed = now[middle["id"]]
    assert (changed["date"], changed["pain_before"], changed["pain_after"]) == ("2026-11-10", 1, 0)
    assert changed["effects"] == {"pelvic-tilts": "better"}


def test_rm_refused_or_done_keeps_both_other_sessions(
    run_cli: Run, world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    first, middle, last = three_sessions(run_cli)
    assert run_cli("log", "rm", str(middle["id"])).code == 2  # no terminal, no --yes
    with pytest.raises(SystemExit) as exit_info:
        main(["log", "rm", str(middle["id"])], world(["n"]).env)
    assert exit_info.value.code == 0 and capsys.readouterr().out.strip() == "kept"
    assert run_cli("log", "rm", "999", "--yes").code == 1
    assert listed(run_cli) == [first, middle, last]
    assert run_cli("log", "rm", str(middle["id"]), "--yes").code == 0
    assert listed(run_cli) == [first, last]
