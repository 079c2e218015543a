"""`recommend` saves only a my-plan that can be played: exercises the content does not have
(rated with an earlier --content-dir) are left out and named in one line, and an exercise whose
latest rating is worse is left out whatever it did before. A saved playlist naming exercises the
content has not got says so when planned, instead of dropping them without a word or calling
the playlist unknown."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

from support.running import Result

Run = Callable[..., Result]


def rate(run_cli: Run, day: str, exercise: str, effect: str) -> None:
    added = run_cli("log", "add", exercise, "--date", day, "--effect", f"{exercise}={effect}")
    assert added.code == 0, added.err


def rated_elsewhere(home: Path, exercise: str, effect: str) -> None:
    """A session of an exercise from a --content-dir used that day, as the log keeps it."""
    with contextlib.closing(sqlite3.connect(home / "home" / "log.sqlite3")) as db:
        db.execute(
            "INSERT INTO sessions (day, target, source) VALUES ('2026-11-05', ?, 'manual')",
            (exercise,),
        )
        db.execute(
            "INSERT INTO exercises VALUES (last_insert_rowid(), ?, 'completed', ?)",
            (exercise, effect),
        )
        db.commit()


def chosen(run_cli: Run) -> tuple[list[str], str]:
    result = run_cli("recommend", "--json")
    assert result.code == 0, result.err
    return json.loads(result.out)["exercises"], result.err


def test_recommend_leaves_out_exercises_the_content_does_not_have_and_says_which(
    run_cli: Run, home: Path
) -> None:
    rate(run_cli, "2026-11-01", "pelvic-tilts", "better")
    rated_elsewhere(home, "mystery-move", "better")
    rated_elsewhere(home, "other-move", "better")
    exercises, err = chosen(run_cli)
    assert exercises == ["pelvic-tilts"]
    assert err.count("\n") == 1 and "mystery-move, other-move" in err, err
    planned = run_cli("plan", "my-plan")
    assert planned.code == 0 and planned.err == "", planned.err


def test_recommend_never_keeps_an_exercise_rated_worse_last_time(run_cli: Run) -> None:
    for day in ("2026-11-01", "2026-11-02", "2026-11-03"):
        rate(run_cli, day, "clam-shell", "better")
    rate(run_cli, "2026-11-04", "clam-shell", "worse")  # better three times, then worse
    rate(run_cli, "2026-11-04", "pelvic-tilts", "same")
    exercises, _ = chosen(run_cli)
    assert exercises == ["pelvic-tilts"]
    assert "dropped (worse last time)" in run_cli("recommend").out
    planned = run_cli("plan", "my-plan")
    assert planned.code == 0 and "made your leg worse" not in planned.err, planned.err


def test_a_saved_plan_with_exercises_the_content_lacks_says_so(run_cli: Run, home: Path) -> None:
    mine = home / "home" / "content"
    mine.mkdir(parents=True)
    plan = "playlists:\n  - id: my-plan\n    title: My plan\n    for: me\n    intro: [Hi.]\n"
    (mine / "my-plan.yaml").write_text(plan + "    exercises: [mystery-move, clam-shell]\n")
    planned = run_cli("plan", "my-plan")
    assert planned.code == 0 and planned.err.count("\n") == 1, planned.err
    assert "mystery-move" in planned.err and "--content-dir" in planned.err
    rate(run_cli, "2026-11-01", "clam-shell", "worse")
    refused = run_cli("plan", "my-plan")
    assert refused.code == 1 and "mystery-move not in this content" in refused.err, refused.err
    (mine / "my-plan.yaml").write_text(plan + "    exercises: [mystery-move]\n")
    only = run_cli("plan", "my-plan")
    assert only.code == 1 and only.err.count("\n") == 1, only.err
    assert "names only exercises this content does not have: mystery-move" in only.err


def test_recommend_with_only_unknown_exercises_rated_says_so_in_its_one_error(
    run_cli: Run, home: Path
) -> None:
    rate(run_cli, "2026-11-01", "clam-shell", "worse")
    rated_elsewhere(home, "mystery-move", "better")
    result = run_cli("recommend")
    assert result.code == 1 and result.err.count("\n") == 1, result.err
    assert "not in this content: mystery-move" in result.err and "--content-dir" in result.err
    assert not (home / "home" / "content" / "my-plan.yaml").exists()
