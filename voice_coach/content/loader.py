"""Content folders (YAML) into a validated Library.

Every file under a content folder is a mapping with any of the sections `programme`,
`exercises`, `playlists` and `guide`. The built-in folder is read first, then the user's
`--content-dir`, whose exercises and playlists may add to or replace the built-in ones.
All checks happen here, so the rest of the program can trust the model: each failure is one
ContentError that names the file, the line and the key, with a "did you mean" where it helps.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from voice_coach.content.source import YList, YMap, load_file
from voice_coach.errors import ContentError
from voice_coach.model import (
    CAUTION_WHENS,
    SIDES_MODES,
    Caution,
    CautionWhen,
    Dosage,
    Exercise,
    GuideTopic,
    Library,
    Phase,
    Playlist,
    Programme,
    RepRange,
    SidesMode,
    Span,
)
from voice_coach.names import did_you_mean, lookup
from voice_coach.spoken import PLACEHOLDER, SIDE_PLACEHOLDERS

__all__ = ["did_you_mean", "load_library", "lookup", "resolve_target"]

BUILTIN_CONTENT = Path(__file__).resolve().parents[2] / "content"

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

SECTIONS = ("programme", "exercises", "playlists", "guide", "pronunciations")
KINDS = ("exercise", "check")
DEFAULT_TEMPO_S = 4.0
DEFAULT_HOLD_MOVE_S = 2.0
"""With reps that each hold, the time to move into and out of the position around the hold."""

T = TypeVar("T")


@dataclass
class _Pending:
    """What one folder defines, before the cross-checks that need every folder."""

    programme: Programme | None = None
    programme_where: str | None = None
    exercises: dict[str, Exercise] = field(default_factory=dict)
    playlists: dict[str, Playlist] = field(default_factory=dict)
    playlist_refs: dict[str, YList] = field(default_factory=dict)
    guide: dict[str, GuideTopic] = field(default_factory=dict)
    pronunciations: dict[str, str] = field(default_factory=dict)


def load_library(extra_dirs: Iterable[Path] = (), builtin: Path = BUILTIN_CONTENT) -> Library:
    """Load the built-in content and any user folders over it, fully validated."""
    folders = [_read_folder(builtin, builtin.parent)]
    for extra in extra_dirs:
        if not extra.is_dir():
            raise ContentError(
                f"content folder '{extra}' does not exist or is not a folder",
                where="--content-dir",
                hint="give a folder holding .yaml files",
            )
        folders.append(_read_folder(extra, None))

    programme: Programme | None = None
    exercises: dict[str, Exercise] = {}
    playlists: dict[str, Playlist] = {}
    guide: dict[str, GuideTopic] = {}
    refs: dict[str, YList] = {}
    pronunciations: dict[str, str] = {}
    for pending in folders:
        pronunciations.update(pending.pronunciations)
        programme = pending.programme or programme
        exercises.update(pending.exercises)
        playlists.update(pending.playlists)
        guide.update(pending.guide)
        refs.update(pending.playlist_refs)
    if programme is None:
        raise ContentError(
            "no 'programme' section found",
            where=str(builtin),
            hint="the built-in content folder is incomplete; reinstall voice-coach",
        )
    for playlist in playlists.values():
        items = refs[playlist.id]
        for index, exercise_id in enumerate(playlist.exercises):
            if exercise_id not in exercises:
                raise ContentError(
                    f"playlist '{playlist.id}' names unknown exercise '{exercise_id}'",
                    where=items.where(index),
                    hint=did_you_mean(exercise_id, exercises) or "see `voice-coach exercises`",
                )
    return Library(
        programme=programme,
        exercises=exercises,
        playlists=playlists,
        guide=guide,
        pronunciations=pronunciations,
    )


def _display(path: Path, relative_to: Path | None) -> str:
    if relative_to is not None:
        try:
            return str(path.relative_to(relative_to))
        except ValueError:
            pass
    return str(path)


def _read_folder(folder: Path, relative_to: Path | None) -> _Pending:
    pending = _Pending()
    first_seen: dict[tuple[str, str], str] = {}
    files = sorted(p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
    for path in files:
        name = _display(path, relative_to)
        document = load_file(path, name)
        if document is None:
            continue
        if not isinstance(document, YMap):
            raise ContentError(
                "a content file must be a mapping with sections "
                + ", ".join(f"'{s}'" for s in SECTIONS),
                where=f"{name}:1",
            )
        _check_keys(document, SECTIONS, "a content file")
        if "programme" in document:
            if pending.programme_where is not None:
                raise ContentError(
                    f"a second 'programme' section (the first is at {pending.programme_where})",
                    where=document.where("programme"),
                    hint="keep one",
                )
            pending.programme = _programme(_as_map(document, "programme"))
            pending.programme_where = document.where("programme")
        for item, where in _items(document, "exercises"):
            exercise = _exercise(item)
            _claim(first_seen, "exercise", exercise.id, where)
            pending.exercises[exercise.id] = exercise
        for item, where in _items(document, "playlists"):
            playlist, refs = _playlist(item)
            _claim(first_seen, "playlist", playlist.id, where)
            pending.playlists[playlist.id] = playlist
            pending.playlist_refs[playlist.id] = refs
        for item, where in _items(document, "guide"):
            topic = _guide(item)
            _claim(first_seen, "guide topic", topic.id, where)
            pending.guide[topic.id] = topic
        for item, where in _items(document, "pronunciations", "a 'written' word"):
            written, said = _pronunciation(item)
            _claim(first_seen, "pronunciation", written, where)
            pending.pronunciations[written] = said
    return pending


def _claim(first_seen: dict[tuple[str, str], str], kind: str, ident: str, where: str) -> None:
    earlier = first_seen.get((kind, ident))
    if earlier is not None:
        raise ContentError(
            f"duplicate {kind} id '{ident}' (first defined at {earlier})",
            where=where,
            hint="ids must be unique; rename one",
        )
    first_seen[(kind, ident)] = where


def _items(document: YMap, section: str, key: str = "an 'id'") -> Iterable[tuple[YMap, str]]:
    if section not in document:
        return []
    items = document[section]
    if not isinstance(items, YList):
        raise ContentError(
            f"'{section}' must be a list",
            where=document.where(section),
            hint="start items with '- '",
        )
    result = []
    for index, item in enumerate(items):
        if not isinstance(item, YMap):
            raise ContentError(
                f"each item of '{section}' must be a mapping with {key}",
                where=items.where(index),
            )
        result.append((item, item.where()))
    return result


# ---- typed field readers ------------------------------------------------------------------


def _check_keys(item: YMap, allowed: Iterable[str], what: str) -> None:
    allowed = tuple(allowed)
    for key in item:
        if key not in allowed:
            raise ContentError(
                f"unknown key '{key}' in {what}",
                where=item.where(key),
                hint=did_you_mean(key, allowed) or "allowed keys: " + ", ".join(allowed),
            )


def _require(item: YMap, key: str, what: str) -> Any:
    if key not in item or item[key] is None:
        raise ContentError(f"{what} is missing the required key '{key}'", where=item.where())
    return item[key]


def _text(item: YMap, key: str, what: str, *, required: bool = True) -> str:
    value = _require(item, key, what) if required else item.get(key)
    if value is None:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise ContentError(
            f"'{key}' of {what} must be non-empty text, not {_shown(value)}",
            where=item.where(key),
        )
    return " ".join(value.split())


def _texts(item: YMap, key: str, what: str, *, required: bool = False) -> tuple[str, ...]:
    value = _require(item, key, what) if required else item.get(key)
    if value is None:
        return ()
    if isinstance(value, str):
        value_list: list[Any] = [value]
        lines = [item.key_lines.get(key, item.line)]
    elif isinstance(value, YList):
        value_list, lines = list(value), value.item_lines
    else:
        raise ContentError(
            f"'{key}' of {what} must be a list of sentences, not {_shown(value)}",
            where=item.where(key),
        )
    result = []
    for entry, line in zip(value_list, lines, strict=True):
        if not isinstance(entry, str) or not entry.strip():
            raise ContentError(
                f"each entry of '{key}' in {what} must be non-empty text, not {_shown(entry)}",
                where=f"{item.path}:{line}",
            )
        result.append(" ".join(entry.split()))
    if required and not result:
        raise ContentError(f"'{key}' of {what} must not be empty", where=item.where(key))
    return tuple(result)


def _number(
    item: YMap, key: str, what: str, low: float, high: float, *, integer: bool
) -> float | None:
    value = item.get(key)
    if value is None:
        return None
    kind = "a whole number" if integer else "a number"
    ok = isinstance(value, int) if integer else isinstance(value, int | float)
    if isinstance(value, bool) or not ok:
        raise ContentError(
            f"'{key}' of {what} must be {kind}, not {_shown(value)}", where=item.where(key)
        )
    if not low <= value <= high:
        raise ContentError(
            f"'{key}' of {what} is {value}, outside the allowed {low:g} to {high:g}",
            where=item.where(key),
        )
    return float(value)


def _integer(item: YMap, key: str, what: str, low: int, high: int) -> int | None:
    value = _number(item, key, what, low, high, integer=True)
    return None if value is None else int(value)


def _choice(item: YMap, key: str, what: str, choices: tuple[T, ...], default: T) -> T:
    value = item.get(key, default)
    if value not in choices:
        raise ContentError(
            f"'{key}' of {what} is {_shown(value)}; it must be one of "
            + ", ".join(str(c) for c in choices),
            where=item.where(key),
            hint=did_you_mean(str(value), [str(c) for c in choices]),
        )
    chosen: T = value
    return chosen


def _as_map(item: YMap, key: str) -> YMap:
    value = item[key]
    if not isinstance(value, YMap):
        raise ContentError(f"'{key}' must be a mapping of keys", where=item.where(key))
    return value


def _ident(item: YMap, what: str) -> str:
    value = _require(item, "id", what)
    if not isinstance(value, str) or not ID_PATTERN.match(value):
        raise ContentError(
            f"id {_shown(value)} is not valid",
            where=item.where("id"),
            hint="use lower-case letters, digits and single hyphens, e.g. 'pelvic-tilts'",
        )
    return value


def _shown(value: Any) -> str:
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, YMap):
        return "a mapping"
    if isinstance(value, YList):
        return "a list"
    if value is None:
        return "empty"
    return repr(value)


# ---- sections -----------------------------------------------------------------------------

EXERCISE_KEYS = (
    "id",
    "name",
    "source",
    "position",
    "setup",
    "steps",
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
PROGRAMME_KEYS = ("title", "disclaimer", "safety", "intro", "outro")
PRONUNCIATION_KEYS = ("written", "say", "why")


def _exercise(item: YMap) -> Exercise:
    ident = _ident(item, "an exercise")
    what = f"exercise '{ident}'"
    _check_keys(item, EXERCISE_KEYS, what)
    sides: SidesMode = _choice(item, "sides", what, SIDES_MODES, "none")
    helper = item.get("helper", False)
    if not isinstance(helper, bool):
        raise ContentError(
            f"'helper' of {what} must be true or false, not {_shown(helper)}",
            where=item.where("helper"),
        )
    if "dosage" not in item:
        raise ContentError(f"{what} is missing the required key 'dosage'", where=item.where())
    exercise = Exercise(
        id=ident,
        name=_text(item, "name", what),
        source=_text(item, "source", what),
        position=_text(item, "position", what),
        setup=_texts(item, "setup", what, required=True),
        steps=_texts(item, "steps", what, required=True),
        dosage=_dosage(_as_map(item, "dosage"), what),
        sides=sides,
        equipment=_texts(item, "equipment", what),
        needs_helper=helper,
        cautions=_cautions(item, what),
        notes=_texts(item, "notes", what),
        kind=_choice(item, "kind", what, KINDS, "exercise"),
        span=Span(item.path, item.line),
    )
    _check_placeholders(item, exercise)
    return exercise


def _check_placeholders(item: YMap, exercise: Exercise) -> None:
    """Side words are filled in when planning; a typo there would be read aloud, so stop it here."""
    texts: list[tuple[str, str]] = [("setup", t) for t in exercise.setup]
    texts += [("steps", t) for t in exercise.steps]
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
    _check_keys(item, DOSAGE_KEYS, what)
    reps = _reps(item, what)
    hold = _integer(item, "hold", what, 1, 600)
    duration = _integer(item, "duration", what, 1, 3600)
    tempo = _number(item, "tempo", what, 0.5, 60, integer=False)
    phases = _phases(item, what)
    rep_label = _text(item, "rep_label", what, required=False) or None
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
                f"not {_shown(value)}",
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
        _check_keys(entry, ("say", "seconds"), f"a phase of {what}")
        seconds = _number(entry, "seconds", f"a phase of {what}", 0.5, 60, integer=False)
        if seconds is None:
            raise ContentError(
                f"a phase of {what} is missing the required key 'seconds'", where=entry.where()
            )
        phases.append(Phase(say=_text(entry, "say", f"a phase of {what}"), seconds=seconds))
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
        _check_keys(entry, ("text", "when"), f"a caution of {what}")
        when: CautionWhen = _choice(entry, "when", f"a caution of {what}", CAUTION_WHENS, "start")
        cautions.append(Caution(_text(entry, "text", f"a caution of {what}"), when))
    return tuple(cautions)


def _playlist(item: YMap) -> tuple[Playlist, YList]:
    ident = _ident(item, "a playlist")
    what = f"playlist '{ident}'"
    _check_keys(item, PLAYLIST_KEYS, what)
    refs = _require(item, "exercises", what)
    if not isinstance(refs, YList) or not refs:
        raise ContentError(
            f"'exercises' of {what} must be a non-empty list of exercise ids",
            where=item.where("exercises"),
        )
    for index, ref in enumerate(refs):
        if not isinstance(ref, str):
            raise ContentError(
                f"'exercises' of {what} must list exercise ids, not {_shown(ref)}",
                where=refs.where(index),
            )
    playlist = Playlist(
        id=ident,
        title=_text(item, "title", what),
        purpose=_text(item, "for", what),
        exercises=tuple(refs),
        intro=_texts(item, "intro", what),
        outro=_texts(item, "outro", what),
        rest_s=_integer(item, "rest", what, 0, 600),
        span=Span(item.path, item.line),
    )
    return playlist, refs


def _guide(item: YMap) -> GuideTopic:
    ident = _ident(item, "a guide topic")
    what = f"guide topic '{ident}'"
    _check_keys(item, GUIDE_KEYS, what)
    return GuideTopic(
        id=ident,
        title=_text(item, "title", what),
        source=_text(item, "source", what),
        paragraphs=_texts(item, "text", what, required=True),
        span=Span(item.path, item.line),
    )


def _pronunciation(item: YMap) -> tuple[str, str]:
    """One entry of the pronunciation list: a written form and what the engine should say."""
    written = _text(item, "written", "a pronunciation")
    what = f"pronunciation of '{written}'"
    _check_keys(item, PRONUNCIATION_KEYS, what)
    said = _text(item, "say", what)
    _text(item, "why", what, required=False)
    if len(written.split()) > 4 or not re.search(r"\w", written):
        raise ContentError(
            f"'{written}' is not a word or short phrase",
            where=item.where("written"),
            hint="list single words, abbreviations or short phrases",
        )
    return written, said


def _programme(item: YMap) -> Programme:
    what = "the programme"
    _check_keys(item, PROGRAMME_KEYS, what)
    return Programme(
        title=_text(item, "title", what),
        disclaimer=_text(item, "disclaimer", what),
        safety=_texts(item, "safety", what, required=True),
        session_intro=_texts(item, "intro", what),
        session_outro=_texts(item, "outro", what),
    )


def resolve_target(library: Library, target: Iterable[str]) -> tuple[list[str], Playlist | None]:
    """A TARGET is one playlist id, or one or more exercise ids; say which ids were meant."""
    names = list(target)
    if not names:
        raise ContentError("no target given", hint="name a playlist (see `voice-coach causes`)")
    if len(names) == 1 and names[0] in library.playlists:
        playlist = library.playlists[names[0]]
        return list(playlist.exercises), playlist
    for name in names:
        if name in library.playlists:
            raise ContentError(
                f"'{name}' is a playlist; a playlist must be the only target",
                where="TARGET",
                hint=f"run it alone: `{name}`",
            )
        if name not in library.exercises:
            known = list(library.exercises) + list(library.playlists)
            raise ContentError(
                f"unknown playlist or exercise '{name}'",
                where="TARGET",
                hint=did_you_mean(name, known)
                or "see `voice-coach causes` and `voice-coach exercises`",
            )
    return names, None
