"""The feed's and page's picture: the programme's title on a plain square. Podcast apps show a
blank tile without one, and Apple's want an RGB square of 1400 to 3000 pixels (so JPEG)."""

from __future__ import annotations

import functools
import io
import textwrap

SIZE_PX = 1400


@functools.cache
def cover_jpeg(title: str) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7, 7), dpi=SIZE_PX / 7)
    figure.patch.set_facecolor("#2f6f3e")
    figure.text(
        0.5,
        0.56,
        textwrap.fill(title, 14),
        ha="center",
        va="center",
        color="white",
        fontsize=54,
        fontweight="bold",
        linespacing=1.1,
    )
    figure.text(0.5, 0.2, "voice-coach", ha="center", color="#dfeee2", fontsize=30)
    out = io.BytesIO()
    face = figure.get_facecolor()
    figure.savefig(out, format="jpeg", dpi=SIZE_PX / 7, facecolor=face, pil_kwargs={"quality": 90})
    return out.getvalue()
