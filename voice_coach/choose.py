"""Which playlist fits, from the programme's own three tests and nothing else.

The source post gives exactly three ways to tell causes apart: an MRI scan of the lumbar spine
(disc bulge, foraminal stenosis or both), whether lower-back movements reproduce the leg symptoms
(a possible nerve root impingement), and the straight-leg raise with the ankle pushed (an
irritated sciatic nerve, though it can also hurt with lower back problems or piriformis
syndrome). It gives no test for piriformis syndrome, so no answer here suggests it. Where the
answers do not point to one cause, the post's own advice applies: see a professional to find the
cause, and meanwhile try the exercises of every group (the not-sure playlist).

"Unsure" is never read as "no": one test points to one cause only when the other test was
done and clearly did not bring the symptoms on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from voice_coach import files
from voice_coach.audio.formats import format_of
from voice_coach.environment import Environment
from voice_coach.errors import ExitStatus, UserError, inert

MRI_ANSWERS = ("disc", "stenosis", "both", "none", "no-scan")
YES_NO = ("yes", "no", "unsure")
NOT_SURE = "not-sure"


@dataclass(frozen=True)
class Answers:
    mri: str = "no-scan"
    back_movements: str = "unsure"
    leg_raise: str = "unsure"


@dataclass(frozen=True)
class Suggestion:
    playlist: str
    why: str


MRI_FINDINGS = {
    "disc": ("disc-bulge", "your MRI scan shows a disc bulge"),
    "stenosis": ("foraminal-stenosis", "your MRI scan shows foraminal stenosis"),
    "both": ("nerve-root-compression", "your MRI scan shows a disc bulge and foraminal stenosis"),
}
ONE_CAUSE_UNCLEAR = (
    "the programme's advice is to see a healthcare professional to find the cause, and "
    "meanwhile to try the exercises of every group and keep the ones that help"
)


def suggest(answers: Answers) -> Suggestion:
    """The playlist the answers suggest; never a diagnosis."""
    if answers.mri in MRI_FINDINGS:
        playlist, why = MRI_FINDINGS[answers.mri]
        return Suggestion(playlist, why)
    negative_mri = answers.mri == "none"
    back = answers.back_movements == "yes"
    nerve = answers.leg_raise == "yes"
    unsure = [
        what
        for what, answer in (
            ("whether lower-back movements bring on your leg symptoms", answers.back_movements),
            ("the straight-leg raise", answers.leg_raise),
        )
        if answer == "unsure"
    ]
    if (back or nerve) and unsure:
        return Suggestion(
            NOT_SURE,
            f"one test brought on your symptoms, but you are unsure about {unsure[0]}, and "
            "either could be the cause, so the answers do not point to one cause; "
            + ONE_CAUSE_UNCLEAR,
        )
    if back and negative_mri:
        return Suggestion(
            NOT_SURE,
            "lower-back movements bring on your leg symptoms, but your MRI scan showed no "
            "compression, so the answers do not point to one cause; " + ONE_CAUSE_UNCLEAR,
        )
    if back and not nerve:
        return Suggestion(
            "nerve-root-compression",
            "lower-back movements bring on your leg symptoms, which suggests there may be an "
            "impingement of a nerve root in your lower back",
        )
    if nerve and not back:
        return Suggestion(
            "irritated-sciatic-nerve",
            "the straight-leg raise brought on your symptoms, more with the ankle movement, "
            "which suggests an irritated sciatic nerve (this test can also be painful with lower "
            "back problems or piriformis syndrome)",
        )
    if back and nerve:
        return Suggestion(
            NOT_SURE,
            "both tests brought on your symptoms, and the straight-leg raise can also be painful "
            "with lower back problems, so the answers do not point to one cause; "
            + ONE_CAUSE_UNCLEAR,
        )
    return Suggestion(NOT_SURE, "the answers do not point to one cause; " + ONE_CAUSE_UNCLEAR)


CHECK = "straight-leg-raise-check"
"""The guided straight-leg raise test, played like a session when the person asks for it."""
INTRO = "A few questions from the programme's own tests, to suggest a playlist.\n"
NOT_A_DIAGNOSIS = (
    "This is not a diagnosis: only a healthcare professional can tell the cause of your sciatica."
)
MRI_QUESTION = (
    "Has an MRI scan of your lower back shown a disc bulge, narrowing (foraminal stenosis), "
    "both, or none? If you have had no scan, answer no-scan"
)
BACK_QUESTION = "Do lower-back movements (bending, arching) bring on the symptoms in your leg?"
CHECK_QUESTION = (
    "Would you like me to guide you and a helper through the straight-leg raise test now?"
)
LEG_RAISE_QUESTION = (
    "Straight-leg raise test with a helper (see `voice-coach guide know-the-cause`): did raising "
    "your straight leg bring on the symptoms down the back of your leg, and did they increase "
    "when the helper bent your foot back at the ankle (toes towards your head), more than on "
    "your other leg?"
)
Action = Callable[[str], None]
"""Starts something for a playlist or exercise id (play it, or export it)."""


class NeedsTerminal(UserError):
    status = ExitStatus.USAGE


@dataclass(frozen=True)
class Given:
    """Answers given as options (each None: ask it)."""

    mri: str | None = None
    back_movements: str | None = None
    leg_raise: str | None = None


def _answer(
    env: Environment, given: str | None, option: str, question: str, choices: tuple[str, ...]
) -> str:
    """The answer given as an option, else asked; without a terminal, one line saying how."""
    if given is not None:
        return given
    if not env.can_ask:
        raise NeedsTerminal(
            "choose needs a terminal to ask this, or the answer as an option",
            where=option,
            hint="--mri " + "|".join(MRI_ANSWERS) + "; unless the scan found something, also "
            "--back-movements and --leg-raise, each " + "|".join(YES_NO),
        )
    return env.prompter.choice(question, choices, choices[-1])


def ask(env: Environment, given: Given | None, guide_check: Action) -> Answers:
    """The programme's three tests, in order; only what the MRI leaves open is asked."""
    given_mri = given.mri if given else None
    mri = _answer(env, given_mri, "--mri", MRI_QUESTION, MRI_ANSWERS)
    if mri in MRI_FINDINGS:
        return Answers(mri=mri)
    given_back = given.back_movements if given else None
    back = _answer(env, given_back, "--back-movements", BACK_QUESTION, YES_NO)
    given_leg = given.leg_raise if given else None
    if given_leg is None and env.can_ask and env.prompter.confirm(CHECK_QUESTION, False):
        guide_check(CHECK)
    leg = _answer(env, given_leg, "--leg-raise", LEG_RAISE_QUESTION, YES_NO)
    return Answers(mri, back, leg)


def where_to_save(env: Environment, playlist: str, given: Path | None) -> Path | None:
    """Where the export goes: the option, else asked (PLAYLIST.mp3 here suggested); an existing
    file is replaced only when the person says so. None: write nothing."""
    path = given
    if path is None:
        suggested = Path(f"{playlist}.mp3")

        def parse(text: str) -> Path:
            try:  # asked again, with the reason, as for a name of no known format
                chosen = files.user_path(text.strip()) if text.strip() else suggested
                format_of(chosen)
            except UserError as exc:
                raise ValueError(f"{exc.message}: {exc.hint}") from None
            if chosen.is_dir():  # "Replace it?" would render it all, then fail on the folder
                raise ValueError(f"{inert(str(chosen))} is a folder: give a file name")
            return chosen

        path = env.prompter.optional(f"Save it as (Enter for {suggested})", parse) or suggested
    if path.exists() and not env.prompter.confirm(f"{inert(str(path))} exists. Replace it?", False):
        env.echo("Nothing written.")
        return None
    return path


def choose(
    env: Environment, play: Action, export: Action, given: Given | None = None
) -> Suggestion:
    """Ask, suggest, and start what the person picks: play, export, or nothing yet."""
    if env.can_ask:
        env.echo(INTRO)
    answers = ask(env, given, play)
    suggestion = suggest(answers)
    env.echo(f"\nSuggested playlist: {suggestion.playlist} ({suggestion.why}).")
    env.echo(NOT_A_DIAGNOSIS)
    action = "q"
    if env.can_ask:
        action = env.prompter.choice(
            "Start it now: [p]lay, [e]xport to MP3, or [q]uit", ("p", "e", "q"), "q"
        )
    if action == "p":
        play(suggestion.playlist)
    elif action == "e":
        export(suggestion.playlist)
    else:
        env.echo(f"When you are ready: voice-coach play {suggestion.playlist}")
    return suggestion
