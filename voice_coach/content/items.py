"""The sections of a content file, each item read into the model with every key checked."""

from __future__ import annotations

import re

from voice_coach.content.fields import (
    check_keys,
    choice_of,
    ident_of,
    integer_of,
    map_of,
    number_of,
    require,
    shown,
    text_of,
    texts_of,
)
from voice_coach.content.source import YList, YMap
from voice_coach.errors import ContentError
from voice_coach.model import (
    CAUTION_WHENS,
    EXERCISE_KINDS,
    PLACEHOLDER,
    SIDE_PLACEHOLDERS,
    SIDES_MODES,
    Caution,
    CautionWhen,
    Dosage,
    Exercise,
    GuideTopic,
    Phase,
    Playlist,
    Programme,
    RepRange,
    SidesMode,
    Span,
)
from voice_coach.names import did_you_mean

MAX_NAME = 60
"""Names become chapter titles, track file names and screen headings: they stay short."""
DEFAULT_TEMPO_S = 4.0
DEFAULT_HOLD_MOVE_S = 2.0
"""With reps that each hold, the time to move into and out of the position around the hold."""


EXERCISE_KEYS = (
    "id",
    "name",
    "source",
    "position",
    "setup",
    "steps",
    "brief",
    "switch",
    "dosage",
    "sides",
    "equipment",
    "helper",
    "cautions",
    "notes",
    "kind",
)
DOSAGE_KEYS = ("reps", "hold", "duration", "tempo", "phases", "rep_label")
PLAYLIST_KEYS = ("id", "title", "for", "exercises", "intro", "outro", "rest")
GUIDE_KEYS = ("id", "title", "source", "text")
PROGRAMME_KEYS = (
    "title",
    "disclaimer",
    "short_disclaimer",
    "warning_signs",
    "aggravating",
    "seek_help",
    "safety",
    "intro",
    "outro",
)
PRONUNCIATION_KEYS = ("written", "say", "why")


def bounded(item: YMap, key: str, what: str, limit: int) -> str:
    value = text_of(item, key, what)
    if len(value) > limit:
        raise ContentError(
            f"'{key}' of {what} is {len(value)} characters long; at most {limit} are allowed",
            where=item.where(key),
            hint="a name is read aloud and becomes a file name: keep it short",
        )
    return value


def read_exercise(item: YMap) -> Exercise:
    ident = ident_of(item, "an exercise")
    what = f"exercise '{ident}'"
    check_keys(item, EXERCISE_KEYS, what)
    sides: SidesMode = choice_of(item, "sides", what, SIDES_MODES, "none")
    helper = item.get("helper", False)
    if not isinstance(helper, bool):
        raise ContentError(
            f"'helper' of {what} must be true or false, not {shown(helper)}",
            where=item.where("helper"),
        )
    if "dosage" not in item:
        raise ContentError(f"{what} is missing the required key 'dosage'", where=item.where())
    exercise = Exercise(
        id=ident,
        name=bounded(item, "name", what, MAX_NAME),
        source=text_of(item, "source", what),
        position=text_of(item, "position", what),
        setup=texts_of(item, "setup", what, required=True),
        steps=texts_of(item, "steps", what, required=True),
        brief=texts_of(item, "brief", what),
        switch=texts_of(item, "switch", what),
        dosage=_dosage(map_of(item, "dosage"), what),
        sides=sides,
        equipment=texts_of(item, "equipment", what),
        needs_helper=helper,
        cautions=_cautions(item, what),
        notes=texts_of(item, "notes", what),
        kind=choice_of(item, "kind", what, EXERCISE_KINDS, "exercise"),
        span=Span(item.path, item.line),
    )
    _check_placeholders(item, exercise)
    return exercise


def _check_placeholders(item: YMap, exercise: Exercise) -> None:
    """Side words are filled in when planning; a typo there would be read aloud, so stop it here."""
    texts: list[tuple[str, str]] = [("setup", t) for t in exercise.setup]
    texts += [("steps", t) for t in exercise.steps]
    texts += [("brief", t) for t in exercise.brief]
    texts += [("switch", t) for t in exercise.switch]
    texts += [("cautions", c.text) for c in exercise.cautions]
    texts += [("dosage", p.say) for p in exercise.dosage.phases]
    for key, text in texts:
        for name in PLACEHOLDER.findall(text):
            if name not in SIDE_PLACEHOLDERS:
                raise ContentError(
                    f"unknown placeholder '{{{name}}}' in '{key}' of exercise '{exercise.id}'",
                    where=item.where(key),
                    hint=did_you_mean(name, SIDE_PLACEHOLDERS) or "use {side} or {other}",
                )
            if exercise.sides not in ("painful", "each"):
                raise ContentError(
                    f"'{{{name}}}' in '{key}' of exercise '{exercise.id}' needs "
                    f"'sides: painful' or 'sides: each' (it has '{exercise.sides}')",
                    where=item.where(key),
                )


def _dosage(item: YMap, owner: str) -> Dosage:
    what = f"the dosage of {owner}"
    check_keys(item, DOSAGE_KEYS, what)
    reps = _reps(item, what)
    hold = integer_of(item, "hold", what, 1, 600)
    duration = integer_of(item, "duration", what, 1, 3600)
    tempo = number_of(item, "tempo", what, 0.5, 60, integer=False)
    phases = _phases(item, what)
    rep_label = text_of(item, "rep_label", what, required=False) or None
    if duration is not None and (reps is not None or hold is not None):
        raise ContentError(
            f"{what} mixes 'duration' with 'reps' or 'hold'",
            where=item.where("duration"),
            hint="timed work takes 'duration' alone",
        )
    if reps is None and hold is None and duration is None:
        raise ContentError(
            f"{what} needs 'reps', 'hold' or 'duration'",
            where=item.where(),
            hint="e.g. 'reps: 20' or 'hold: 30'",
        )
    for key, value in (("tempo", tempo), ("phases", phases or None), ("rep_label", rep_label)):
        if value is not None and reps is None:
            raise ContentError(f"'{key}' in {what} needs 'reps'", where=item.where(key))
    if phases and tempo is not None:
        raise ContentError(
            f"{what} has both 'tempo' and 'phases'",
            where=item.where("tempo"),
            hint="with phases the tempo is the sum of their seconds; remove 'tempo'",
        )
    if phases and hold is not None:
        raise ContentError(f"{what} has both 'hold' and 'phases'", where=item.where("phases"))
    if reps is not None and not phases and tempo is None:
        tempo = DEFAULT_HOLD_MOVE_S if hold is not None else DEFAULT_TEMPO_S
    return Dosage(
        reps=reps,
        hold_s=hold,
        duration_s=duration,
        tempo_s=tempo,
        phases=phases,
        rep_label=rep_label,
    )


def _reps(item: YMap, what: str) -> RepRange | None:
    value = item.get("reps")
    if value is None:
        return None
    if isinstance(value, YList) and len(value) == 2:
        low, high = value
    else:
        low = high = value
    for bound in (low, high):
        if isinstance(bound, bool) or not isinstance(bound, int) or not 1 <= bound <= 200:
            raise ContentError(
                f"'reps' of {what} must be a whole number from 1 to 200 or a range [low, high], "
                f"not {shown(value)}",
                where=item.where("reps"),
            )
    if low > high:
        raise ContentError(
            f"'reps' range of {what} runs backwards ({low} > {high})", where=item.where("reps")
        )
    return RepRange(low, high)


def _phases(item: YMap, what: str) -> tuple[Phase, ...]:
    value = item.get("phases")
    if value is None:
        return ()
    if not isinstance(value, YList) or not value:
        raise ContentError(
            f"'phases' of {what} must be a list of {{say, seconds}}", where=item.where("phases")
        )
    phases = []
    for index, entry in enumerate(value):
        if not isinstance(entry, YMap):
            raise ContentError(
                f"each phase of {what} must be a mapping with 'say' and 'seconds'",
                where=value.where(index),
            )
        check_keys(entry, ("say", "seconds"), f"a phase of {what}")
        seconds = number_of(entry, "seconds", f"a phase of {what}", 0.5, 60, integer=False)
        if seconds is None:
            raise ContentError(
                f"a phase of {what} is missing the required key 'seconds'", where=entry.where()
            )
        phases.append(Phase(say=text_of(entry, "say", f"a phase of {what}"), seconds=seconds))
    return tuple(phases)


def _cautions(item: YMap, what: str) -> tuple[Caution, ...]:
    value = item.get("cautions")
    if value is None:
        return ()
    if not isinstance(value, YList):
        raise ContentError(f"'cautions' of {what} must be a list", where=item.where("cautions"))
    cautions = []
    for index, entry in enumerate(value):
        if isinstance(entry, str) and entry.strip():
            cautions.append(Caution(" ".join(entry.split())))
            continue
        if not isinstance(entry, YMap):
            raise ContentError(
                f"each caution of {what} must be text or a mapping with 'text' and 'when'",
                where=value.where(index),
            )
        check_keys(entry, ("text", "when", "reminder", "unless_left_out"), f"a caution of {what}")
        when: CautionWhen = choice_of(entry, "when", f"a caution of {what}", CAUTION_WHENS, "start")
        text = text_of(entry, "text", f"a caution of {what}")
        reminder = text_of(entry, "reminder", f"a caution of {what}", required=False) or None
        points_to = text_of(entry, "unless_left_out", f"a caution of {what}", required=False)
        cautions.append(Caution(text, when, reminder, points_to or None))
    return tuple(cautions)


def read_playlist(item: YMap) -> tuple[Playlist, YList]:
    ident = ident_of(item, "a playlist")
    what = f"playlist '{ident}'"
    check_keys(item, PLAYLIST_KEYS, what)
    refs = require(item, "exercises", what)
    if not isinstance(refs, YList) or not refs:
        raise ContentError(
            f"'exercises' of {what} must be a non-empty list of exercise ids",
            where=item.where("exercises"),
        )
    for index, ref in enumerate(refs):
        if not isinstance(ref, str):
            raise ContentError(
                f"'exercises' of {what} must list exercise ids, not {shown(ref)}",
                where=refs.where(index),
            )
    playlist = Playlist(
        id=ident,
        title=bounded(item, "title", what, MAX_NAME),
        purpose=text_of(item, "for", what),
        exercises=tuple(refs),
        intro=texts_of(item, "intro", what),
        outro=texts_of(item, "outro", what),
        rest_s=integer_of(item, "rest", what, 0, 600),
        span=Span(item.path, item.line),
    )
    return playlist, refs


def read_guide(item: YMap) -> GuideTopic:
    ident = ident_of(item, "a guide topic")
    what = f"guide topic '{ident}'"
    check_keys(item, GUIDE_KEYS, what)
    return GuideTopic(
        id=ident,
        title=text_of(item, "title", what),
        source=text_of(item, "source", what),
        paragraphs=texts_of(item, "text", what, required=True),
        span=Span(item.path, item.line),
    )


def read_pronunciation(item: YMap) -> tuple[str, str]:
    """One entry of the pronunciation list: a written form and what the engine should say."""
    written = text_of(item, "written", "a pronunciation")
    what = f"pronunciation of '{written}'"
    check_keys(item, PRONUNCIATION_KEYS, what)
    said = text_of(item, "say", what)
    text_of(item, "why", what, required=False)
    if len(written.split()) > 4 or not re.search(r"\w", written):
        raise ContentError(
            f"'{written}' is not a word or short phrase",
            where=item.where("written"),
            hint="list single words, abbreviations or short phrases",
        )
    return written, said


def read_programme(item: YMap) -> Programme:
    what = "the programme"
    check_keys(item, PROGRAMME_KEYS, what)
    return Programme(
        title=text_of(item, "title", what),
        disclaimer=text_of(item, "disclaimer", what),
        short_disclaimer=text_of(item, "short_disclaimer", what, required=False),
        warning_signs=text_of(item, "warning_signs", what, required=False),
        aggravating=text_of(item, "aggravating", what, required=False),
        seek_help=text_of(item, "seek_help", what, required=False),
        safety=texts_of(item, "safety", what, required=True),
        session_intro=texts_of(item, "intro", what),
        session_outro=texts_of(item, "outro", what),
    )
