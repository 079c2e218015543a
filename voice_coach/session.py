"""A session made ready from the command line's options: content, settings and cue source.

Options win over the user's stored settings, which win over the defaults; the log decides whether
the intro says to see a professional. Shared by plan, play and export.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from voice_coach.content.loader import load_library, resolve_target
from voice_coach.journal import log
from voice_coach.journal import settings as config
from voice_coach.journal.home import user_content
from voice_coach.model import Library, Playlist, Settings, Timeline
from voice_coach.plan import EventSink, build_timeline
from voice_coach.speech.cache import CueCache, default_cache_dir
from voice_coach.speech.cues import CueSource
from voice_coach.speech.selection import Choice, choose_engine
from voice_coach.speech.text import speech_text


def library_from(content_dirs: Sequence[Path]) -> Library:
    """Built-in content, then the user's saved playlists (my-plan), then --content-dir."""
    mine = user_content()
    return load_library([mine, *content_dirs] if mine.is_dir() else content_dirs)


def logged() -> list[log.Entry]:
    return log.sessions() if log.log_path().exists() else []


@dataclass(frozen=True)
class Session:
    """What plan, play and export share: the content, the target, its cues and its timeline."""

    library: Library
    playlist: Playlist | None
    cues: CueSource
    timeline: Timeline

    @property
    def title(self) -> str:
        if self.playlist:
            return self.playlist.title
        return ", ".join(self.library.exercises[i].name for i in self.timeline.target)


@dataclass(frozen=True)
class Prepared:
    """A session ready to be planned: content, target, settings and the cue source."""

    library: Library
    ids: list[str]
    playlist: Playlist | None
    settings: Settings
    cues: CueSource
    speech: Choice

    def plan(self, sink: EventSink | None = None) -> Timeline:
        return build_timeline(
            self.library,
            self.ids,
            self.playlist,
            self.settings,
            self.cues.length,
            self.cues.sample_rate,
            sink=sink,
        )


def prepare(
    target: Sequence[str], options: dict[str, Any], *, disclaimer: bool = False
) -> Prepared:
    library = library_from(options["content_dirs"])
    ids, playlist = resolve_target(library, target)
    chosen = config.effective(options)
    speech = choose_engine(
        chosen["engine"],
        chosen["voice"],
        chosen["rate"],
        voice_model=options.get("voice_model"),
        source="--engine" if options.get("engine") else "your settings (voice-coach config)",
    )
    settings = Settings(
        side=chosen["side"],
        reps=options["reps"],
        hold_s=options["hold_s"],
        rest_s=chosen["rest"],
        lead_in_s=chosen["lead_in"],
        engine=speech.engine.name,
        voice=speech.engine.voice,
        rate=speech.engine.rate or None,
        disclaimer=disclaimer,
        difficulty=chosen["difficulty"],
        see_professional=log.time_to_see_a_professional(logged()),
    )
    cache = CueCache(options["cache_dir"] or default_cache_dir())
    cues = CueSource(speech.engine, cache, speech_text(library.pronunciations))
    return Prepared(library, ids, playlist, settings, cues, speech)
