"""Playing a prepared session: plan in the background, start early, then hand over to the keys.

On a cold cache every cue must be synthesised before the plan is complete, so playback starts as
soon as the first exercise is planned and the rest is synthesised while the person listens.
"""

from __future__ import annotations

from voice_coach.audio.render import render_events
from voice_coach.model import Timeline
from voice_coach.playback.base import Player
from voice_coach.playback.controller import Outcome, SessionController
from voice_coach.playback.keys import keys
from voice_coach.playback.progressive import LiveTimeline
from voice_coach.playback.screen import LiveScreen, PlainScreen, TimelineView
from voice_coach.session import Prepared


def play_session(
    prepared: Prepared, output: Player, *, live_screen: bool
) -> tuple[Timeline, Outcome]:
    """Play to the end (or until quit or Ctrl-C); the player is closed afterwards.

    `live_screen`: a panel redrawn in place (stdout is a terminal), else one line per cue.
    """
    try:
        live = LiveTimeline(prepared.plan)
        live.wait_for_first_exercise()
        output.start(render_events(live.events(), prepared.cues.sample_rate, prepared.cues.pcm), 0)
        timeline = live.result()
        session = prepared.session(timeline)
        view = TimelineView(timeline, session.library)
        screen: LiveScreen | PlainScreen
        screen = LiveScreen(view, session.title) if live_screen else PlainScreen(view)
        with keys() as reader:
            controller = SessionController(timeline, prepared.cues.pcm, output, screen, reader)
            outcome = controller.run(already_playing=True)
    finally:
        output.close()
    return timeline, outcome
