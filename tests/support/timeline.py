"""Reading a planned timeline: events by role, and what is said."""

from __future__ import annotations

from collections.abc import Sequence

from voice_coach.model import Timeline


def roles(timeline: Timeline, role: str, exercise: str | None = None) -> list[object]:
    return [
        e
        for e in timeline.events
        if e.role == role and (exercise is None or e.exercise == exercise)
    ]


def texts(timeline: Timeline) -> Sequence[str]:
    return [e.text for e in timeline.events if e.text]
