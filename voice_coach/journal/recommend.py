"""From the log's per-exercise effects to a personal playlist, as the programme suggests: try the
exercises, notice which help, and focus on those."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from voice_coach.errors import UserError
from voice_coach.files import write_text
from voice_coach.journal import home as userstate
from voice_coach.journal.log import Entry
from voice_coach.journal.stats import effects_by_exercise, made_worse

MY_PLAN = "my-plan"


@dataclass(frozen=True)
class Ranked:
    exercise: str
    better: int
    same: int
    worse: int
    worse_last: bool = False
    """Its latest rating is worse: plan and play leave it out, so my-plan must not hold it."""

    @property
    def score(self) -> float:
        return (self.better - self.worse) / (self.better + self.same + self.worse)

    @property
    def dropped(self) -> bool:
        """Made the symptoms worse last time, or at least as often as better."""
        return self.worse_last or (self.worse > 0 and self.worse >= self.better)


def rank(entries: Sequence[Entry], known: Collection[str]) -> list[Ranked]:
    """The `known` exercises rated in `entries`, best first: an exercise the content does not
    have (logged with another --content-dir) could be neither played nor planned."""
    last_worse = set(made_worse(entries))
    ranked = [
        Ranked(
            name,
            found.count("better"),
            found.count("same"),
            found.count("worse"),
            name in last_worse,
        )
        for name, found in effects_by_exercise(entries).items()
        if name in known
    ]
    return sorted(ranked, key=lambda r: (-r.score, -r.better, r.exercise))


def unknown(entries: Sequence[Entry], known: Collection[str]) -> list[str]:
    """The rated exercises that `rank` leaves out, as the content does not have them."""
    return sorted(name for name in effects_by_exercise(entries) if name not in known)


def keep(ranked: Sequence[Ranked]) -> list[str]:
    """Those that helped; if none has yet, those that did no harm."""
    helped = [r.exercise for r in ranked if not r.dropped and r.better > 0]
    return helped or [r.exercise for r in ranked if not r.dropped]


def save_plan(exercises: Sequence[str], unknown: Sequence[str] = ()) -> Path:
    """Write my-plan with `exercises`; with none, the one error says why, naming the rated
    exercises the content does not have (`unknown`) when there are some."""
    if not exercises and unknown:
        raise UserError(
            "no exercise this content has was rated without making things worse (rated, but "
            f"not in this content: {', '.join(unknown)})",
            hint="give recommend the --content-dir they came from, or rate exercises after a "
            "session: voice-coach play, or log add --effect",
        )
    if not exercises:
        raise UserError(
            "no exercise has been rated yet without making things worse",
            hint="rate exercises after a session: voice-coach play, or log add --effect",
        )
    document = {
        "playlists": [
            {
                "id": MY_PLAN,
                "title": "My plan",
                "for": "The exercises that helped you most, from your session log.",
                "intro": [
                    "This is your own plan: the exercises that helped you most.",
                    "Keep noticing how each one affects the pain down your leg.",
                ],
                "exercises": list(exercises),
            }
        ]
    }
    path = userstate.user_content() / f"{MY_PLAN}.yaml"
    header = "# Written by `voice-coach recommend`; run it again to refresh.\n"
    write_text(path, header + yaml.safe_dump(document, sort_keys=False), make_folder=True)
    return path
