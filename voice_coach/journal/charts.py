"""The pain trend as a picture (PNG), for `progress --plot`.

Each session is a pair of points, pain before and pain after, joined by a short vertical stroke
(what the session did); nothing joins one session to the next, so days without sessions are gaps,
not invented slopes. Each week's average pain after the sessions is a flat bar across that week:
the trend a person and their clinician look for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from voice_coach.errors import UserError
from voice_coach.files import replacing
from voice_coach.journal.log import Entry


@dataclass(frozen=True)
class PainChart:
    before: list[tuple[dt.date, int]]
    after: list[tuple[dt.date, int]]
    sessions: list[tuple[dt.date, int, int]]
    """Sessions with both ratings: the day, before, after."""
    weeks: list[tuple[dt.date, float]]
    """Monday of each week with a rating after a session, and that week's average."""


def chart_of(entries: Sequence[Entry]) -> PainChart:
    before = [(e.day, e.pain_before) for e in entries if e.pain_before is not None]
    after = [(e.day, e.pain_after) for e in entries if e.pain_after is not None]
    sessions = [
        (e.day, e.pain_before, e.pain_after)
        for e in entries
        if e.pain_before is not None and e.pain_after is not None
    ]
    by_week: dict[dt.date, list[int]] = {}
    for day, value in after:
        by_week.setdefault(day - dt.timedelta(days=day.weekday()), []).append(value)
    weeks = [(monday, sum(v) / len(v)) for monday, v in sorted(by_week.items())]
    return PainChart(before, after, sessions, weeks)


def draw(chart: PainChart) -> Any:
    """The figure (matplotlib, headless); the caller saves and closes it."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot
    from matplotlib.dates import date2num

    def x(day: dt.date) -> float:
        return float(date2num(day))  # type: ignore[no-untyped-call]

    figure, axes = pyplot.subplots(figsize=(8, 4), dpi=100)
    axes.xaxis_date()
    for day, low, high in chart.sessions:
        axes.vlines(x(day), min(low, high), max(low, high), color="#9aa5ab", linewidth=1)
    for monday, average in chart.weeks:
        sunday = monday + dt.timedelta(days=6)
        axes.hlines(average, x(monday), x(sunday), color="#e07a1f", linewidth=3, alpha=0.6)
    if chart.weeks:
        axes.plot([], [], color="#e07a1f", linewidth=3, alpha=0.6, label="weekly average after")
    if chart.before:
        points = [(x(day), value) for day, value in chart.before]
        axes.scatter(
            *zip(*points, strict=True), facecolors="none", edgecolors="#1f6f8b", label="before"
        )
    if chart.after:
        points = [(x(day), value) for day, value in chart.after]
        axes.scatter(*zip(*points, strict=True), color="#1f6f8b", label="after")
    axes.set_ylim(-0.5, 10.5)
    axes.set_ylabel("leg pain (0-10)")
    axes.set_title("Leg pain before and after each session")
    axes.grid(alpha=0.3)
    axes.legend(loc="upper right", fontsize="small")
    figure.autofmt_xdate()
    return figure


def plot_pain(entries: Sequence[Entry], path: Path) -> None:
    chart = chart_of(entries)
    if not chart.before and not chart.after:
        raise UserError("no pain ratings logged yet, so there is nothing to plot", where="--plot")
    if path.suffix.lower() != ".png":
        raise UserError(f"'{path.name}' is not a .png file name", where="--plot")
    if not path.parent.is_dir():
        raise UserError(
            f"folder '{path.parent}' does not exist", where="--plot", hint="create it first"
        )
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise UserError(
            "drawing the chart needs matplotlib, which is not installed",
            where="--plot",
            hint="install it with: pip install matplotlib (or run ./scripts/setup.sh)",
        ) from None
    from matplotlib import pyplot

    figure = draw(chart)
    try:
        with replacing(path) as temp:  # pain data, as private as the log it is drawn from
            figure.savefig(temp, format="png")
    finally:
        pyplot.close(figure)
