"""The page a phone opens: the routines, each with a player, its chapters (tap one to jump to
it), the current exercise's steps as it plays, and the files to download. One self-contained
HTML file (no fonts, scripts or images from anywhere), so it works on any phone's browser
without an install. The routines travel as JSON that the script turns into elements with
`textContent`: nothing from the content is ever parsed as HTML."""

from __future__ import annotations

import json
from collections.abc import Sequence
from html import escape
from importlib import resources
from string import Template

from voice_coach.share.routines import Routine


def _data(routines: Sequence[Routine]) -> str:
    described = [
        {
            "id": r.id,
            "title": r.title,
            "purpose": r.purpose,
            "minutes": round(r.seconds / 60),
            "seconds": round(r.seconds, 3),
            "equipment": list(r.equipment),
            "helper": r.helper,
            "parts": [
                {
                    "title": p.title,
                    "start": round(p.start / r.rate, 3),
                    "end": round(p.end / r.rate, 3),
                    "steps": list(p.steps),
                    "exercise": p.exercise,
                }
                for p in r.parts
            ],
        }
        for r in routines
    ]
    text = json.dumps(described, ensure_ascii=True)
    # Inert inside <script>: no "</script>" or "<!--" can be spelled by the content.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def page_html(
    routines: Sequence[Routine], base: str, title: str, disclaimer: str, *, log_form: bool
) -> bytes:
    """The page, from its template (page.html, shipped as package data): every value escaped
    for HTML, the routines as inert JSON; with `log_form`, the questions around each routine
    whose answers the page sends to the log (`share --read-only` shows none)."""
    template = Template(
        resources.files("voice_coach.share").joinpath("page.html").read_text("utf-8")
    )
    return template.substitute(
        title=escape(title),
        base=escape(base),
        disclaimer=escape(disclaimer),
        data=_data(routines),
        log="yes" if log_form else "no",
    ).encode()
