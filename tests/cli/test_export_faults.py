"""Exports the format or the disk cannot hold, and file names as long as the file system allows:
one line before any work, the user's file named, and nothing left behind."""

from __future__ import annotations

import errno
import os
import re
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from support.disks import small_disk
from support.fakes import FakeEngine, fake_selector
from support.running import Result, one_line, runner

from voice_coach import files
from voice_coach.audio import export
from voice_coach.environment import Environment

Run = Callable[..., Result]


@pytest.fixture
def engine() -> FakeEngine:
    return FakeEngine()


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], engine: FakeEngine) -> Run:
    return runner(capsys, lambda: Environment(select_engine=fake_selector(engine)))


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


# A WAV counts its bytes in 32 bits: a session longer than 4 GB of audio is refused at once.


def test_the_wav_limit_is_4_gb_with_its_header() -> None:
    from voice_coach.audio.formats import fits_wav

    fits_wav(2_147_483_629, 22050, "x.wav")  # 36 + 2 * 2_147_483_629 = 2**32 - 1 bytes
    with pytest.raises(export.ExportError, match="too long for a WAV file"):
        fits_wav(2_147_483_630, 22050, "x.wav")


@pytest.mark.parametrize(
    ("where", "instead"),
    [
        (["-o", "long.wav"], "export it as .mp3 or .m4b"),
        (["--split", "tracks", "--format", "wav"], "write the tracks as MP3 (--format mp3)"),
    ],
    ids=["-o", "--split"],
)
def test_a_wav_too_long_for_the_format_is_one_line_before_any_work(
    run: Run,
    engine: FakeEngine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    where: list[str],
    instead: str,
) -> None:
    def no_rendering(*args: object, **kwargs: object) -> Iterator[bytes]:
        raise AssertionError("rendered 4 GB before finding out")

    monkeypatch.setattr(export, "render", no_rendering)
    monkeypatch.chdir(tmp_path)
    # 200 reps of a 600 s hold: 33 hours, over 5 GB of WAV (it was exit 70, after writing it)
    err = one_line(run("export", "lower-back-extension", "--reps", "200", "--hold", "600", *where))
    assert re.search(r"33 hours( \d+ minutes?)? long, too long for a WAV file", err)
    assert instead in err and "--reps" in err
    assert engine.said == []  # not a word synthesised
    assert list(tmp_path.iterdir()) == []  # and nothing written


def lengths_said(message: str) -> tuple[str, str]:
    found = re.search(r"is (.+) long, too long for a WAV file \(4 GB, (.+) at most\)", message)
    assert found, message
    return found.group(1), found.group(2)


@pytest.mark.parametrize("over", [1, 22050 * 40, 22050 * 60 * 7, 22050 * 3600 * 6])
def test_a_wav_too_long_says_two_lengths_that_differ(over: int) -> None:
    """ "27 hours long, too long for ... about 27 hours" read as a contradiction."""
    from voice_coach.audio.formats import WAV_MOST_SAMPLES, fits_wav

    with pytest.raises(export.ExportError) as caught:
        fits_wav(WAV_MOST_SAMPLES + over, 22050, "b.wav")
    length, most = lengths_said(str(caught.value))
    assert length != most and "27 hours 3 minutes" in most


def test_not_sure_at_200_reps_of_440_s_says_by_how_much_it_is_too_long(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    err = one_line(run("export", "not-sure", "--reps", "200", "--hold", "440", "-o", "b.wav"))
    length, most = lengths_said(err)
    assert length != most and re.fullmatch(r"27 hours \d+ minutes?", length), length


# A full disk names the file that could not be written, not the temporary one or none.


@pytest.mark.parametrize(
    "name",
    [
        "session.wav",
        pytest.param("session.mp3", marks=pytest.mark.ffmpeg),
        pytest.param("session.m4b", marks=pytest.mark.ffmpeg),
    ],
)
def test_a_full_disk_during_an_export_names_the_file(run: Run, tmp_path: Path, name: str) -> None:
    with small_disk(tmp_path / "disk", "64k") as disk:
        out = disk / name
        err = one_line(run("export", "pelvic-tilts", "--reps", "3", "-o", str(out)))
        assert f"{out}: No space left on device" in err and "free some disk space" in err
        assert not out.exists() and leftovers(disk) == []


# A name as long as the file system allows is exported; its temporary part fits too.


def dead_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


@pytest.mark.parametrize("length", [240, 250, 255])
def test_a_file_name_as_long_as_the_file_system_allows_can_be_exported(
    run: Run, tmp_path: Path, length: int
) -> None:
    out = tmp_path / ("x" * (length - 4) + ".wav")
    assert run("export", "pelvic-tilts", "--reps", "1", "-o", str(out)).code == 0
    assert out.stat().st_size > 0 and leftovers(tmp_path) == []


@pytest.mark.parametrize("name", ["x" * 251 + ".wav", "é" * 125 + ".wav", "a[1]*.wav"])
def test_a_dead_writer_s_part_is_swept_even_for_a_long_or_odd_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    destination = tmp_path / name
    dead = dead_pid()
    with monkeypatch.context() as patched:  # a writer that was killed: its part, as it left it
        patched.setattr(files.os, "getpid", lambda: dead)
        with files.replacing(destination) as temp:
            part = temp.name
    assert len(os.fsencode(part)) <= 255 and str(dead) in part
    (tmp_path / part).write_bytes(b"half an export")
    (tmp_path / ".unrelated.part").write_bytes(b"someone else's")
    files.write_text(destination, "whole")
    assert destination.read_text() == "whole"
    assert leftovers(tmp_path) == [".unrelated.part"]


def fill(folder: Path) -> None:
    """The disk `folder` is on, full to the last byte (unbuffered: no write is left over)."""
    handle = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT)
    try:
        while os.write(handle, bytes(1024)):
            pass
    except OSError as exc:
        assert exc.errno == errno.ENOSPC
    finally:
        os.close(handle)


def test_a_full_disk_while_an_mp3_is_tagged_names_the_file(tmp_path: Path) -> None:
    """mutagen wraps the disk's fault in its own error (it was exit 70)."""
    with small_disk(tmp_path / "disk", "64k") as disk:
        out = disk / "session.mp3"
        with pytest.raises(OSError) as caught, files.replacing(out) as temp:
            temp.write_bytes(bytes(4096))  # the encoded audio
            fill(disk)
            export._tag_mp3(temp, export.Tags("Title", "Album", "Not advice."), [("x", 0, 10)])
        assert caught.value.errno == errno.ENOSPC and caught.value.filename == str(out)
        assert leftovers(disk) == []
