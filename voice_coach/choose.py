"""Which playlist fits: the seed's own ways of telling the causes apart, as plain questions.

MRI findings first (they are the most specific), then whether lower-back movements bring on the
leg symptoms (nerve root compression), pain at the back of the hip made worse by sitting
(piriformis), and the straight-leg raise test with a helper (an irritated sciatic nerve).
"""

from __future__ import annotations

from dataclasses import dataclass

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
