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
