"""`listen-test`: what the recogniser makes of the microphone, to tune the settings by.

Each utterance gets one line: the command it would obey, or why not, with the numbers the
sensitivity setting moves, so a person can see whether to raise or lower it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator

from voice_coach.errors import UserError, inert
from voice_coach.listening.calibration import HIGHEST, Calibration, best_fit, calibrate
from voice_coach.listening.classifier import WAKE_WORD, Judges, recogniser_for
from voice_coach.listening.commands import DOING, SaidAgain
from voice_coach.listening.confidence import probability
from voice_coach.listening.microphone import PERIOD, RATE, Microphone, level_dbfs
from voice_coach.listening.recogniser import MARGIN, MAX_S, Heard


def explain(heard: Heard, recogniser: Judges, again: bool = False) -> str:
    """`again`: a doubtful command just asked again and said again, which a session obeys."""
    seconds = f"{heard.seconds:.1f} s"
    if heard.seconds > MAX_S:
        return f"speech ({seconds}): longer than a command, not obeyed"
    numbers = f"sure {heard.confidence:.0%}, needs {probability(recogniser.needed):.0%}"
    if heard.action is not None:
        return f'"{heard.phrase}" ({seconds}): would {DOING[heard.action]} ({numbers})'
    if again and heard.unsure is not None:
        doing = DOING[heard.unsure]
        return f'"{heard.phrase}"? ({seconds}): not sure, but said again: would {doing} ({numbers})'
    if heard.phrase not in recogniser.phrases or heard.score == -math.inf:
        return f"speech ({seconds}): not a command"
    if heard.margin < MARGIN:
        return f'"{heard.phrase}"? ({seconds}): as like another command, not obeyed'
    if heard.unsure is not None:
        return f'"{heard.phrase}"? ({seconds}): not sure, would ask again ({numbers})'
    return f'"{heard.phrase}"? ({seconds}): not sure enough, not obeyed ({numbers})'


def listen_lines(
    device: str,
    wake_word: str,
    sensitivity: float,
    seconds: float,
    clock: Callable[[], float] = time.monotonic,
    header: str | None = None,
    said_again: bool = False,
    fit: int = 0,
) -> Iterator[str]:
    """`header` once the microphone is open (a missing one is then the only line), one line
    per utterance heard in `seconds`, then the loudest level. `said_again`: as the setting,
    a doubtful command said again and heard alike is shown as a session would do it; `fit`:
    the stored voice fit."""
    recogniser = recogniser_for(wake_word, sensitivity, fit=fit)
    microphone = Microphone(device, wait=False)
    loudest: float | None = None
    heard_any = False
    doubt = SaidAgain()
    try:
        if header is not None:
            yield header
        end = clock() + seconds
        while clock() < end:
            pcm = microphone.read()
            if not pcm:
                time.sleep(PERIOD / RATE / 2)
                continue
            level = level_dbfs(pcm, len(pcm) // 2)
            if level is not None and (loudest is None or level > loudest):
                loudest = level
            for heard in recogniser.feed(pcm):
                heard_any = True
                at, said, sure = heard.start / RATE, heard.onset / RATE, heard.confidence
                again = (
                    said_again
                    and heard.unsure is not None
                    and doubt.confirms(heard.unsure, said, sure)
                )
                if heard.action is not None or again:
                    doubt.settled()
                elif heard.unsure is not None:
                    doubt.asked(heard.unsure, heard.end / RATE, sure)
                yield f"{at:5.1f} s  {explain(heard, recogniser, again)}"
    finally:
        microphone.close()
    if loudest is None:  # nothing to tune by: a fault of the set-up, not a result
        raise UserError(
            f"the microphone gave only silence for {seconds:g} s",
            where=inert(device),
            hint="is it muted or unplugged? `voice-coach doctor` checks its level",
        )
    if not heard_any:
        yield "Nothing that sounded like a command."
    yield f"Loudest: {loudest:.0f} dBFS (speech near the microphone reaches -30 or more)."


def calibration_lines(device: str, header: str, result: Calibration) -> Iterator[str]:
    """`listen-test --calibrate`: the header once the microphone is open, then each prompt and
    what was heard, filling `result` (heard with its `fit`, the stored one); then, for the
    classifier, the same answers heard with every other fit, and the best kept in `result`."""
    recogniser = hearing(result.wake_word, result.fit)
    result.scale = recogniser.scale
    fits = result.wake_word == WAKE_WORD  # the grammar has no fit
    microphone = Microphone(device, wait=False)
    try:
        yield header
        yield from calibrate(microphone, recogniser, result, keep=fits)
    finally:
        microphone.close()
    if fits:
        from voice_coach.listening.kws import FITS

        yield "Fitting the coach to your voice..."
        best = best_fit(result, lambda fit: hearing(result.wake_word, fit), FITS)
        result.heard, result.fit = best.heard, best.fit
        result.unfitted, result.before = best.unfitted, best.before
    result.sound = {}  # heard for the last time


def hearing(wake_word: str, fit: int) -> Judges:
    """What calibration hears with: the classifier, asked for the least sure a command may be
    at any sensitivity, reports each command's best; the grammar judges every utterance
    whatever its sensitivity."""
    return recogniser_for(wake_word, HIGHEST, patient=True, fit=fit)
