"""Playing a prepared session: planned in the background, heard and steered from the first second.

On a cold cache every cue must be synthesised before the plan is complete; the session does not
wait for that. Planning runs in its own thread and the controller plays, shows and obeys the keys
on the plan as it grows.
"""

from __future__ import annotations

from voice_coach.model import Timeline
from voice_coach.playback.base import Player
from voice_coach.playback.controller import Listening, Outcome, SessionController
from voice_coach.playback.growing import GrowingPlan
from voice_coach.playback.keys import keys
from voice_coach.playback.screen import LiveScreen, PlainScreen
from voice_coach.session.prepare import Prepared


def play_session(
    prepared: Prepared, output: Player, *, live_screen: bool, listening: Listening | None = None
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
    title = prepared.session_title
    try:
        screen: LiveScreen | PlainScreen
        screen = LiveScreen(prepared.library, title) if live_screen else PlainScreen()
        with keys() as reader:
            controller = SessionController(
                plan, prepared.cues.pcm, output, screen, reader, listening
            )
            outcome = controller.run()
    finally:
        output.close()
        if listening is not None:
            listening.listener.close()
    return plan.final(), outcome
