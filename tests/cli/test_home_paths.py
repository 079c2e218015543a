"""A path option written `--cache-dir=~/voices`, or quoted, reaches the program with its ~ as
typed (the shell expands only a bare ~ at a word's start). It made a folder named "~" in the
current one; it now means the home folder, as on the shell, and a ~user that does not exist is
a usage error naming the option."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from support.running import Result, one_line

Run = Callable[..., Result]
EXPORT = ("export", "pelvic-tilts", "--reps", "1")


@pytest.fixture
def at_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home folder of the test's own, and a current folder apart from it."""
    home = tmp_path / "person"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    return home


@pytest.mark.parametrize(
    ("args", "made"),
    [
        ((*EXPORT, "-o", "~/tilts.wav"), "tilts.wav"),
        ((*EXPORT, "--output=~/out/../tilts.wav"), "tilts.wav"),
        ((*EXPORT, "--split=~/tracks", "--format", "wav"), "tracks"),
        (("plan", "pelvic-tilts", "--cache-dir=~/cues"), "cues"),
    ],
    ids=["-o", "--output=", "--split=", "--cache-dir="],
)
def test_a_tilde_means_the_home_folder(
    run_cli: Run, at_home: Path, args: tuple[str, ...], made: str
) -> None:
    if "out/.." in args[-1]:
        (at_home / "out").mkdir()
    result = run_cli(*args)
    assert result.code == 0, result.err
    assert (at_home / made).exists()
    assert not (Path.cwd() / "~").exists()


def test_a_tilde_in_content_dir_reads_the_home_folder(run_cli: Run, at_home: Path) -> None:
    """An empty folder of one's own is checked (and found empty), not a missing ./~ folder."""
    (at_home / "mine").mkdir()
    assert run_cli("exercises", "--content-dir=~/mine").code == 0
    missing = one_line(run_cli("exercises", "--content-dir=~/nowhere"))
    assert str(at_home / "nowhere") in missing


def test_a_home_of_nobody_is_a_usage_error(run_cli: Run, at_home: Path) -> None:
    line = one_line(run_cli(*EXPORT, "-o", "~nobody-here-at-all/tilts.wav"), code=2)
    assert "'-o' / '--output'" in line and "~nobody-here-at-all names no home folder" in line
    assert not list(Path.cwd().iterdir())
