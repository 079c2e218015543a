"""The transport: where the sound is in the plan, and the few orders that move it.

The position always comes from the player (the device's clock), so the screen, the skips and the
summary agree with what the person actually heard. What was heard is credited here too: only the
transport knows from which sample each stretch of sound was played. It holds no opinion on what
should happen next; that is the session's state (states.py).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import TYPE_CHECKING

from voice_coach.audio.render import render_events, tone
from voice_coach.plan import spoken
from voice_coach.playback.base import Player
from voice_coach.playback.growing import EventStream, GrowingPlan

if TYPE_CHECKING:
    from voice_coach.audio.mix import Mixing

ANSWER_TONE_S = 0.15
ANSWER_GAP_S = 0.15
AGAIN_TONE_S = 0.09
AGAIN_DBFS = -26.0
"""'Say again': two short low blips, 10 dB softer than the cues' tones, and no words: the
person knows they were heard but not understood, and nothing happens."""


class Transport:
    def __init__(
        self,
        plan: GrowingPlan,
        cue: Callable[[str], bytes],
        player: Player,
        clock: Callable[[], float],
        mixing: Mixing | None = None,
    ) -> None:
        self.plan = plan
        self.cue = cue
        self.player = player
        self.clock = clock
        self.segment_start = 0
        """Where the session's sound last (re)started; words said before it are counted before
        it, so the position never goes back into them."""
        self.stream: EventStream | None = None
        self.heard = 0
        self.reached_end: set[int] = set()
        self.answer_until = 0.0
        """While the session is still, something said plays until then (on the clock)."""
        self.mixing = mixing
        """The person's music, which goes on from where it was heard whenever the sound does."""
        self.reached = 0
        """Where the sound last stopped (or 0): how much music has been heard so far."""

    # What the transitions need to know of the plan.

    @property
    def chapters(self) -> int:
        """Every chapter the whole session has, planned or not."""
        return len(self.plan.titles)

    @property
    def sample_rate(self) -> int:
        return self.plan.sample_rate

    def chapter_start(self, index: int) -> int | None:
        """Where chapter `index` can be played from; None until the plan has reached it."""
        return self.plan.chapter_start(index)

    def chapter_at(self, position: int) -> int:
        return self.plan.snapshot().chapter_index(position)

    def time_left(self, position: int) -> str:
        """What is left of the exercise and the session: exact once planned, else from the
        plan's word-count guess (hence "about")."""
        timeline = self.plan.snapshot()
        rate = self.plan.sample_rate
        if not timeline.chapters:
            return spoken.remaining(None, self.plan.guess_length // rate)
        source = timeline if self.plan.complete else (self.plan.guess or timeline)
        lengths = [c.end - c.start for c in source.chapters]
        index = min(timeline.chapter_index(position), len(lengths) - 1)
        here = max(0, lengths[index] - (position - timeline.chapters[index].start))
        session = here + sum(lengths[index + 1 :])
        in_exercise = timeline.chapters[index].exercise is not None
        return spoken.remaining(here // rate if in_exercise else None, session // rate)

    # The sound.

    def answer(self, text: str) -> bytes:
        """A short tone, a breath, then the words: heard as the coach answering, not cueing."""
        rate = self.plan.sample_rate
        pcm = tone("hold-start", round(ANSWER_TONE_S * rate), rate)
        return pcm + bytes(round(ANSWER_GAP_S * rate) * 2) + self.cue(text)

    def again(self) -> bytes:
        """The soft 'say again' sound: a command heard, but not surely enough to obey."""
        rate = self.plan.sample_rate
        blip = tone("say-again", round(AGAIN_TONE_S * rate), rate, AGAIN_DBFS)
        return blip + bytes(round(AGAIN_TONE_S * rate) * 2) + blip

    def play(self, position: int, preamble: bytes = b"") -> None:
        """Play the session from `position`, after `preamble` (something said in between: the
        player counts it before `position`, and the position is read no earlier than that)."""
        self.segment_start = position
        self.stream = self.plan.stream(position)
        rate = self.plan.sample_rate
        if self.mixing is not None:
            self.mixing.resume(self.reached, position)
        blocks = render_events(
            self.stream, rate, self.cue, start=position, flush=True, mixing=self.mixing
        )
        if preamble:
            blocks = itertools.chain([preamble], blocks)
        self.player.start(blocks, position - len(preamble) // 2)

    def say(self, answer: bytes, position: int) -> None:
        """Say something while the session is still (paused, or waiting for the plan); it
        stays still, at `position`."""
        self.player.start(iter([answer]), position)
        self.answer_until = self.clock() + len(answer) / 2 / self.plan.sample_rate

    def music_at(self, position: int) -> str | None:
        """The track heard at `position` of the session, if there is music."""
        return self.mixing.title_at(position) if self.mixing is not None else None

    def position(self) -> int:
        return max(self.player.position(), self.segment_start)

    def in_preamble(self) -> bool:
        """Whether words said before the session goes on are still playing."""
        return self.player.position() < self.segment_start

    def stop(self) -> int:
        """Silence the session at once; credit what was heard, and return the sample reached."""
        self.release()
        reached = max(self.player.stop(), self.segment_start)
        self._account(reached)
        self.reached = reached
        return reached

    def release(self) -> None:
        """Let go of the plan: a player waiting for its next event stops waiting at once."""
        if self.stream is not None:
            self.stream.cancel()

    def done(self) -> bool:
        return self.player.done()

    def finish(self) -> None:
        """The whole session was heard to its end."""
        self._account(self.plan.snapshot().length)

    def sounding(self, playing: bool) -> bool:
        """Whether the coach's own sound is heard now (speech or a tone, not silence);
        `playing`: the session plays (else it is still, and only something said can sound)."""
        if not playing:
            return self.clock() < self.answer_until  # an answer said while still
        position = self.player.position()
        if position < self.segment_start:
            return True  # something said before the session goes on
        timeline = self.plan.snapshot()
        if position >= timeline.length:
            return not self.player.done()
        return timeline.event_at(position).kind != "silence"

    def _account(self, reached: int) -> None:
        """Credit what was heard between the segment's start and `reached`."""
        self.heard += max(0, reached - self.segment_start)
        chapters = self.plan.snapshot().chapters
        final = len(chapters) if self.plan.complete else len(chapters) - 1  # last may still grow
        for index, chapter in enumerate(chapters[:final]):
            if self.segment_start < chapter.end <= reached:
                self.reached_end.add(index)
        self.segment_start = reached
