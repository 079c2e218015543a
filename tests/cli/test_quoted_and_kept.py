"""Smaller faults, one class each: a value quoted back in an error is bounded; a setting is
echoed as it is typed (on, not True); a read-only file in an export's way is kept unless
--force, while a writable one is replaced and a link is replaced as a link, never followed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from support.running import Result, one_line

Run = Callable[..., Result]
EXPORT = ("export", "pelvic-tilts", "--reps", "1")


@pytest.mark.parametrize(
    "command",
    [
        ["config", "set", "listen_device", "m" * 100_000],
        ["config", "set", "rest", "9" * 100_000],
        ["config", "set", "k" * 100_000, "1"],
        ["plan", "x" * 100_000],
    ],
    ids=["a device", "a number", "a key", "a target"],
)
def test_a_huge_value_is_quoted_back_bounded(run_cli: Run, command: list[str]) -> None:
    """`config set listen_device <100 KB>` repeated all 100 KB in its one line."""
    err = one_line(run_cli(*command))
    assert len(err) < 600 and "…" in err, len(err)


@pytest.mark.parametrize(
    ("key", "typed"), [("short_repeats", "off"), ("leave_out_worse", "on"), ("rest", "5")]
)
def test_a_setting_is_echoed_as_it_is_typed(run_cli: Run, key: str, typed: str) -> None:
    """`config set listen on` said `listen = True`."""
    assert run_cli("config", "set", key, typed).out == f"{key} = {typed}\n"
    assert run_cli("config", "get", key).out == f"{typed}\n"
    row = next(line for line in run_cli("config", "list").out.splitlines() if line.startswith(key))
    assert row.split()[1] == typed


def test_a_read_only_file_at_o_is_kept_unless_force(run_cli: Run, tmp_path: Path) -> None:
    """-o replaced a 0444 file without a word."""
    out = tmp_path / "kept.wav"
    out.write_bytes(b"mine")
    out.chmod(0o444)
    err = one_line(run_cli(*EXPORT, "-o", str(out)))
    assert f"{out}: a read-only file is there" in err and "--force" in err
    assert out.read_bytes() == b"mine"
    assert run_cli(*EXPORT, "-o", str(out), "--force").code == 0
    assert out.read_bytes()[:4] == b"RIFF"


def test_a_read_only_track_in_a_split_folder_is_kept_unless_force(
    run_cli: Run, tmp_path: Path
) -> None:
    folder = tmp_path / "tracks"
    split = (*EXPORT, "--split", str(folder), "--format", "wav")
    assert run_cli(*split).code == 0
    before = sorted(p.name for p in folder.iterdir())
    track = folder / before[-2]  # the last track (the playlist comes last)
    track.write_bytes(b"mine")
    track.chmod(0o444)
    assert "a read-only file is there" in one_line(run_cli(*split))
    assert sorted(p.name for p in folder.iterdir()) == before
    assert track.read_bytes() == b"mine"
    assert run_cli(*split, "--force").code == 0 and track.read_bytes()[:4] == b"RIFF"


def test_a_writable_file_at_o_is_replaced_as_ever(run_cli: Run, tmp_path: Path) -> None:
    out = tmp_path / "old.wav"
    out.write_bytes(b"old")
    assert run_cli(*EXPORT, "-o", str(out)).code == 0 and out.read_bytes()[:4] == b"RIFF"


@pytest.mark.parametrize("target_mode", [0o644, 0o444])
def test_a_link_at_o_is_replaced_as_a_link_never_followed(
    run_cli: Run, tmp_path: Path, target_mode: int
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    victim.chmod(target_mode)
    out = tmp_path / "out.wav"
    out.symlink_to(victim)
    assert run_cli(*EXPORT, "-o", str(out)).code == 0
    assert not out.is_symlink() and out.read_bytes()[:4] == b"RIFF"
    assert victim.read_text() == "precious" and victim.stat().st_mode & 0o777 == target_mode
