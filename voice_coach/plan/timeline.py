"""Exercises + settings -> the exact timeline of a session. Pure: no audio, no files.

All pacing rules live here. Every position is an integer sample count, so a 30-second hold is
exactly 30 * sample_rate samples, and the renderer only has to put each event where it says.
Speech lengths come from a `cue_length` oracle (the TTS engine or its cache), never from guesses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

from voice_coach.model import (
    Caution,
    Chapter,
    CueLength,
    Event,
    EventKind,
    Exercise,
    Library,
    Playlist,
    Role,
    Settings,
    Side,
    Timeline,
    Tone,
    other_side,
)
from voice_coach.plan import spoken


class PlanSink(Protocol):
    """Told of each event as soon as it is final and of each chapter's start as soon as it is
    known, so playback (and its keys) can start long before planning ends."""

    def event(self, event: Event) -> None: ...

    def chapter(self, start: int) -> None: ...


@dataclass(frozen=True)
class Pacing:
    """The coach's rhythm, in seconds. Defaults chosen to be calm for someone lying on the floor."""

    sentence_gap: float = 0.4
    section_gap: float = 1.0
    tone: float = 0.2
    after_tone: float = 0.3
    count_gap: float = 0.15
    min_move: float = 0.6
    countdown_from: int = 3


PREFACE_TITLE = "Before you start"
"""The first chapter of an export and of the first session: the programme's full disclaimer,
so a person who only ever hears the phone file hears it too."""
SEE_PROFESSIONAL = (
    "Your log shows two weeks without improvement in your leg pain. "
    "It is time to see a healthcare professional."
)
PAIN_RISING = (
    "Your log shows the pain in your leg rising over your last three sessions.",
    "The programme advises seeing a professional as soon as you notice symptoms, so please see "
    "a healthcare professional now, rather than after two weeks.",
)
PAIN_RISING_OUTRO = "As I said at the start, please see a healthcare professional now."
CHECK_OUTRO = (
    "That is the end of the check.",
    "It is not a diagnosis. If you are not sure what it showed, ask a healthcare professional.",
)
FAMILIAR = "You know this one."


class _Builder:
    """Appends events back to back, so the timeline is contiguous by construction."""

    def __init__(
        self, rate: int, cue_length: CueLength, pacing: Pacing, sink: PlanSink | None = None
    ) -> None:
        self.rate = rate
        self.cue_length = cue_length
        self.pacing = pacing
        self.sink = sink
        self.events: list[Event] = []
        self.cursor = 0
        self.exercise: str | None = None
        self.cautions_said: set[str] = set()
        self.sealed = 0
        """Events handed to the sink so far: final, so nothing is merged into them any more."""

    def caution(self, caution: Caution, side: Side | None) -> str:
        """The caution in full the first time this session, its short reminder after that."""
        first = caution.text not in self.cautions_said
        self.cautions_said.add(caution.text)
        text = caution.text if first or caution.reminder is None else caution.reminder
        return spoken.fill_sides(text, side)

    def samples(self, seconds: float) -> int:
        return round(seconds * self.rate)

    def add(self, kind: EventKind, role: Role, length: int, **extra: Any) -> None:
        if length <= 0:
            return
        last = self.events[-1] if self.events else None
        if (
            kind == "silence"
            and last is not None
            and self.sealed < len(self.events)
            and last.kind == "silence"
            and last.role == role
            and last.exercise == self.exercise
        ):
            # One silence, not a run of fragments: the screen and the tests see whole pauses.
            self.events[-1] = replace(last, length=last.length + length)
            self.cursor += length
            return
        self.seal()  # the last event is final now: nothing more can be merged into it
        self.events.append(Event(self.cursor, length, kind, role, exercise=self.exercise, **extra))
        self.cursor += length

    def seal(self) -> None:
        """Hand the last event to the sink, if it has not had it yet."""
        if self.sink is not None and self.sealed < len(self.events):
            self.sink.event(self.events[-1])
        self.sealed = len(self.events)

    def chapter(self, start: int) -> int:
        if self.sink is not None:
            self.sink.chapter(start)
        return start

    def say(self, text: str, role: Role) -> None:
        # The pause before these words is final before they are synthesised (on a cold cache,
        # a while): a session that has just begun plays it meanwhile rather than wait for it.
        self.seal()
        self.add("speech", role, self.cue_length(text), text=text)

    def silence(self, role: Role, seconds: float) -> None:
        self.add("silence", role, self.samples(seconds))

    def silence_until(self, role: Role, position: int) -> None:
        self.add("silence", role, position - self.cursor)

    def tone(self, name: Tone) -> None:
        self.add("tone", name, self.samples(self.pacing.tone), tone=name)

    def sentences(self, texts: Sequence[str], role: Role) -> None:
        """Several sentences with a short breath between them and after the last."""
        for text in texts:
            self.say(text, role)
            self.silence("gap", self.pacing.sentence_gap)


ChapterTitle = tuple[str | None, str]
"""A chapter's exercise (None for "Before you start") and its title."""


def outline(
    library: Library, exercise_ids: Sequence[str], settings: Settings
) -> tuple[ChapterTitle, ...]:
    """The chapters a session will have, known before a word is synthesised: a session can
    number its exercises and skip ahead while it is still being planned."""
    preface: tuple[ChapterTitle, ...] = ((None, PREFACE_TITLE),) if settings.disclaimer else ()
    kept = [i for i in exercise_ids if i not in settings.left_out]
    return preface + tuple((i, library.exercises[i].name) for i in kept)


def build_timeline(
    library: Library,
    exercise_ids: Sequence[str],
    playlist: Playlist | None,
    settings: Settings,
    cue_length: CueLength,
    sample_rate: int,
    pacing: Pacing = Pacing(),
    sink: PlanSink | None = None,
) -> Timeline:
    """The whole session: intro, every exercise with rests between, outro; chapters per exercise."""
    b = _Builder(sample_rate, cue_length, pacing, sink)
    exercises = [library.exercises[i] for i in exercise_ids if i not in settings.left_out]
    preface: tuple[Chapter, ...] = ()
    if settings.disclaimer:
        b.chapter(0)
        b.say(f"{PREFACE_TITLE}.", "announce")
        b.silence("gap", b.pacing.sentence_gap)
        # Sentence by sentence: on a cold start each is synthesised while the one before plays,
        # so the first chapter never waits for one long cue.
        b.sentences(spoken.sentences(library.programme.disclaimer), "caution")
        if library.programme.warning_signs:
            b.sentences(spoken.sentences(library.programme.warning_signs), "caution")
        b.silence("gap", b.pacing.section_gap - b.pacing.sentence_gap)
        preface = (Chapter(None, PREFACE_TITLE, 0, b.cursor),)
    if exercises:
        b.chapter(b.cursor)  # the first exercise's chapter holds the session's intro too
    _intro(b, library, exercises, playlist, settings)
    starts: list[int] = []
    rest_s = playlist.rest_s if playlist and playlist.rest_s is not None else settings.rest_s
    for index, exercise in enumerate(exercises):
        starts.append((preface[0].end if preface else 0) if index == 0 else b.chapter(b.cursor))
        b.exercise = exercise.id
        _exercise(b, exercise, index, len(exercises), settings)
        if index + 1 < len(exercises):
            _rest(b, exercises[index + 1], rest_s)
    b.exercise = None
    _outro(b, library, playlist, exercises, settings)
    ends = [*starts[1:], b.cursor]
    chapters = preface + tuple(
        Chapter(e.id, e.name, start, end)
        for e, start, end in zip(exercises, starts, ends, strict=True)
    )
    target = (playlist.id,) if playlist else tuple(exercise_ids)
    b.seal()
    return Timeline(
        target,
        sample_rate,
        tuple(b.events),
        chapters,
        left_out=settings.left_out,
        pain_rising=settings.pain_rising,
    )


def _intro(
    b: _Builder,
    library: Library,
    exercises: list[Exercise],
    playlist: Playlist | None,
    settings: Settings,
) -> None:
    programme = library.programme
    b.sentences(programme.session_intro, "intro")
    if playlist:
        b.sentences(playlist.intro, "intro")
    if settings.pain_rising:
        b.sentences(PAIN_RISING, "caution")
        if programme.warning_signs and not settings.disclaimer:
            b.sentences([programme.warning_signs], "caution")
    elif settings.see_professional:
        b.sentences([SEE_PROFESSIONAL], "caution")
    if programme.short_disclaimer and not settings.disclaimer:
        b.sentences([programme.short_disclaimer], "caution")  # else just said in full
    b.sentences(programme.safety, "caution")
    if programme.aggravating:
        b.sentences([programme.aggravating], "caution")
    if settings.left_out:
        b.sentences([left_out_sentence(library, settings.left_out)], "caution")
    equipment = list(dict.fromkeys(item for e in exercises for item in e.equipment))
    if equipment:
        b.sentences([f"For this session you will need {spoken.join_names(equipment)}."], "intro")
    helped = [  # numbered: two exercises may share a word ("Decompression")
        f"exercise {spoken.number_words(i + 1)}, {e.name}" if len(exercises) > 1 else e.name
        for i, e in enumerate(exercises)
        if e.needs_helper
    ]
    if helped:
        b.sentences([f"You will need a helper for {spoken.join_names(helped)}."], "intro")
    if settings.side and any(e.sides in ("painful", "each") for e in exercises):
        b.sentences([f"I will work with your {settings.side} side as the painful side."], "intro")
    b.silence("gap", b.pacing.section_gap)


def left_out_sentence(library: Library, left_out: Sequence[str]) -> str:
    """Why exercises of the playlist are missing today, in the coach's words."""
    names = [f"the {library.exercises[i].name.lower()}" for i in left_out]
    if len(names) == 1:  # "one exercise": not the whole group its name shares words with
        return (
            f"Last time, one exercise, {names[0]}, made your leg worse, "
            "so we leave that one out today."
        )
    return (
        f"Last time, {spoken.number_words(len(names))} exercises, {spoken.join_names(names)}, "
        "made your leg worse, so we leave those out today."
    )


def _outro(
    b: _Builder,
    library: Library,
    playlist: Playlist | None,
    exercises: Sequence[Exercise],
    settings: Settings,
) -> None:
    b.silence("gap", b.pacing.section_gap)
    programme = library.programme
    texts: list[str]
    if exercises and all(e.kind == "check" for e in exercises):
        texts = list(CHECK_OUTRO)  # no exercises to notice, and no two weeks of them
    else:
        texts = [*(playlist.outro if playlist else ()), *programme.session_outro]
        if settings.pain_rising:
            texts.append(PAIN_RISING_OUTRO)  # not "after two weeks": the intro said "now"
        elif programme.seek_help:
            texts.append(programme.seek_help)
    for index, text in enumerate(texts):
        b.say(text, "outro")
        if index + 1 < len(texts):
            b.silence("gap", b.pacing.sentence_gap)


def _rest(b: _Builder, upcoming: Exercise, rest_s: int) -> None:
    b.silence("gap", b.pacing.section_gap)
    if rest_s > 0:
        b.say(f"Well done. Rest for {spoken.seconds_phrase(rest_s)}.", "rest")
        b.silence("gap", b.pacing.sentence_gap)
    preview = [f"Next up: {upcoming.name}, {upcoming.position}."]
    if upcoming.equipment:
        preview.append(f"You will need {spoken.join_names(list(upcoming.equipment))}.")
    if upcoming.needs_helper:
        preview.append("You will need your helper.")
    for index, text in enumerate(preview):
        if index:
            b.silence("gap", b.pacing.sentence_gap)
        b.say(text, "next-up")
    b.silence("rest", rest_s)
    b.silence("gap", b.pacing.sentence_gap)


def _passes(exercise: Exercise, side: Side | None) -> list[Side | None]:
    """Which side each run through the set is on; `each` does the painful side first."""
    if exercise.sides == "each":
        first: Side = side or "left"
        return [first, other_side(first)]
    if exercise.sides == "painful":
        return [side]
    return [None]


def _exercise(b: _Builder, exercise: Exercise, index: int, total: int, settings: Settings) -> None:
    passes = _passes(exercise, settings.side)

    def fill(text: str) -> str:
        return spoken.fill_sides(text, passes[0])

    title = exercise.name
    if total > 1:
        numbering = f"Exercise {spoken.number_words(index + 1)} of {spoken.number_words(total)}"
        title = f"{numbering}: {exercise.name}"
    b.say(f"{title}.", "announce")
    b.silence("gap", b.pacing.sentence_gap)
    if exercise.brief and exercise.id in settings.familiar and not settings.full:
        b.sentences([fill(t) for t in short_form(exercise)], "instruction")
    else:
        b.sentences([fill(t) for t in exercise.setup], "instruction")
        b.sentences([fill(t) for t in exercise.steps], "instruction")
    b.sentences(_dosage_sentences(exercise, settings, passes), "instruction")
    cautions = [c for c in exercise.cautions if c.unless_left_out not in settings.left_out]
    start = [b.caution(c, passes[0]) for c in cautions if c.when == "start"]
    b.sentences(start, "caution")
    during = [c for c in cautions if c.when == "during"]
    release = [c for c in cautions if c.when == "release"]
    for number, side in enumerate(passes):
        if number:
            b.say(f"Switch sides. Now your {side} side.", "switch-side")
            b.silence("gap", b.pacing.sentence_gap)
            b.sentences([spoken.fill_sides(t, side) for t in exercise.switch], "switch-side")
        during_here = [b.caution(c, side) for c in during]
        release_here = [b.caution(c, side) for c in release]
        _body(b, exercise, settings, side, during_here, release_here)
    end = [b.caution(c, passes[0]) for c in cautions if c.when == "end"]
    if end:
        b.silence("gap", b.pacing.sentence_gap)
        for position, text in enumerate(end):
            if position:
                b.silence("gap", b.pacing.sentence_gap)
            b.say(text, "caution")


EASIER_REPS = 0.75
EASIER_HOLD = 2 / 3


def short_form(exercise: Exercise) -> list[str]:
    """What replaces the setup and steps once an exercise is familiar: its brief, which keeps
    the starting position, the sides and every qualifier (gentle, straight, relaxed ...)."""
    return [FAMILIAR, *exercise.brief]


def _reps(exercise: Exercise, settings: Settings) -> int:
    """The repetitions of this set; an alternating set always ends on an even split."""
    reps = exercise.dosage.reps
    assert reps is not None
    if settings.reps is not None:
        count = settings.reps
    elif settings.difficulty == "harder":
        count = reps.high
    elif settings.difficulty == "easier" and reps.is_range:
        count = reps.low  # a range's bottom is as easy as the programme goes
    elif settings.difficulty == "easier":
        count = max(1, round(reps.low * EASIER_REPS))
    else:
        count = reps.low
    if exercise.sides == "alternate":
        count = max(2, count - count % 2)  # as many to the left as to the right
    return count


def _hold(exercise: Exercise, settings: Settings) -> int:
    if settings.hold_s is not None:
        return settings.hold_s
    seconds = exercise.dosage.hold_s or exercise.dosage.duration_s or 0
    if settings.difficulty == "easier":
        return max(1, round(seconds * EASIER_HOLD))
    return seconds


def _programme_amount(exercise: Exercise) -> str:
    """The dosage in the programme's own words, for comparison: "twenty", "twenty to thirty"."""
    dosage = exercise.dosage
    words = spoken.number_words
    if dosage.reps is not None:
        low, high = dosage.reps.low, dosage.reps.high
        return f"{words(low)} to {words(high)}" if dosage.reps.is_range else words(low)
    return spoken.seconds_phrase(dosage.hold_s or dosage.duration_s or 0)


def _changed_by(settings: Settings) -> str | None:
    """Why the set differs from the programme's dosage, as the coach says it, or None."""
    if settings.reps is not None or settings.hold_s is not None:
        return "As you asked"
    if settings.difficulty == "easier":
        return "An easier set"
    if settings.difficulty == "harder":
        return "A harder set"
    return None


def _dosage_sentences(
    exercise: Exercise, settings: Settings, passes: list[Side | None]
) -> list[str]:
    """The dosage, said once; a set that differs from the programme's says so, and how."""
    dosage = exercise.dosage
    words = spoken.number_words
    usual = _programme_amount(exercise)
    why = _changed_by(settings)
    sentences = []
    if dosage.reps is not None:
        count = _reps(exercise, settings)
        unit = (dosage.rep_label or "repetition").lower()
        amount = f"{words(count)} {unit}{'s' if count != 1 else ''}"
        hold = _hold(exercise, settings) if dosage.hold_s is not None else None
        held = f", each held for {spoken.seconds_phrase(hold)}" if hold is not None else ""
        changed_reps = count != dosage.reps.low
        changed_hold = hold is not None and hold != dosage.hold_s
        if not changed_reps and not changed_hold:
            if count == 1:
                pass  # "One check.": once is said by what follows
            elif dosage.reps.is_range:
                sentences.append(
                    f"{spoken.capital(usual)} {unit}s{held}. We will do {words(count)}."
                )
            else:
                sentences.append(f"{spoken.capital(amount)}{held}.")
        else:
            if why == "A harder set" and dosage.reps.is_range and count == dosage.reps.high:
                amount += f", the top of the programme's {usual}"
            elif changed_reps:
                if exercise.sides == "alternate":
                    amount += f", {words(count // 2)} to each side"
                amount += f", instead of {usual}"
            if changed_hold:
                held += f", instead of {spoken.seconds_phrase(dosage.hold_s or 0)}"
            if settings.reps is not None and count != settings.reps:
                # --reps 3 on an alternating exercise: say why it became two
                sentences.append(f"You asked for {words(settings.reps)}.")
                why = "To keep both sides even"
            sentences.append(f"{why or 'To keep both sides even'}: {amount}{held}.")
    else:
        seconds = _hold(exercise, settings)
        verb = "keep going for" if dosage.duration_s is not None else "hold for"
        phrase = f"{verb} {spoken.seconds_phrase(seconds)}"
        if seconds == (dosage.hold_s or dosage.duration_s):
            sentences.append(spoken.capital(phrase) + ".")
        else:
            sentences.append(f"{why or 'This time'}: {phrase}, instead of {usual}.")
    if exercise.sides == "each":
        sentences.append(f"We will do both sides, starting with your {passes[0]} side.")
    return sentences


def _body(
    b: _Builder,
    exercise: Exercise,
    settings: Settings,
    side: Side | None,
    during: list[str],
    release: Sequence[str] = (),
) -> None:
    dosage = exercise.dosage
    if dosage.reps is None:
        seconds = _hold(exercise, settings)
        if not _fits_in_hold(b, seconds, during):
            b.sentences(during, "caution")  # too long to say inside the hold: say it first
            during = []
        start_word = "start" if dosage.duration_s is not None else "hold"
        b.say(f"Get into position, and {start_word} at the tone.", "get-ready")
        b.silence("get-ready", settings.lead_in_s)
        _hold_span(b, seconds, during)
        for text in release:  # a helper lets go before the person relaxes
            b.say(text, "hold-end")
            b.silence("gap", b.pacing.sentence_gap)
        b.say("And relax.", "hold-end")
        return
    b.say("Get ready.", "get-ready")
    b.silence("get-ready", settings.lead_in_s)
    b.tone("get-ready")
    b.silence("gap", b.pacing.after_tone)
    if during:
        b.sentences(during, "caution")
    _rep_set(b, exercise, settings, side)


def _rep_set(b: _Builder, exercise: Exercise, settings: Settings, side: Side | None) -> None:
    """N repetitions, each the same length, so every count falls on an even beat."""
    dosage = exercise.dosage
    count = _reps(exercise, settings)

    def rep_side(n: int) -> Side | None:
        if exercise.sides == "alternate":
            return "left" if n % 2 == 1 else "right"
        return None

    cues = [spoken.rep_cue(n, dosage.rep_label, rep_side(n)) for n in range(1, count + 1)]
    if count == 1 and side is not None and exercise.sides == "each":
        cues = [spoken.capital(f"{side} side.")]  # not "Check one." on each side
    count_slot = max(b.cue_length(c) for c in cues) + b.samples(b.pacing.count_gap)
    phases = [(spoken.fill_sides(p.say, side), b.samples(p.seconds)) for p in dosage.phases]
    phase_slots = [
        max(seconds, b.cue_length(text) + b.samples(b.pacing.min_move)) for text, seconds in phases
    ]
    if dosage.hold_s is not None:
        hold = _hold(exercise, settings)
        relax = b.cue_length("Relax.")
        # The tempo is the movement around the hold: half to get into position after the
        # count, before the hold-start tone, and half to come back down after "Relax."
        move = b.samples(dosage.tempo_s or 0)
        count_slot += move // 2
        move_out = move - move // 2
        period = count_slot + 2 * b.samples(b.pacing.tone) + b.samples(hold) + relax + move_out
    elif phases:
        period = count_slot + sum(phase_slots)
    else:
        period = max(b.samples(dosage.tempo_s or 0), count_slot + b.samples(b.pacing.min_move))

    for cue in cues:
        rep_start = b.cursor
        b.say(cue, "rep")
        b.silence_until("movement", rep_start + count_slot)
        if dosage.hold_s is not None:
            # No spoken countdown: its "Three. Two. One." would run into the counts of the reps.
            _hold_span(b, _hold(exercise, settings), [], countdown=False)
            b.say("Relax.", "hold-end")
        for (text, _), slot in zip(phases, phase_slots, strict=True):
            phase_start = b.cursor
            b.say(text, "phase")
            b.silence_until("movement", phase_start + slot)
        b.silence_until("movement", rep_start + period)


def _fits_in_hold(b: _Builder, seconds: int, during: list[str]) -> bool:
    """Cautions go inside a hold only if they end well before its closing countdown."""
    needed = b.samples(1.0) + sum(
        b.cue_length(t) + b.samples(b.pacing.sentence_gap) for t in during
    )
    return needed <= b.samples(seconds - b.pacing.countdown_from - 1)


def _hold_span(b: _Builder, seconds: int, during: list[str], *, countdown: bool = True) -> None:
    """Tone, exactly `seconds` of hold with the time left spoken inside it, tone.

    `countdown` off: the hold is marked by its tones alone, for a hold inside a set of counted
    reps, where spoken numbers would be taken for the reps' counts."""
    b.tone("hold-start")
    start = b.cursor
    end = start + b.samples(seconds)
    marks: list[tuple[int, str, Role]] = []
    position = start + b.samples(1.0)
    for text in during:
        marks.append((position, text, "caution"))
        position += b.cue_length(text) + b.samples(b.pacing.sentence_gap)
    announce = {30, 10} | ({20} if seconds <= 40 else set())
    for left in range(seconds - 5, 9, -1) if countdown else ():
        if left % 60 == 0 or left in announce:
            marks.append((end - b.samples(left), spoken.time_left(left), "countdown"))
    if countdown and seconds > b.pacing.countdown_from + 1:
        for left in range(b.pacing.countdown_from, 0, -1):
            word = spoken.capital(spoken.number_words(left)) + "."
            marks.append((end - b.samples(left), word, "countdown"))
    marks.sort(key=lambda mark: mark[0])
    for index, (at, text, role) in enumerate(marks):
        # A caution is always said (it was checked to fit); a time call that a caution or a
        # slow voice would overlap is dropped, because the hold's exact length comes first.
        limit = end if role == "caution" else marks[index + 1][0] if index + 1 < len(marks) else end
        if at < b.cursor or at + b.cue_length(text) > limit:
            continue
        b.silence_until("hold", at)
        b.say(text, role)
    b.silence_until("hold", end)
    b.tone("hold-end")


def timeline_dict(timeline: Timeline) -> dict[str, Any]:
    """The `plan --json` object; seconds are derived from the exact sample counts."""
    rate = timeline.sample_rate

    def seconds(samples: int) -> float:
        return round(samples / rate, 6)

    events = []
    for event in timeline.events:
        item: dict[str, Any] = {
            "start_s": seconds(event.start),
            "end_s": seconds(event.end),
            "start_sample": event.start,
            "end_sample": event.end,
            "kind": event.kind,
            "role": event.role,
            "exercise": event.exercise,
        }
        if event.text is not None:
            item["text"] = event.text
        if event.tone is not None:
            item["tone"] = event.tone
        events.append(item)
    return {
        "target": list(timeline.target),
        "sample_rate": rate,
        "duration_s": seconds(timeline.length),
        "duration_samples": timeline.length,
        "chapters": [
            {
                "exercise": c.exercise,
                "title": c.title,
                "start_s": seconds(c.start),
                "end_s": seconds(c.end),
                "start_sample": c.start,
                "end_sample": c.end,
            }
            for c in timeline.chapters
        ],
        "events": events,
        "left_out": list(timeline.left_out),
        "pain_rising": timeline.pain_rising,
    }
