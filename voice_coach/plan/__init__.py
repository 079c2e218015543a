"""Planning: exercises and settings into the exact timeline of a session (timeline), in the
coach's own words (spoken). Pure: no audio, no files, no engine."""

from voice_coach.plan.timeline import (
    FAMILIAR,
    PAIN_RISING,
    PAIN_RISING_OUTRO,
    PREFACE_TITLE,
    SEE_PROFESSIONAL,
    ChapterTitle,
    Pacing,
    PlanSink,
    build_timeline,
    notices,
    outline,
    timeline_dict,
)

__all__ = [
    "FAMILIAR",
    "PAIN_RISING",
    "PAIN_RISING_OUTRO",
    "PREFACE_TITLE",
    "SEE_PROFESSIONAL",
    "ChapterTitle",
    "Pacing",
    "PlanSink",
    "build_timeline",
    "notices",
    "outline",
    "timeline_dict",
]
