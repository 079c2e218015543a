"""POST /<secret>/log: a session the phone's page sends, written to the person's log.

The body is a JSON object of exactly these keys: {"id": a random id the page made, "routine": a
routine this `share` serves, "date": "YYYY-MM-DD", "pain_before": 0-10 or null, "pain_after":
0-10 or null, "effects": {exercise id: "better" | "same" | "worse"}}. Everything in it is
untrusted: each value must be one the page can send (ids are looked up, never used as they
came), a key given twice or one more is refused, and no refusal quotes what was sent. The
session is logged by the journal as `log add` logs one (journal.phone), once per id: 201 with
the log's id when written, 200 when that id was logged before. A log that cannot be written now
(busy, broken, a full disk) is a 503, said in one line on the terminal: the page keeps the
session and sends it again later, so nothing is lost.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Collection, Mapping, Sequence

from voice_coach.errors import UserError, describe
from voice_coach.journal import phone
from voice_coach.journal.values import Refused
from voice_coach.share.server import Answer

KEYS = ("id", "routine", "date", "pain_before", "pain_after", "effects")
NOT_NOW = "the computer cannot write your log just now; this phone keeps your answers"
MOST_SAID = 200
"""A refusal's words at most (a journal check may quote a number that came in the body)."""


class _Invalid(Exception):
    """The body is not a session the page sends."""


class Inbox:
    """The log's address: for each routine served, the exercises a session of it may rate."""

    def __init__(self, exercises: Mapping[str, Sequence[str]], known: Collection[str] = ()) -> None:
        self.exercises = exercises
        self.known = frozenset(known)
        """Every exercise of the content: a session kept on the phone may rate one that its
        routine (a changed `my-plan`) no longer has."""
        self._lock = threading.Lock()
        """One write at a time: the server's threads never wait on each other in SQLite."""

    def post(self, body: bytes) -> Answer:
        try:
            sent = _object(body)
            routine = _text(sent, "routine")
            if routine not in self.exercises:
                raise _Invalid("routine: not a routine this computer shares")
            entry = phone.entry(
                routine,
                self.exercises[routine],
                _text(sent, "date"),
                _pain(sent, "pain_before"),
                _pain(sent, "pain_after"),
                _effects(sent),
                self.known,
            )
            ident = _text(sent, "id")
            with self._lock:
                logged, new = phone.log_once(ident, entry)
        except _Invalid as exc:
            return Answer(400, {"error": str(exc)})
        except Refused as exc:
            return Answer(400, {"error": f"{exc.where}: {exc.message}"[:MOST_SAID]})
        except UserError as exc:  # the log: busy, broken, not writable, newer
            return Answer(503, {"error": NOT_NOW}, note=f"not logged: {describe(exc)}")
        return Answer(201 if new else 200, {"id": logged})


def _object(body: bytes) -> dict[str, object]:
    try:
        sent = json.loads(body.decode("utf-8"), object_pairs_hook=_once, parse_constant=_none)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise _Invalid("not JSON") from None
    if not isinstance(sent, dict):
        raise _Invalid("not a JSON object")
    missing = [key for key in KEYS if key not in sent]
    if missing:
        raise _Invalid(f"{missing[0]}: missing")
    if len(sent) != len(KEYS):
        raise _Invalid("a key that is not " + ", ".join(KEYS))
    return sent


def _once(pairs: list[tuple[str, object]]) -> dict[str, object]:
    """An object whose keys are each given once (JSON lets the last one win, silently)."""
    found = dict(pairs)
    if len(found) != len(pairs):
        raise _Invalid("a key given twice")
    return found


def _none(word: str) -> object:
    raise _Invalid("not JSON (NaN and Infinity are not numbers)")


def _text(sent: dict[str, object], key: str) -> str:
    value = sent[key]
    if not isinstance(value, str):
        raise _Invalid(f"{key}: not text")
    return value


def _pain(sent: dict[str, object], key: str) -> int | None:
    """A whole number or null (whether it is from 0 to 10 is the journal's check)."""
    value = sent[key]
    if value is not None and type(value) is not int:
        raise _Invalid(f"{key}: not a whole number from 0 to 10, or null")
    return value


def _effects(sent: dict[str, object]) -> dict[str, str]:
    value = sent["effects"]
    if not isinstance(value, dict):
        raise _Invalid("effects: not an object")
    if not all(isinstance(effect, str) for effect in value.values()):
        raise _Invalid("effects: each must be better, same or worse")
    return dict(value)
