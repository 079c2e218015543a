"""A session made ready with a person waiting: the note when the engine is a fallback, and a
progress bar while the cues it lacks are synthesised (play, plan, export and share all wait so)."""

from __future__ import annotations

from collections.abc import Sequence

from voice_coach.environment import Environment
from voice_coach.session.options import SessionOptions
from voice_coach.session.prepare import Prepared, Session, prepare


def prepared_with_note(
    target: Sequence[str],
    options: SessionOptions,
    env: Environment,
    *,
    disclaimer: bool = False,
    for_file: bool = False,
) -> Prepared:
    """`prepare`, plus the one-line notes when the engine is a fallback the user may not want,
    and when sessions in the log could not be read (and so did not adjust this one)."""
    prepared = prepare(target, options, env.select_engine, disclaimer=disclaimer, for_file=for_file)
    for note in (prepared.speech.note, prepared.log_note, prepared.content_note):
        if note:
            env.note(f"voice-coach: note: {note}")
    return prepared


def ready(prepared: Prepared, env: Environment) -> Session:
    """The session planned, with a progress bar (and the time left) while the cues it lacks are
    synthesised: on a cold cache that is most of the wait."""
    missing = prepared.to_synthesise()
    if not missing:
        return prepared.session()
    with env.progress(sum(map(len, missing)), "Preparing the voice") as step:
        if step is not None:
            prepared.cues.listener = lambda text: step(len(text))
        try:
            return prepared.session()
        finally:
            prepared.cues.listener = None
