"""Generated hostile input (hypothesis): whatever a content file, the settings file or an option
holds, the command ends with exit 0, or 1/2 and one line; never 70, never a hang, and a failed
command leaves the log as it was."""

from __future__ import annotations

import contextlib
import signal
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.running import Result

Run = Callable[..., Result]
CHECKS = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,  # the same examples on every run: CI is never red by chance
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
    st.sampled_from(["pelvic-tilts", "left", "both", "hold", "reps", "{side}", "id", "none"]),
)
KEY_NAMES = [
    "exercises",
    "playlists",
    "guide",
    "programme",
    "pronunciations",
    "id",
    "name",
    "dosage",
    "reps",
    "hold",
    "sides",
    "setup",
    "steps",
    "source",
    "position",
    "title",
    "for",
    "x",
]
keys = st.sampled_from(KEY_NAMES)
documents = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(keys | st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=25,
)
raw_texts = st.one_of(documents.map(lambda d: yaml.safe_dump(d)), st.text(max_size=300))


@contextlib.contextmanager
def time_box(seconds: int) -> Iterator[None]:
    def hang(signum: int, frame: object) -> None:
        raise TimeoutError(f"the command ran for more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, hang)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def assert_clean(result: Result) -> None:
    assert result.code in (0, 1, 2), (result.code, result.err)
    if result.code:
        assert result.err.startswith("voice-coach: error: "), result.err
        assert result.err.count("\n") == 1 and "Traceback" not in result.err, result.err
        assert "\x1b" not in result.err


@CHECKS
@given(text=raw_texts)
def test_any_content_file(run_cli: Run, text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "mine.yaml").write_text(text, encoding="utf-8")
        with time_box(20):
            assert_clean(run_cli("causes", "--content-dir", folder))
            assert_clean(run_cli("plan", "pelvic-tilts", "--reps", "1", "--content-dir", folder))


@CHECKS
@given(text=raw_texts)
def test_any_settings_file(run_cli: Run, home: Path, text: str) -> None:
    folder = home / "home"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.yaml").write_text(text, encoding="utf-8")
    with time_box(20):
        assert_clean(run_cli("config", "list"))
        assert_clean(run_cli("plan", "pelvic-tilts", "--reps", "1"))
        assert_clean(run_cli("config", "unset", "side"))
        assert_clean(run_cli("config", "set", "rest", "10"))


option_values = st.one_of(st.text(max_size=12), st.integers(-5, 1000).map(str))


@CHECKS
@given(
    option=st.sampled_from(["--reps", "--hold", "--side", "--difficulty", "--rate", "--engine"]),
    value=option_values,
)
def test_any_session_option(run_cli: Run, option: str, value: str) -> None:
    with time_box(20):
        assert_clean(run_cli("plan", "pelvic-tilts", "--reps", "1", option, value))


@CHECKS
@given(
    args=st.lists(
        st.one_of(
            st.sampled_from(["--pain-before", "--pain-after", "--date", "--effect"]),
            option_values,
            st.sampled_from(["pelvic-tilts=better", "clam-shell=worse", "2026-11-20", "11"]),
        ),
        max_size=6,
    )
)
def test_a_failed_log_entry_leaves_the_log_as_it_was(
    run_cli: Run, home: Path, args: list[str]
) -> None:
    assert run_cli("log", "add", "clam-shell", "--pain-before", "4").code == 0
    path = home / "home" / "log.sqlite3"

    def rows() -> list[tuple[object, ...]]:
        with sqlite3.connect(path) as db:
            return (
                db.execute("SELECT * FROM sessions").fetchall()
                + db.execute("SELECT * FROM exercises").fetchall()
            )

    before = rows()
    with time_box(20):
        result = run_cli("log", "add", "clam-shell", "pelvic-tilts", *args)
    assert_clean(result)
    if result.code:
        assert rows() == before
