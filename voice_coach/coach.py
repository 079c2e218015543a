"""The coach's use-cases: `play`, from the first question to the log line, and `export`.

`play` asks the pain before (when a person is at the keyboard), speaks the session, marks the
disclaimer heard once it was, says what was done, asks the pain after and how each exercise felt,
and logs it. All talk with the person goes through the Environment, so the whole flow runs
in-process in tests with scripted answers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from voice_coach.audio.export import Tags, export_file, export_split, track_name
from voice_coach.audio.formats import SPLIT_FORMATS, fits_wav, format_of
from voice_coach.environment import Environment
from voice_coach.errors import UserError, inert
from voice_coach.files import refuse_read_only
from voice_coach.journal import home, record, settings, stats, values
from voice_coach.listening.echo import echo_cancelled
from voice_coach.model import Timeline
from voice_coach.plan import spoken
from voice_coach.plan.timeline import SEE_PROFESSIONAL
from voice_coach.playback.controller import Listening, Outcome
from voice_coach.playback.run import play_session
from voice_coach.session.music import music_for
from voice_coach.session.options import SessionOptions
from voice_coach.session.prepare import Session
from voice_coach.session.ready import prepared_with_note, ready

EFFECT_LETTERS = {"b": "better", "s": "same", "w": "worse"}


@dataclass(frozen=True)
class PlayRequest:
    player: str
    pain_before: int | None = None
    pain_after: int | None = None
    listen: bool | None = None
    """None: as the listen setting says."""


def planned(target: Sequence[str], options: SessionOptions, env: Environment) -> Session:
    """The session as `play` would speak it now: with "Before you start" until the disclaimer
    has been heard once (so, like an export, on a first run)."""
    first_time = home.first_use_of(home.DISCLAIMER_MARK)
    prepared = prepared_with_note(target, options, env, disclaimer=first_time)
    return ready(prepared, env)


def play(
    target: Sequence[str], options: SessionOptions, request: PlayRequest, env: Environment
) -> Outcome:
    """Play TARGET to the end (or until quit or Ctrl-C), then ask, log and advise."""
    listen = listen_settings(request)  # a listen setting that cannot work: said before anything
    first_time = home.first_use_of(home.DISCLAIMER_MARK)
    prepared = prepared_with_note(target, options, env, disclaimer=first_time)
    output = env.make_player(request.player, prepared.cues.sample_rate)
    pain_before = request.pain_before
    if pain_before is None and env.can_ask:
        pain_before = ask_pain(env, "Pain in your leg now")
    disclaimer = prepared.library.programme.disclaimer
    if first_time:
        env.echo(f"Disclaimer: {disclaimer}\n")
    plan_settings = prepared.settings
    for line in spoken.notices(plan_settings.left_out, plan_settings.pain_rising, prepared.library):
        env.echo(line)
    listening = None if listen is None else listening_for(listen, env)
    guess = prepared.guessed()
    with music_for(prepared.music, guess, env.note) as mixing:
        timeline, outcome = play_session(
            prepared, output, live_screen=env.stdout_isatty, listening=listening, mixing=mixing
        )
    if first_time:
        record.remember_disclaimer(timeline, disclaimer, outcome.heard_samples)
    exercises = len(outcome.completed) + len(outcome.skipped)  # planned or not when it ended
    env.echo(summary(outcome, exercises, timeline.sample_rate))
    if outcome.skipped:
        env.echo("Not done: " + ", ".join(outcome.skipped) + ".")
    tip = None if listen is None else calibration_tip(outcome.asked_again, listen)
    if tip:
        env.echo(tip)
    asking = env.can_ask and not outcome.interrupted
    pain_after = request.pain_after
    if pain_after is None and asking:
        pain_after = ask_pain(env, "Pain in your leg now, after the session")
    effects: dict[str, str] = {}
    for exercise_id in outcome.completed if asking else []:
        effect = ask_effect(env, prepared.library.exercises[exercise_id].name)
        if effect:
            effects[exercise_id] = effect
    played = record.Played(
        tuple(outcome.completed),
        tuple(outcome.skipped),
        outcome.heard_samples,
        pain_before,
        pain_after,
        effects,
    )
    record.record(timeline, played, env.note)
    if stats.time_to_see_a_professional(record.logged()):
        env.echo(SEE_PROFESSIONAL)
    return outcome


@dataclass(frozen=True)
class ListenSettings:
    device: str
    wake_word: str
    sensitivity: float
    said_again: bool = False
    fit: int = 0


def listen_settings(request: PlayRequest) -> ListenSettings | None:
    """The listen settings, checked, when the session is to listen, else None."""
    preferences = settings.preferences()
    if not (preferences.listen if request.listen is None else request.listen):
        return None
    from voice_coach.listening.recogniser import stored_wake_word

    return ListenSettings(
        preferences.listen_device,
        stored_wake_word(),
        preferences.listen_sensitivity,
        preferences.listen_said_again,
        preferences.listen_voice_fit,
    )


def listening_for(listen: ListenSettings, env: Environment) -> Listening:
    """The microphone, listening from now on."""
    return Listening(
        env.make_listener(listen.device, listen.wake_word, listen.sensitivity, listen.fit),
        listen.wake_word,
        over_speech=echo_cancelled(listen.device),
        said_again=listen.said_again,
    )


def summary(outcome: Outcome, exercises: int, rate: int) -> str:
    done = len(outcome.completed)
    heard = spoken.clock(outcome.heard_samples, rate).strip()
    return (
        f"{'Stopped' if outcome.quit else 'Finished'}: {done} of {exercises} "
        f"exercises done in {heard}."
    )


ASKED_FOR_TIP = 2
"""A session that asked the person this many times to say a command again ends with the way to
fit the listening to their voice: of voices it never heard, calibrated in their room, the
coach obeys far more (the README's table), and one 'say again' can be the TV."""


def calibration_tip(asked_again: int, listen: ListenSettings) -> str | None:
    if asked_again < ASKED_FOR_TIP:
        return None
    from voice_coach.listening.classifier import scale_for

    if listen.sensitivity >= scale_for(listen.wake_word).ceiling:  # calibrating cannot go higher
        return (
            f"The coach asked {asked_again} times for a command to be said again (it heard one "
            "but was not sure), and it already listens as closely as calibration sets it: speak "
            "a little nearer the microphone, and turn down a TV or a fan if one is on"
            + (
                "."
                if listen.said_again
                else "; or let a command said twice count: `voice-coach config set "
                "listen_said_again on`."
            )
        )
    return (
        f"The coach asked {asked_again} times for a command to be said again (it heard one but was "
        "not sure): `voice-coach listen-test --calibrate` fits it to your voice in a minute or two."
    )


def ask_pain(env: Environment, question: str) -> int | None:
    def parse(text: str) -> int | None:
        if not text.strip():
            return None
        try:
            return values.parse_pain(text.strip(), "pain")
        except UserError as exc:
            raise ValueError(exc.message) from None

    return env.prompter.optional(f"{question}, 0 (none) to 10 (worst), Enter to skip", parse)


def ask_effect(env: Environment, name: str) -> str | None:
    def parse(text: str) -> str | None:
        key = text.strip().lower()[:1]
        if not key:
            return None
        if key not in EFFECT_LETTERS:
            raise ValueError("answer b (better), s (same) or w (worse)")
        return EFFECT_LETTERS[key]

    question = f"How did {name} make your leg feel? [b]etter, [s]ame, [w]orse, Enter to skip"
    return env.prompter.optional(question, parse)


@dataclass(frozen=True)
class ExportRequest:
    output: Path | None
    split: Path | None = None
    split_format: str | None = None
    """Format of the split tracks; default: that of `output`, else mp3."""
    force: bool = False
    """Replace read-only files in the way too (writable ones always are)."""


def export(
    target: Sequence[str], options: SessionOptions, request: ExportRequest, env: Environment
) -> list[str]:
    """Render TARGET into the file and/or the split folder; one line for each thing written."""
    output, split = request.output, request.split
    whole = format_of(output) if output is not None else None  # a bad name fails at once
    if output is not None and not request.force:
        refuse_read_only(output)
    fmt = request.split_format or (whole if whole is not None and whole in SPLIT_FORMATS else "mp3")
    prepared = prepared_with_note(target, options, env, for_file=True)
    # No session is shorter than its plan with every word taking no time: a WAV that cannot
    # hold even that is refused before a word is synthesised, the rest once the plan is known.
    _refuse_too_long(prepared.shortest(), request, fmt)
    session = ready(prepared, env)
    timeline = session.timeline
    _refuse_too_long(timeline, request, fmt)
    if split is not None and not request.force:
        for number, chapter in enumerate(timeline.chapters, 1):
            refuse_read_only(split / track_name(number, chapter.title, fmt))
    programme = session.library.programme
    tags = Tags(title=session.title, album=programme.title, comment=programme.disclaimer)
    said = []
    rendering = timeline.length * ((output is not None) + (split is not None))
    with (
        music_for(session.music, timeline, env.note) as mixing,
        env.progress(rendering, "Writing the audio") as step,
    ):
        if output is not None:
            export_file(timeline, session.cues.pcm, output, tags, step, mixing)
            size = output.stat().st_size / 1_000_000
            length = spoken.clock(timeline.length, timeline.sample_rate).strip()
            chapters = len(timeline.chapters)
            said.append(
                f"wrote {inert(str(output))} ({length}, {chapters} chapters, {size:.1f} MB)"
            )
        if split is not None:
            paths = export_split(timeline, session.cues.pcm, split, fmt, tags, step, mixing)
            tracks = f"{len(paths) - 1} tracks and {inert(paths[-1].name)}"
            said.append(f"wrote {tracks} into {inert(str(split))}")
    return said


def _refuse_too_long(timeline: Timeline, request: ExportRequest, split_format: str) -> None:
    """One line if a WAV asked for could not hold its audio (4 GB at most)."""
    rate = timeline.sample_rate
    if request.output is not None and format_of(request.output) == "wav":
        fits_wav(timeline.length, rate, str(request.output))
    if request.split is not None and split_format == "wav":
        for chapter in timeline.chapters:
            length, track = chapter.end - chapter.start, f"the track '{chapter.title}'"
            fits_wav(
                length, rate, str(request.split), track, "write the tracks as MP3 (--format mp3)"
            )
