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
