"""Content folders (YAML) into a validated Library.

Every file under a content folder is a mapping with any of the sections `programme`,
`exercises`, `playlists` and `guide`. The built-in folder is read first, then the user's
`--content-dir`, whose exercises and playlists may add to or replace the built-in ones.
All checks happen here, so the rest of the program can trust the model: each failure is one
ContentError that names the file, the line and the key, with a "did you mean" where it helps.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path

from voice_coach.content.fields import check_keys, map_of
from voice_coach.content.items import (
    read_exercise,
    read_guide,
    read_playlist,
    read_programme,
    read_pronunciation,
)
from voice_coach.content.source import YList, YMap, load_file
from voice_coach.errors import ContentError, clipped
from voice_coach.model import Exercise, GuideTopic, Library, Playlist, Programme
from voice_coach.names import did_you_mean, lookup

__all__ = ["did_you_mean", "load_library", "lookup", "resolve_target"]


def _builtin() -> Path:
    """The programme shipped with the package: `content/` of a checkout, installed as the
    package `voice_coach.programme` (pyproject.toml maps one onto the other), so a wheel works
    from any folder. Installs unpack to the file system, so the resource is a real folder."""
    return Path(str(resources.files("voice_coach.programme")))


BUILTIN_CONTENT = _builtin()

SECTIONS = ("programme", "exercises", "playlists", "guide", "pronunciations")


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


def load_library(
    extra_dirs: Iterable[Path] = (), builtin: Path = BUILTIN_CONTENT, saved: Path | None = None
) -> Library:
    """Load the built-in content and any user folders over it, fully validated.

    `saved` is the folder voice-coach itself writes (my-plan): a playlist there that names an
    exercise no longer available (it came from a --content-dir used that day) keeps the rest
    of its exercises instead of breaking every command.
    """
    folders = [_read_folder(builtin, builtin.parent)]
    lenient: set[str] = set()
    if saved is not None and saved.is_dir():
        mine = _read_folder(saved, None)
        lenient = set(mine.playlists)
        folders.append(mine)
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
    unavailable: dict[str, tuple[str, ...]] = {}
    for name in lenient & set(playlists):
        kept = tuple(e for e in playlists[name].exercises if e in exercises)
        missing = tuple(e for e in playlists[name].exercises if e not in exercises)
        if missing:
            unavailable[name] = missing
        if kept:
            playlists[name] = replace(playlists[name], exercises=kept)
            refs[name] = YList(refs[name].path, refs[name].line)  # checked: nothing to report
        else:
            del playlists[name]
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
        unavailable=unavailable,
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
    # not only regular files: a pipe or a device named .yaml is said to be one, not passed over
    files = sorted(p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml") and not p.is_dir())
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
        check_keys(document, SECTIONS, "a content file")
        if "programme" in document:
            if pending.programme_where is not None:
                raise ContentError(
                    f"a second 'programme' section (the first is at {pending.programme_where})",
                    where=document.where("programme"),
                    hint="keep one",
                )
            pending.programme = read_programme(map_of(document, "programme"))
            pending.programme_where = document.where("programme")
        for item, where in _items(document, "exercises"):
            exercise = read_exercise(item)
            _claim(first_seen, "exercise", exercise.id, where)
            pending.exercises[exercise.id] = exercise
        for item, where in _items(document, "playlists"):
            playlist, refs = read_playlist(item)
            _claim(first_seen, "playlist", playlist.id, where)
            pending.playlists[playlist.id] = playlist
            pending.playlist_refs[playlist.id] = refs
        for item, where in _items(document, "guide"):
            topic = read_guide(item)
            _claim(first_seen, "guide topic", topic.id, where)
            pending.guide[topic.id] = topic
        for item, where in _items(document, "pronunciations", "a 'written' word"):
            written, said = read_pronunciation(item)
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


def resolve_target(library: Library, target: Iterable[str]) -> tuple[list[str], Playlist | None]:
    """A TARGET is one playlist id, or one or more exercise ids; say which ids were meant."""
    names = list(target)
    if not names:
        raise ContentError("no target given", hint="name a playlist (see `voice-coach causes`)")
    if len(names) == 1 and names[0] in library.playlists:
        playlist = library.playlists[names[0]]
        return list(playlist.exercises), playlist
    if len(names) == 1 and names[0] in library.unavailable:
        raise ContentError(
            f"playlist '{names[0]}' names only exercises this content does not have: "
            + ", ".join(library.unavailable[names[0]]),
            where="TARGET",
            hint="give the --content-dir they came from, or run `voice-coach recommend` again",
        )
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
                f"unknown playlist or exercise '{clipped(name)}'",
                where="TARGET",
                hint=did_you_mean(name, known)
                or "see `voice-coach causes` and `voice-coach exercises`",
            )
    return names, None
