"""When the coach's own voice was sounding, so that the microphone hearing it is not obeyed.

The controller notes at every tick whether speech or a tone is playing; a command said while
it was (give or take the sound's way out of the device and back through the room) is ignored.
Holds, movements, rests and pauses are silent, and most of a session is one of those.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

from voice_coach.model import Timeline

MARGIN_S = 0.35
"""The output's latency and the room's echo: sound is heard this long after it is played."""
KEPT_S = 30.0


class OwnVoice:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.spans: deque[list[float]] = deque()
        """[start, end] of each stretch of sound, on the clock; the last may still be open."""
        self.open = False

    @classmethod
    def of_plan(cls, timeline: Timeline) -> OwnVoice:
        """When the coach sounds in a whole plan, in seconds from its start (a plan played
        straight through, as its audio fed back to a microphone)."""
        voice = cls(lambda: 0.0)
        rate = timeline.sample_rate
        voice.spans.extend(
            [e.start / rate, e.end / rate] for e in timeline.events if e.kind != "silence"
        )
        return voice

    def note(self, sounding: bool) -> None:
        now = self.clock()
        if self.open:  # it sounded until now, or until some moment since the last note
            self.spans[-1][1] = now
        elif sounding:
            self.spans.append([now, now])
        self.open = sounding
        while self.spans and self.spans[0][1] < now - KEPT_S:
            self.spans.popleft()

    def during(self, start: float, end: float) -> bool:
        """Whether the coach was sounding at any moment from `start` to `end`."""
        return any(s <= end and e + MARGIN_S >= start for s, e in self.spans)
