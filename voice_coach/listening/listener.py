"""Listening in the background while the session plays: microphone in, commands out.

The microphone is read in its own thread so that a slow recognition never delays the sound or
the keys. Each command carries the wall-clock span in which it was said, so the session can
tell whether its own voice was sounding then. The audio stays in memory for the few seconds a
command takes and is never written anywhere.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from voice_coach.errors import UserError
from voice_coach.listening.commands import Action
from voice_coach.listening.microphone import PERIOD, RATE, Microphone, NoMicrophone

if TYPE_CHECKING:  # the recogniser needs numpy: loaded only when listening starts
    from voice_coach.listening.recogniser import Heard

SILENT_AFTER_S = 2.0
"""A microphone that gives nothing but zeros (or nothing at all) this long is not listening
(until it gives sound)."""
NO_SOUND = "the microphone gives no sound"
SILENCE = "the microphone gives only silence (is it muted?)"


@dataclass(frozen=True)
class Command:
    action: Action
    phrase: str
    said_from: float
    said_to: float
    """When it was said, on time.monotonic()'s clock."""
    sure: bool = True
    """False: heard, but not surely enough to obey (the person is asked to say it again)."""
    probability: float = 1.0
    """How likely the recogniser thought it (0 to 1)."""


class Source(Protocol):
    def read(self) -> bytes: ...

    def close(self) -> None: ...


class Recognises(Protocol):
    def feed(self, pcm: bytes) -> Iterable[Heard]: ...


class Listens(Protocol):
    """What the session needs of a listener (tests give it a scripted one)."""

    problem: str | None

    def poll(self) -> list[Command]: ...

    def close(self) -> None: ...


class Listener:
    """Reads the microphone and recognises commands in a thread; `poll` hands them over."""

    def __init__(
        self,
        open_source: Callable[[], Source],
        recogniser: Callable[[], Recognises],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._open_source = open_source
        self._recogniser = recogniser
        self._clock = clock
        self._commands: queue.Queue[Command] = queue.Queue()
        self._stop = threading.Event()
        self.problem: str | None = None
        """Why it stopped listening (one line), once it has."""
        self.heard: str | None = None
        """The last utterance that looked like a command, accepted or not."""
        self._thread = threading.Thread(target=self._run, name="voice-coach-listener", daemon=True)

    @classmethod
    def microphone(cls, device: str, wake_word: str, sensitivity: float, fit: int = 0) -> Listener:
        from voice_coach.listening.classifier import recogniser_for

        return cls(
            lambda: Microphone(device, wait=False),
            lambda: recogniser_for(wake_word, sensitivity, fit=fit),
        )

    def start(self) -> Listener:
        self._thread.start()
        return self

    def poll(self) -> list[Command]:
        out = []
        while True:
            try:
                out.append(self._commands.get_nowait())
            except queue.Empty:
                return out

    def close(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=2.0)

    def _run(self) -> None:
        try:
            recogniser = self._recogniser()
            source = self._open_source()
        except (NoMicrophone, UserError) as exc:
            self.problem = exc.message
            return
        except Exception as exc:  # in this thread, it would be a traceback over the session
            self.problem = (
                f"listening could not start on an internal error ({type(exc).__name__}); "
                "please report it"
            )
            return
        try:
            self._listen(source, recogniser)
        except Exception as exc:  # a bug of ours must not take the session down with it
            self.problem = (
                f"listening stopped on an internal error ({type(exc).__name__}); please report it"
            )
        finally:
            source.close()

    def _listen(self, source: Source, recogniser: Recognises) -> None:
        fed = 0
        started = self._clock()
        sounded = False
        # A microphone that gives nothing, or only zeros, at first is said on the screen but
        # still read: unmuted (or plugged in) later, it is listened to from then on.
        # A device that hands out zeros without waiting (a /dev/zero one) must not spin a core.
        zeros = False
        while not self._stop.is_set():
            pcm = source.read()
            now = self._clock()
            if not sounded:
                zeros = zeros or bool(pcm)
                sounded = any(pcm)
                if not sounded:
                    if now - started > SILENT_AFTER_S:
                        self.problem = SILENCE if zeros else NO_SOUND
                    time.sleep(PERIOD / RATE / 2)
                    continue
                self.problem = None
            elif not pcm:
                time.sleep(PERIOD / RATE / 2)
                continue
            fed += len(pcm) // 2
            for heard in recogniser.feed(pcm):
                self.heard = heard.phrase or None
                action = heard.action or heard.unsure
                if action is not None:
                    self._commands.put(
                        Command(
                            action,
                            heard.phrase,
                            now - (fed - heard.onset) / RATE,
                            now - (fed - heard.end) / RATE,
                            heard.action is not None,
                            heard.confidence,
                        )
                    )


def start_listening(device: str, wake_word: str, sensitivity: float, fit: int = 0) -> Listener:
    return Listener.microphone(device, wake_word, sensitivity, fit).start()
