"""A split export is whole or not there: a full disk (or Ctrl-C) at any track leaves the folder
as it was before the run, earlier files kept, and the one line says so. It used to leave
`01 - Before you start.mp3` with no `.m3u`."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from support.disks import small_disk
from support.running import Result, one_line

from voice_coach.audio import export

Run = Callable[..., Result]
SPLIT = ("export", "disc-bulge", "--reps", "1", "--hold", "1", "--format", "wav")


def contents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def full_at_track(monkeypatch: pytest.MonkeyPatch, fault: BaseException, at: int = 3) -> None:
    """The disk fills (or Ctrl-C comes) while the `at`th track is written."""
    real, calls = export.write_wav, []

    def write_wav(path: Path, blocks: object, rate: int) -> None:
        calls.append(path)
        real(path, blocks, rate)  # type: ignore[arg-type]
        if len(calls) == at:
            if isinstance(fault, OSError):
                raise OSError(fault.errno, fault.strerror, str(path))
            raise fault

    monkeypatch.setattr(export, "write_wav", write_wav)


def test_a_full_disk_during_a_split_leaves_the_folder_as_it_was(
    run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "tracks"
    folder.mkdir()
    (folder / "mine.txt").write_text("kept")
    (folder / "01 - Before you start.wav").write_bytes(b"an earlier run's track")
    before = contents(folder)
    full_at_track(monkeypatch, OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)))
    err = one_line(run_cli(*SPLIT, "--split", str(folder)))
    assert contents(folder) == before  # nothing of this run, the earlier files untouched
    assert f"{folder}/03 - " in err and "No space left on device" in err
    assert f"{folder} is as it was" in err and ".split." not in err


def test_a_full_disk_during_a_split_into_a_new_folder_removes_it_and_says_so(
    run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "tracks"
    full_at_track(monkeypatch, OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)), at=2)
    err = one_line(run_cli(*SPLIT, "--split", str(folder)))
    assert f"{folder} was not there before and is removed again" in err
    assert not folder.exists()


def test_ctrl_c_during_a_split_leaves_no_folder_it_made(
    run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "new" / "tracks"
    full_at_track(monkeypatch, KeyboardInterrupt(), at=2)
    assert run_cli(*SPLIT, "--split", str(folder)).code == 130
    assert list(tmp_path.iterdir()) == []


def test_a_split_replaces_earlier_tracks_only_once_all_are_written(
    run_cli: Run, tmp_path: Path
) -> None:
    folder = tmp_path / "tracks"
    folder.mkdir()
    (folder / "01 - Before you start.wav").write_bytes(b"an earlier run's track")
    assert run_cli(*SPLIT, "--split", str(folder)).code == 0
    names = sorted(p.name for p in folder.iterdir())
    assert names[-1] == "disc-bulge.m3u" and not [n for n in names if n.startswith(".")]
    assert (folder / "01 - Before you start.wav").read_bytes()[:4] == b"RIFF"


def test_a_killed_split_s_staging_folder_is_swept_by_the_next(run_cli: Run, tmp_path: Path) -> None:
    folder = tmp_path / "tracks"
    left = folder / ".split.999999999.abcd1234.part"  # a process that is gone
    left.mkdir(parents=True)
    (left / "01 - Before you start.wav").write_bytes(b"half")
    assert run_cli(*SPLIT, "--split", str(folder)).code == 0
    assert not left.exists()


def test_a_really_full_disk_during_a_split_leaves_the_folder_as_it_was(
    run_cli: Run, tmp_path: Path
) -> None:
    with small_disk(tmp_path / "disk", "256k") as disk:
        (disk / "mine.txt").write_text("kept")
        err = one_line(run_cli(*SPLIT, "--split", str(disk)))
        assert "No space left on device" in err and "is as it was" in err
        assert sorted(p.name for p in disk.iterdir()) == ["mine.txt"]
