"""Running `voice-coach` in-process, through the same `main` the console script uses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from voice_coach.cli import main
from voice_coach.environment import Environment


@dataclass
class Result:
    code: int
    out: str
    err: str


def runner(
    capsys: pytest.CaptureFixture[str], env: Callable[[], Environment | None]
) -> Callable[..., Result]:
    def run(*args: str) -> Result:
        with pytest.raises(SystemExit) as exit_info:
            main(list(args), env())
        captured = capsys.readouterr()
        code = exit_info.value.code
        return Result(code if isinstance(code, int) else 1, captured.out, captured.err)

    return run


def one_line(result: Result, code: int = 1) -> str:
    """A user's problem as the house rule says it: one line on stderr, its exit status, never
    a traceback, an internal error or an escape sequence; the line, to look into."""
    assert result.code == code, (result.code, result.err)
    assert result.err.startswith("voice-coach: error: ") and result.err.count("\n") == 1
    assert "Traceback" not in result.err and "internal error" not in result.err
    assert "\x1b" not in result.err
    return result.err
