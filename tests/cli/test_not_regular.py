"""A file voice-coach reads that the person could replace (config.yaml, a content file, a voice
model's settings, share.json: see tests/share) is read only if it is a regular file of a bounded
size: a named pipe, a device or a folder in its place is one line saying what it is, never a hang
or a read without end."""

from __future__ import annotations

import os
import signal
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from support.running import Result, one_line

from voice_coach import files
from voice_coach.errors import UserError

Run = Callable[..., Result]


@pytest.fixture(autouse=True)
def never_hang() -> Iterator[None]:
    """A read that blocks fails the test instead of hanging the suite."""

    def hung(*args: object) -> None:
        raise AssertionError("a file was read as it is: it hung")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(10)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def test_a_config_yaml_that_is_a_fifo_is_one_line(run_cli: Run, home: Path) -> None:
    (home / "home").mkdir()
    os.mkfifo(home / "home" / "config.yaml")
    err = one_line(run_cli("config", "list"))
    assert "config.yaml: this is a named pipe (FIFO), not a regular file" in err


@pytest.mark.parametrize("target", ["settings.yaml", "gone.yaml"])
def test_a_config_yaml_that_is_a_link_is_one_line_even_a_broken_one(
    run_cli: Run, home: Path, tmp_path: Path, target: str
) -> None:
    # A broken link used to read as "no settings": the person's own settings, silently gone.
    (tmp_path / "settings.yaml").write_text("side: left\n")
    (home / "home").mkdir()
    (home / "home" / "config.yaml").symlink_to(tmp_path / target)
    for command in (("config", "list"), ("config", "set", "side", "right")):
        err = one_line(run_cli(*command))
        assert "config.yaml: this is a link, not a regular file, so it is not read" in err
        assert "put the file itself there instead of a link" in err  # not only "delete it"
    assert (home / "home" / "config.yaml").is_symlink()  # left as it was


def test_a_config_yaml_that_is_a_folder_says_to_move_it_not_rm_it(run_cli: Run, home: Path) -> None:
    (home / "home" / "config.yaml").mkdir(parents=True)
    err = one_line(run_cli("config", "list"))
    assert "config.yaml: this is a folder, not a regular file" in err
    assert "mv " in err and "rm " not in err  # rm cannot remove a folder


@pytest.mark.parametrize("kind", ["fifo", "link to a fifo"])
def test_a_content_file_that_is_a_pipe_is_one_line_not_passed_over(
    run_cli: Run, tmp_path: Path, kind: str
) -> None:
    """A pipe named x.yaml in --content-dir was passed over without a word."""
    folder = tmp_path / "mine"
    folder.mkdir()
    if kind == "fifo":
        os.mkfifo(folder / "x.yaml")
    else:
        os.mkfifo(tmp_path / "pipe")
        (folder / "x.yaml").symlink_to(tmp_path / "pipe")
    err = one_line(run_cli("plan", "pelvic-tilts", "--content-dir", str(folder)))
    assert "x.yaml" in err and "not a regular file" in err


def test_a_content_file_too_large_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * 2_000_000)
    with pytest.raises(files.FileError, match="2000000 bytes, more than the 1000000"):
        files.read_regular(big, 1_000_000)


def test_a_pipe_swapped_in_after_the_check_is_refused_by_the_open_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stat before the open and the open are two moments: what is opened is checked too
    (and opened without blocking, so a pipe cannot hang the open itself)."""
    (tmp_path / "regular").write_text("{}")
    regular = (tmp_path / "regular").lstat()
    os.mkfifo(tmp_path / "share.json")
    monkeypatch.setattr(Path, "lstat", lambda self: regular)  # as if it was a file a moment ago
    with pytest.raises(files.FileError, match="named pipe"):
        files.read_regular(tmp_path / "share.json", 4096)


def test_a_file_that_grows_past_its_limit_while_read_is_cut_short(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "growing"
    path.write_bytes(b"x" * 100)
    small = os.stat_result((stat.S_IFREG | 0o600, 0, 0, 1, 0, 0, 10, 0, 0, 0))
    monkeypatch.setattr(Path, "stat", lambda self: small)  # 10 bytes when it was looked at
    monkeypatch.setattr(files.os, "fstat", lambda handle: small)
    with pytest.raises(files.FileError, match="more than the 50 bytes"):
        files.read_regular(path, 50, follow=True)


@pytest.mark.parametrize("which", ["voice.onnx", "voice.onnx.json"])
def test_a_voice_model_that_is_a_pipe_is_one_line(tmp_path: Path, which: str) -> None:
    """(Piper's loader would wait on the pipe for ever.)"""
    from voice_coach.errors import EngineError
    from voice_coach.speech.piper_engine import PiperEngine

    for name in ("voice.onnx", "voice.onnx.json"):
        if name == which:
            os.mkfifo(tmp_path / name)
        else:
            (tmp_path / name).write_text("{}")
    with pytest.raises(EngineError, match=f"{which}' is not a regular file"):
        PiperEngine(str(tmp_path / "voice.onnx"), voice_from="--voice-model")._model_files()


def test_a_home_of_no_user_is_a_users_error_and_its_name_is_made_inert() -> None:
    with pytest.raises(UserError) as caught:  # Path.expanduser raised RuntimeError: exit 70
        files.user_path("~no\x1b[31muser/x.mp3", where="music")
    assert "names no home folder" in caught.value.message
    assert "\x1b" not in caught.value.message  # choose prints it in its prompt as it is
    assert files.user_path("~/x") == Path.home() / "x"
