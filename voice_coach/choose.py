"""Which playlist fits: the programme's own ways of telling the causes apart, as plain questions.

MRI findings first (they are the most specific), then whether lower-back movements bring on the
leg symptoms (nerve root compression), pain at the back of the hip made worse by sitting
(piriformis), and the straight-leg raise test with a helper (an irritated sciatic nerve).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from voice_coach.environment import Environment

MRI_ANSWERS = ("disc", "stenosis", "both", "none", "no-scan")
YES_NO = ("yes", "no", "unsure")


@dataclass(frozen=True)
class Answers:
    mri: str = "no-scan"
    back_movements: str = "unsure"
    hip_sitting: str = "unsure"
    leg_raise: str = "unsure"


@dataclass(frozen=True)
class Suggestion:
    playlist: str
    why: str


def suggest(answers: Answers) -> Suggestion:
    if answers.mri == "disc":
        return Suggestion("disc-bulge", "your MRI shows a disc bulge pressing on a nerve")
    if answers.mri == "stenosis":
        return Suggestion("foraminal-stenosis", "your MRI shows narrowing where the nerve exits")
    if answers.mri == "both":
        return Suggestion(
            "nerve-root-compression", "your MRI shows both a disc bulge and narrowing"
        )
    if answers.back_movements == "yes":
        return Suggestion(
            "nerve-root-compression",
            "lower-back movements bring on your leg symptoms, which suggests a pinched nerve root",
        )
    if answers.hip_sitting == "yes":
        return Suggestion(
            "piriformis-syndrome",
            "pain at the back of the hip, worse with sitting, points to the piriformis",
        )
    if answers.leg_raise == "yes":
        return Suggestion(
            "irritated-sciatic-nerve",
            "the straight-leg raise brought on your symptoms, more with the ankle movement",
        )
    return Suggestion(
        "not-sure",
        "the answers do not point to one cause: try exercises from every group and notice "
        "which help. A healthcare professional can help you find the cause",
    )


CHECK = "straight-leg-raise-check"
"""The guided straight-leg raise test, played like a session when the person asks for it."""
INTRO = (
    "A few questions to suggest a playlist. This is not a diagnosis: if you are unsure, "
    "a healthcare professional can help you find the cause.\n"
)
Action = Callable[[str], None]
"""Starts something for a playlist or exercise id (play it, or export it)."""


def ask(env: Environment, guide_check: Action) -> Answers:
    """The questions, in order; `guide_check` plays the straight-leg raise test if wanted."""
    prompt = env.prompter
    mri = prompt.choice(
        "Has an MRI scan of your lower back shown a disc bulge, narrowing (foraminal stenosis), "
        "both, or none? If you have had no scan, answer no-scan",
        MRI_ANSWERS,
        "no-scan",
    )
    if mri not in ("none", "no-scan"):
        return Answers(mri=mri)
    back = prompt.choice(
        "Do lower-back movements (bending, arching) bring on the symptoms in your leg?",
        YES_NO,
        "unsure",
    )
    hip = prompt.choice(
        "Is the pain at the back of your hip, and worse with prolonged sitting?", YES_NO, "unsure"
    )
    if prompt.confirm(
        "Would you like me to guide you and a helper through the straight-leg raise test now?",
        False,
    ):
        guide_check(CHECK)
    raise_ = prompt.choice(
        "Straight-leg raise test with a helper (see `voice-coach guide know-the-cause`): "
        "did it bring on your symptoms, more with the ankle pulled back, than the other side?",
        YES_NO,
        "unsure",
    )
    return Answers(mri, back, hip, raise_)


def choose(env: Environment, play: Action, export: Action) -> Suggestion:
    """Ask, suggest, and start what the person picks: play, export, or nothing yet."""
    env.echo(INTRO)
    suggestion = suggest(ask(env, play))
    env.echo(f"\nSuggested playlist: {suggestion.playlist} ({suggestion.why}).")
    if suggestion.playlist == "not-sure":
        env.echo("If you can, get a review from a healthcare professional to find the cause.")
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
