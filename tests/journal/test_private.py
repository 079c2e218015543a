"""The person's data is theirs only: the data folder is 0700 and every file voice-coach keeps in
it 0600 (the log with SQLite's journal, the settings, the share secret, my-plan), from the
moment each exists and whatever the umask; one left open by an older voice-coach is tightened
when it is next opened, and so is the pain chart drawn from the log. What the person exports
is theirs to give away: the umask decides."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from support.running import Result

from voice_coach import files
from voice_coach.journal import home as userstate
from voice_coach.journal import log
from voice_coach.share import app

Run = Callable[..., Result]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(params=[0o000, 0o022, 0o277], ids=lambda m: f"umask {m:03o}")
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    """The umask under test, for the test only."""
    old = os.umask(request.param)
    try:
        yield int(request.param)
    finally:
        os.umask(old)


def everything_private(folder: Path) -> dict[str, int]:
    """The mode of every folder and file under `folder` that is not 0700 or 0600."""
    found = {".": mode(folder)}
    for path in folder.rglob("*"):
        found[str(path.relative_to(folder))] = mode(path)
    return {name: m for name, m in found.items() if m not in (0o700, 0o600)}


def test_private_data_is_readable_by_its_owner_only_whatever_the_umask(
    run_cli: Run, home: Path, umask: int
) -> None:
    folder = home / "home"
    assert run_cli("config", "set", "side", "left").code == 0
    assert run_cli("log", "add", "clam-shell", "--effect", "clam-shell=better").code == 0
    assert run_cli("recommend").code == 0  # content/my-plan.yaml
    app.remember(app.Address("127.0.0.1", 8765, "a" * 22))  # share.json, the share secret
    userstate.remember(userstate.DISCLAIMER_MARK)
    names = {p.name for p in folder.rglob("*")}
    assert {"config.yaml", "log.sqlite3", "my-plan.yaml", "share.json"} <= names
    assert everything_private(folder) == {}


def test_sqlites_journal_is_as_private_as_the_log(home: Path, umask: int) -> None:
    with log.connect() as db:
        db.execute("BEGIN IMMEDIATE")
        db.execute(
            "INSERT INTO sessions (day, target, source) VALUES ('2026-11-20', 'x', 'manual')"
        )
        journal = log.log_path().with_name("log.sqlite3-journal")
        assert journal.exists() and mode(journal) == 0o600
        db.rollback()
    assert everything_private(home / "home") == {}


def test_a_temporary_file_is_private_from_its_first_byte(tmp_path: Path, umask: int) -> None:
    with files.replacing(tmp_path / "config.yaml") as temp:
        assert mode(temp) == 0o600
    assert mode(tmp_path / "config.yaml") == 0o600


def test_an_export_is_left_to_the_umask(run_cli: Run, tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        out = tmp_path / "session.wav"
        assert run_cli("export", "pelvic-tilts", "--reps", "1", "-o", str(out)).code == 0
    finally:
        os.umask(old)
    assert mode(out) == 0o640


def test_the_pain_chart_is_as_private_as_the_log_it_is_drawn_from(
    run_cli: Run, tmp_path: Path, umask: int
) -> None:
    pytest.importorskip("matplotlib")
    assert run_cli("log", "add", "clam-shell", "--pain-after", "3").code == 0
    chart = tmp_path / "pain.png"
    chart.write_bytes(b"an older chart")
    chart.chmod(0o644)
    assert run_cli("progress", "--plot", str(chart)).code == 0
    assert mode(chart) == 0o600 and chart.read_bytes()[:4] == b"\x89PNG"


def test_an_older_voice_coachs_open_folder_and_files_are_tightened(
    run_cli: Run, home: Path
) -> None:
    folder = home / "home"
    assert run_cli("log", "add", "clam-shell").code == 0
    assert run_cli("config", "set", "side", "left").code == 0
    app.remember(app.Address("127.0.0.1", 8765, "a" * 22))
    for path in [folder, *folder.iterdir()]:
        path.chmod(0o755 if path.is_dir() else 0o644)  # as an older voice-coach left them
    (folder / "log.sqlite3-journal").write_bytes(b"")  # left by a killed writer
    (folder / "log.sqlite3-journal").chmod(0o644)
    assert run_cli("plan", "pelvic-tilts").code == 0  # reads only
    assert everything_private(folder) == {}


def test_a_link_in_the_folder_is_never_followed_to_tighten_what_it_points_to(
    run_cli: Run, home: Path, tmp_path: Path
) -> None:
    # chmod follows links: tightening a linked file took group and others' bits from the
    # file the link points to (as root, a link to /dev/zero made it 0600).
    folder = home / "home"
    assert run_cli("config", "set", "side", "left").code == 0
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    targets = {name: elsewhere / name for name in ("log.sqlite3", "share.json", "content")}
    for name, target in targets.items():
        target.mkdir() if name == "content" else target.write_bytes(b"")
        target.chmod(0o755 if name == "content" else 0o644)
        (folder / name).symlink_to(target)
    run_cli("config", "list")
    run_cli("plan", "pelvic-tilts")
    assert {name: mode(t) for name, t in targets.items()} == {
        "log.sqlite3": 0o644,
        "share.json": 0o644,
        "content": 0o755,
    }
    assert all((folder / name).is_symlink() for name in targets)
