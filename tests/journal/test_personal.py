"""Issue 5: settings, the session log, progress and the two-week rule, my-plan, and choose."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from support.running import Result
from support.terminal import Terminal

from voice_coach.journal import log, recommend, stats

Run = Callable[..., Result]
SCRIPT = str(Path(sys.executable).with_name("voice-coach"))


def days_ago(n: int) -> str:
    return (dt.date.today() - dt.timedelta(days=n)).isoformat()


def log_rows(home: Path) -> list[tuple[object, ...]]:
    path = home / "home" / "log.sqlite3"
    if not path.exists():
        return []
    with sqlite3.connect(path) as db:
        return (
            db.execute("SELECT * FROM sessions").fetchall()
            + db.execute("SELECT * FROM exercises").fetchall()
        )


def texts_of(run_cli: Run, *args: str) -> list[str]:
    result = run_cli("plan", *args, "--json")
    assert result.code == 0, result.err
    return [e["text"] for e in json.loads(result.out)["events"] if e.get("text")]


def test_fifteen_days_without_improvement_says_see_a_professional(run_cli: Run) -> None:
    for ago in (15, 12, 9, 6, 3, 0):
        assert (
            run_cli(
                "log",
                "add",
                "disc-bulge",
                "--date",
                days_ago(ago),
                "--pain-before",
                "6",
                "--pain-after",
                "6",
            ).code
            == 0
        )
    shown = run_cli("progress")
    assert "6 sessions over 16 days" in shown.out
    assert "time to see a healthcare professional" in shown.out
    data = json.loads(run_cli("progress", "--json").out)
    assert len(data["sessions"]) == 6 and data["see_a_professional"] is True
    assert data["streak_days"] == 1
    assert any("two weeks without improvement" in t for t in texts_of(run_cli, "pelvic-tilts"))


def test_improving_pain_or_a_short_log_gives_no_such_advice(run_cli: Run) -> None:
    for ago, pain in ((15, "7"), (8, "5"), (0, "3")):
        run_cli("log", "add", "pelvic-tilts", "--date", days_ago(ago), "--pain-after", pain)
    assert json.loads(run_cli("progress", "--json").out)["see_a_professional"] is False
    assert not any("two weeks without" in t for t in texts_of(run_cli, "pelvic-tilts"))


def test_short_log_is_not_judged() -> None:
    today = dt.date.today()
    entries = [log.Entry(today - dt.timedelta(days=d), "x", (), pain_after=6) for d in (10, 0)]
    assert not stats.time_to_see_a_professional(entries)


def test_effects_drive_the_recommendation(run_cli: Run) -> None:
    for ago in (4, 3, 2):
        run_cli(
            "log",
            "add",
            "not-sure",
            "--date",
            days_ago(ago),
            "--effect",
            "clam-shell=better",
            "--effect",
            "sciatic-nerve-glide=worse",
            "--effect",
            "pelvic-tilts=same",
        )
    run_cli("log", "add", "knees-to-chest", "--effect", "knees-to-chest=better")
    result = run_cli("recommend", "--json")
    assert result.code == 0, result.err
    chosen = json.loads(result.out)["exercises"]
    assert "clam-shell" in chosen and "knees-to-chest" in chosen
    assert "sciatic-nerve-glide" not in chosen
    plan = json.loads(run_cli("plan", "my-plan", "--json").out)
    assert [c["exercise"] for c in plan["chapters"] if c["exercise"]] == chosen
    assert "dropped" in run_cli("recommend").out


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--pain-before", "11"], "from 0 (none) to 10"),
        (["--pain-after", "-1"], "not -1"),
        (["--pain-after", "a lot"], "'a lot'"),
        (["--date", "2026-02-30"], "is not a date"),
        (["--date", "yesterday"], "YYYY-MM-DD"),
        (["--date", (dt.date.today() + dt.timedelta(days=3)).isoformat()], "in the future"),
        (["--effect", "clam-shel=better"], "did you mean 'clam-shell'"),
        (["--effect", "pelvic-tilts=better"], "not an exercise of this session"),
        (["--effect", "clam-shell=great"], "better|same|worse"),
    ],
)
def test_bad_log_entries_are_refused_and_the_log_is_unchanged(
    run_cli: Run, home: Path, args: list[str], expected: str
) -> None:
    run_cli("log", "add", "clam-shell", "--pain-before", "4")
    before = log_rows(home)
    result = run_cli("log", "add", "clam-shell", *args)
    assert result.code != 0 and result.err.count("\n") == 1, result.err
    assert expected in result.err
    assert log_rows(home) == before
    assert run_cli("log", "add", "no-such-thing").code != 0
    assert log_rows(home) == before


def test_settings_persist_and_options_override(run_cli: Run) -> None:
    assert run_cli("config", "set", "side", "right").code == 0
    assert run_cli("config", "get", "side").out.strip() == "right"
    said = " ".join(texts_of(run_cli, "floor-piriformis-stretch"))
    assert "your right leg" in said and "stretch in the back of your right hip" in said
    said = " ".join(texts_of(run_cli, "floor-piriformis-stretch", "--side", "left"))
    assert "your left leg" in said and "right hip" not in said
    assert "Take your right leg behind you." in said  # the other leg, named as it is
    run_cli("config", "set", "difficulty", "easier")
    reps = [t for t in texts_of(run_cli, "pelvic-tilts") if t.endswith("of twenty.")]
    assert reps == ["An easier set: fifteen repetitions, instead of twenty."]
    assert [
        t
        for t in texts_of(run_cli, "pelvic-tilts", "--difficulty", "normal")
        if t.endswith("repetitions.")
    ] == ["Twenty repetitions."]
    run_cli("config", "set", "difficulty", "harder")
    harder = "A harder set: thirty repetitions, the top of the programme's twenty to thirty."
    assert harder in texts_of(run_cli, "sciatic-nerve-glide")
    run_cli("config", "set", "rest", "5")
    assert "Well done. Rest for five seconds." in texts_of(run_cli, "disc-bulge")
    assert run_cli("config", "unset", "rest").code == 0
    assert "Well done. Rest for fifteen seconds." in texts_of(run_cli, "disc-bulge")
    listed = run_cli("config", "list").out
    assert "side" in listed and "right" in listed


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["set", "rate", "5"], "from 80 to 400"),
        (["set", "sdie", "left"], "did you mean 'side'"),
        (["set", "side", "middle"], "one of left, right"),
        (["set", "listen_sensitivity", "-1"], "'-1' is not a valid listen_sensitivity"),
        (["set", "rest", "-5"], "from 0 to 120"),  # a value to refuse, not an unknown option
        (["set", "rest", "-5h"], "from 0 to 120"),  # not a bundle of options with -h (help)
        (["set", "listen_wake_word", "-hey"], "not a valid listen_wake_word"),
        (["set", "rest", "\u0663"], "from 0 to 120"),  # an Arabic-Indic 3: int() takes it
        (["set", "rest", "1_0"], "from 0 to 120"),  # a digit group: int() reads 10
        (["set", "listen_sensitivity", "0_1"], "not a valid listen_sensitivity"),  # float(): 1.0
        (["get", "colour"], "unknown setting"),
    ],
)
def test_bad_settings_are_one_line(run_cli: Run, args: list[str], expected: str) -> None:
    result = run_cli("config", *args)
    assert result.code == 1 and result.err.count("\n") == 1 and expected in result.err


def test_an_option_where_the_key_goes_is_named_as_an_option(run_cli: Run) -> None:
    # Unknown options pass through `config set` (a value may be negative), so "--foo" used to
    # become the key and "left" an "unexpected extra argument".
    result = run_cli("config", "set", "--foo", "side", "left")
    assert result.code == 2 and "No such option '--foo'" in result.err
    assert result.err.count("\n") == 1


def test_a_bare_yes_written_for_a_word_is_a_bad_entry_not_the_word_true(
    run_cli: Run, home: Path
) -> None:
    # YAML reads a bare yes as true: the wake word became 'true', and a later `config set`
    # wrote it back as that.
    (home / "home").mkdir()
    config = home / "home" / "config.yaml"
    config.write_text("listen_wake_word: yes\n")
    refused = run_cli("config", "set", "listen", "on")
    assert refused.code == 1 and refused.err.count("\n") == 1
    assert "listen_wake_word was read as on: a bare yes, no, on or off" in refused.err
    assert config.read_text() == "listen_wake_word: yes\n"  # left as written
    assert "INVALID" in run_cli("config", "list").out
    config.write_text('listen_wake_word: "yes"\nlisten: yes\n')  # quoted; an on/off key
    assert run_cli("config", "get", "listen_wake_word").out.strip() == "yes"
    assert run_cli("config", "get", "listen").out.strip() == "on"


def test_progress_plot_writes_a_png(run_cli: Run, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")  # a dependency: present wherever set-up ran
    run_cli("log", "add", "pelvic-tilts", "--date", days_ago(2), "--pain-after", "5")
    run_cli("log", "add", "pelvic-tilts", "--pain-after", "4")
    out = tmp_path / "pain.png"
    assert run_cli("progress", "--plot", str(out)).code == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and out.stat().st_size > 5000


def choose_through_a_terminal(answers: list[str], home: Path) -> str:
    terminal = Terminal([SCRIPT, "choose"], {**os.environ, "VOICE_COACH_HOME": str(home)})
    for number, answer in enumerate(answers, 1):
        terminal.wait_for(b"]: ", count=number)  # each question ends "[default]: " or "[y/N]: "
        terminal.type(answer.encode() + b"\r")
    assert terminal.process.wait(timeout=20) == 0, terminal.text
    terminal.close()
    return terminal.text


@pytest.mark.parametrize(
    ("answers", "playlist"),
    [
        (["disc", "q"], "disc-bulge"),
        (["stenosis", "q"], "foraminal-stenosis"),
        (["both", "q"], "nerve-root-compression"),
        (["no-scan", "yes", "n", "no", "q"], "nerve-root-compression"),
        (["none", "no", "n", "yes", "q"], "irritated-sciatic-nerve"),
        (["no-scan", "unsure", "", "unsure", "q"], "not-sure"),
    ],
)
def test_choose_through_a_pseudo_terminal(
    answers: list[str], playlist: str, tmp_path: Path
) -> None:
    screen = choose_through_a_terminal(answers, tmp_path / "home")
    assert f"Suggested playlist: {playlist} (" in screen
    assert f"voice-coach play {playlist}" in screen
    if playlist == "not-sure":
        assert "healthcare professional" in screen


def test_the_streak_counts_consecutive_days_up_to_today_or_yesterday() -> None:
    today = dt.date(2026, 11, 26)

    def on(*ago: int) -> list[log.Entry]:
        return [log.Entry(today - dt.timedelta(days=d), "x", ()) for d in ago]

    assert stats.streak(on(0, 1, 2, 4), today) == 3
    assert stats.streak(on(1, 2, 3, 4, 5), today) == 5
    assert stats.streak(on(0, 0, 1), today) == 2
    assert stats.streak(on(2, 3), today) == 0


def test_recommend_ranks_what_helped_first() -> None:
    day = dt.date(2026, 11, 20)
    entries = [
        log.Entry(day, "x", (), effects={"a-ex": "worse", "b-ex": "better", "c-ex": "same"}),
        log.Entry(day, "x", (), effects={"a-ex": "worse", "b-ex": "better", "c-ex": "better"}),
    ]
    ranked = recommend.rank(entries, {"a-ex", "b-ex", "c-ex"})
    assert [r.exercise for r in ranked] == ["b-ex", "c-ex", "a-ex"]
    assert recommend.keep(ranked) == ["b-ex", "c-ex"]


def test_without_matplotlib_the_plot_is_one_clear_line(
    run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # as if it were not installed
    run_cli("log", "add", "pelvic-tilts", "--pain-after", "4")
    out = tmp_path / "pain.png"
    result = run_cli("progress", "--plot", str(out))
    assert result.code == 1 and result.err.count("\n") == 1
    assert "needs matplotlib" in result.err and "pip install matplotlib" in result.err
    assert not out.exists()


def test_the_plot_draws_before_and_after_as_points_and_weekly_averages(tmp_path: Path) -> None:
    """Checks on the plotted data: every rating is a point where it belongs, no line joins one
    session to the next, and each week has its average bar."""
    pytest.importorskip("matplotlib")
    import datetime as dt

    from matplotlib.dates import date2num

    from voice_coach.journal import charts
    from voice_coach.journal.log import Entry

    monday = dt.date(2026, 11, 2)

    def session(days: int, before: int | None, after: int | None) -> Entry:
        return Entry(
            monday + dt.timedelta(days=days),
            "not-sure",
            ("lumbar-roll",),
            (),
            600.0,
            before,
            after,
            {},
            "play",
        )

    entries = [session(0, 6, 4), session(2, 5, 3), session(15, None, 2), session(16, 4, None)]
    chart = charts.chart_of(entries)
    assert chart.weeks == [(monday, 3.5), (monday + dt.timedelta(days=14), 2.0)]  # no empty week
    figure = charts.draw(chart)
    axes = figure.axes[0]
    hollow, filled = axes.collections[-2:]
    at = lambda days: float(date2num(monday + dt.timedelta(days=days)))  # noqa: E731
    assert [tuple(p) for p in hollow.get_offsets()] == [(at(0), 6), (at(2), 5), (at(16), 4)]
    assert [tuple(p) for p in filled.get_offsets()] == [(at(0), 4), (at(2), 3), (at(15), 2)]
    strokes = [segment for c in axes.collections[:-2] for segment in c.get_segments()]
    vertical = [s for s in strokes if s[0][0] == s[1][0]]
    flat = [s for s in strokes if s[0][1] == s[1][1]]
    assert len(vertical) == 2 and len(flat) == 2  # a stroke per rated session, a bar per week
    assert all(s[1][0] - s[0][0] == 6 for s in flat)  # a week wide, never across the gap
    assert not [line for line in axes.get_lines() if len(line.get_xdata()) > 0]  # no joining line
    out = tmp_path / "pain.png"
    charts.plot_pain(entries, out)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    "args",
    [
        ["plan", "pelvic-tilts", "--rate", "1_50"],
        ["plan", "pelvic-tilts", "--reps", "\u0662"],
        ["plan", "pelvic-tilts", "--music-level", "\u0663"],
    ],
)
def test_an_option_number_in_other_digits_is_refused_as_config_set_refuses_it(
    run_cli: Run, args: list[str]
) -> None:
    result = run_cli(*args)  # click's IntRange took them as 150, 2 and 3
    assert result.code == 2 and "is not a whole number typed in digits 0-9" in result.err


def test_a_pain_in_other_digits_is_refused(run_cli: Run) -> None:
    result = run_cli("log", "add", "pelvic-tilts", "--pain-before", "\u0663", "--pain-after", "2")
    assert result.code == 1 and "pain must be a whole number" in result.err
