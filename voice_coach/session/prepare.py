"""A session made ready from the command line's options: content, settings and cue source.

Options win over the user's stored settings, which win over the defaults; the log decides whether
the intro says to see a professional. Shared by plan, play and export.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from voice_coach import files
from voice_coach.content.loader import load_library, resolve_target
from voice_coach.errors import UserError
from voice_coach.journal import record, settings, stats
from voice_coach.journal.home import user_content
from voice_coach.model import CueLength, Library, Playlist, Settings, Timeline
from voice_coach.plan.timeline import ChapterTitle, PlanSink, build_timeline, outline
from voice_coach.session.estimate import estimated_length
from voice_coach.session.music import MusicChoice
from voice_coach.session.options import SessionOptions, merged
from voice_coach.speech.cache import CueCache, default_cache_dir
from voice_coach.speech.cues import CueSource
from voice_coach.speech.selection import Choice, EngineSelector, select_engine
from voice_coach.speech.text import speech_text


def library_from(content_dirs: Sequence[Path]) -> Library:
    """Built-in content, then the user's saved playlists (my-plan), then --content-dir."""
    return load_library(content_dirs, saved=user_content())


@dataclass(frozen=True)
class Session:
    """What plan, play and export share: the content, the target, its cues and its timeline."""

    library: Library
    playlist: Playlist | None
    cues: CueSource
    timeline: Timeline
    music: MusicChoice | None = None

    @property
    def title(self) -> str:
        return title_of(self.library, self.playlist, self.timeline.target)


def title_of(library: Library, playlist: Playlist | None, ids: Sequence[str]) -> str:
    """The playlist's title, or the names of the exercises asked for."""
    return playlist.title if playlist else ", ".join(library.exercises[i].name for i in ids)


@dataclass(frozen=True)
class Prepared:
    """A session ready to be planned: content, target, settings and the cue source."""

    library: Library
    ids: list[str]
    playlist: Playlist | None
    settings: Settings
    cues: CueSource
    speech: Choice
    log_note: str | None = None
    """Said once when the log, or sessions in it, could not be read for what adjusts it."""
    content_note: str | None = None
    """Said once when the saved playlist names exercises this content does not have."""
    music: MusicChoice | None = None

    def session(self, timeline: Timeline | None = None) -> Session:
        """The prepared session with its timeline (planned now unless already given)."""
        planned = self.plan() if timeline is None else timeline
        return Session(self.library, self.playlist, self.cues, planned, self.music)

    @property
    def session_title(self) -> str:
        return title_of(self.library, self.playlist, self.ids)

    @property
    def target(self) -> tuple[str, ...]:
        return (self.playlist.id,) if self.playlist else tuple(self.ids)

    def outline(self) -> tuple[ChapterTitle, ...]:
        return outline(self.library, self.ids, self.settings)

    def plan(self, sink: PlanSink | None = None, lengths: CueLength | None = None) -> Timeline:
        return build_timeline(
            self.library,
            self.ids,
            self.playlist,
            self.settings,
            lengths or self.cues.length,
            self.cues.sample_rate,
            sink=sink,
        )

    def guessed(self) -> Timeline:
        """The plan on word-count guesses: the same words and chapters, planned at once."""
        return self.plan(lengths=estimated_length(self.cues.sample_rate))

    def shortest(self) -> Timeline:
        """The plan with every word taking no time: no session can be shorter, and it is known
        at once (an export too long for its file is refused before a word is synthesised)."""
        return self.plan(lengths=lambda text: 0)

    def to_synthesise(self) -> list[str]:
        """The cues planning would have to synthesise, found without synthesising any."""
        return self.cues.missing(e.text for e in self.guessed().events if e.text)


def _music_path(music: str, options: SessionOptions) -> Path:
    """The music's path, ~ read; a stored one that cannot be is the settings file's bad entry
    (naming the file and the repair), one given on the command line is --music's."""
    if options.music is not None:
        return files.user_path(music, where="--music")
    try:
        return files.user_path(music)
    except UserError as exc:
        raise settings.bad_entry("music", exc.message) from None


def prepare(
    target: Sequence[str],
    options: SessionOptions,
    select_engine: EngineSelector = select_engine,
    *,
    disclaimer: bool = False,
    for_file: bool = False,
) -> Prepared:
    """Content, target, merged settings and the cue source, ready to plan.

    `for_file`: an export, heard later and maybe often, on days the log knows nothing about:
    it always begins with the disclaimer, carries the full coach and every exercise, and
    nothing from the log.
    """
    library = library_from(options.content_dirs)
    ids, playlist = resolve_target(library, target)
    unavailable = library.unavailable.get(playlist.id, ()) if playlist else ()
    chosen = merged(options, settings.preferences())
    logged = record.Found(record.NOTHING) if for_file else record.history()
    history = logged.entries
    left_out: tuple[str, ...] = ()
    if chosen.leave_out_worse and not options.full:
        worse = set(stats.made_worse(history))
        left_out = tuple(i for i in ids if i in worse)
        ids = [i for i in ids if i not in left_out]
        if not ids:
            also = f" (and {', '.join(unavailable)} not in this content)" if unavailable else ""
            raise UserError(
                f"every exercise asked for made your leg worse last time{also}, so none is left "
                "to play",
                where=" ".join(target),
                hint="choose other exercises, or add --full to play them anyway",
            )
    speech = select_engine(
        chosen.engine,
        chosen.voice,
        chosen.rate,
        voice_model=options.voice_model,
        source="--engine" if options.engine else "your settings (voice-coach config)",
        voice_from="--voice" if options.voice else settings.stored_at("voice"),
    )
    plan_settings = Settings(
        side=chosen.side,
        reps=options.reps,
        hold_s=options.hold_s,
        rest_s=chosen.rest,
        lead_in_s=chosen.lead_in,
        disclaimer=disclaimer or for_file,
        difficulty=chosen.difficulty,
        see_professional=stats.time_to_see_a_professional(history),
        familiar=stats.familiar(history) if chosen.short_repeats else frozenset(),
        full=options.full,
        left_out=left_out,
        pain_rising=stats.pain_rising(history),
    )
    cache = CueCache(options.cache_dir or default_cache_dir())
    cues = CueSource(speech.engine, cache, speech_text(library.pronunciations))
    note = logged.note or record.unreadable_note(logged.contents.bad)
    missing = (
        f"{playlist.id} names exercises this content does not have, left out: "
        + ", ".join(unavailable)
        + " (give the --content-dir they came from, or run `voice-coach recommend` again)"
        if playlist and unavailable
        else None
    )
    music = (
        MusicChoice(_music_path(chosen.music, options), chosen.music_level, chosen.music_shuffle)
        if chosen.music
        else None
    )
    return Prepared(library, ids, playlist, plan_settings, cues, speech, note, missing, music)
