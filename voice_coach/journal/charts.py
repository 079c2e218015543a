"""The pain trend as a picture (PNG), for `progress --plot`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from voice_coach.errors import UserError
from voice_coach.files import replacing


def plot_pain(series: Sequence[tuple[dt.date, float]], path: Path) -> None:
    if not series:
        raise UserError("no pain ratings logged yet, so there is nothing to plot", where="--plot")
    if path.suffix.lower() != ".png":
        raise UserError(f"'{path.name}' is not a .png file name", where="--plot")
    if not path.parent.is_dir():
        raise UserError(
            f"folder '{path.parent}' does not exist", where="--plot", hint="create it first"
        )
    try:
        import matplotlib
    except ImportError:
        raise UserError(
            "drawing the chart needs matplotlib, which is not installed",
            where="--plot",
            hint="install it with: pip install matplotlib (or run ./scripts/setup.sh)",
        ) from None

    matplotlib.use("Agg")
    from matplotlib import pyplot

    figure, axes = pyplot.subplots(figsize=(8, 4), dpi=100)
    days: list[object] = [day for day, _ in series]
    axes.plot(days, [value for _, value in series], marker="o", color="#1f6f8b")  # type: ignore[arg-type]
    axes.set_ylim(0, 10)
    axes.set_ylabel("leg pain (0-10)")
    axes.set_title("Pain after each session")
    axes.grid(alpha=0.3)
    figure.autofmt_xdate()
    try:
        with replacing(path) as temp:
            figure.savefig(temp, format="png")
    finally:
        pyplot.close(figure)
