"""Playing a prepared session: planned in the background, heard and steered from the first second.

On a cold cache every cue must be synthesised before the plan is complete; the session does not
wait for that. Planning runs in its own thread and the controller plays, shows and obeys the keys
on the plan as it grows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from voice_coach.model import CueLength, Library, Timeline
from voice_coach.plan.timeline import ChapterTitle, PlanSink
from voice_coach.playback.base import Player
from voice_coach.playback.controller import Listening, Outcome, SessionController
from voice_coach.playback.growing import GrowingPlan
from voice_coach.playback.keys import keys
from voice_coach.playback.screen import LiveScreen, PlainScreen

if TYPE_CHECKING:
    from voice_coach.audio.mix import Mixing


class Cues(Protocol):
    """Where a cue's sound comes from, at the session's sample rate."""

    @property
    def sample_rate(self) -> int: ...

    @property
    def pcm(self) -> Callable[[str], bytes]: ...


class Playable(Protocol):
    """What playback needs of a prepared session (the session stage's Prepared is one): it
    plans, it names itself, and it has the cues; playback never depends on how."""

    @property
    def library(self) -> Library: ...

    @property
    def cues(self) -> Cues: ...

    @property
    def target(self) -> tuple[str, ...]: ...

    @property
    def session_title(self) -> str: ...

    def outline(self) -> tuple[ChapterTitle, ...]: ...

    def plan(self, sink: PlanSink | None = None, lengths: CueLength | None = None) -> Timeline: ...

    def guessed(self) -> Timeline: ...


def play_session(
    prepared: Playable,
    output: Player,
    *,
    live_screen: bool,
    listening: Listening | None = None,
    mixing: Mixing | None = None,
) -> tuple[Timeline, Outcome]:
    """Play to the end (or until quit or Ctrl-C); the player is closed afterwards.

    `live_screen`: a panel redrawn in place (stdout is a terminal), else one line per cue. The
    timeline returned is the whole plan, or, when the session ended before planning did, the
    part that was planned.
    """
    plan = GrowingPlan(
        prepared.target,
        prepared.cues.sample_rate,
        prepared.outline(),
        prepared.plan,
        guess=prepared.guessed(),
    )
    if mixing is not None:  # the music fades out at the end, once the end is known
        mixing.length = lambda: plan.snapshot().length if plan.complete else None
    title = prepared.session_title
    try:
        screen: LiveScreen | PlainScreen
        screen = LiveScreen(prepared.library, title) if live_screen else PlainScreen()
        with keys() as reader:
            controller = SessionController(
                plan, prepared.cues.pcm, output, screen, reader, listening, mixing=mixing
            )
            outcome = controller.run()
    finally:
        output.close()
        if listening is not None:
            listening.listener.close()
    return plan.final(), outcome
