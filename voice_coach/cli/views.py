"""Text a person reads in the terminal: tables and pages built from the model, returned as strings.

Kept apart from the commands so they stay thin and the wording can be tested without a shell.
"""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from voice_coach.errors import UserError, inert
from voice_coach.model import Exercise, GuideTopic, Library, Playlist, Timeline
from voice_coach.plan import spoken

if TYPE_CHECKING:  # types only: a page imports no stage it does not show
    from voice_coach.doctor import Check
    from voice_coach.journal import log
    from voice_coach.journal.recommend import Ranked
    from voice_coach.speech.selection import Engine, VoiceRow

SIDES_WORDS = {
    "none": "both sides together",
    "alternate": "alternating left and right",
    "each": "each side in turn",
    "painful": "the painful side",
}


def _width() -> int:
    """The terminal's columns (COLUMNS when set); 100 for a file or a pipe."""
    return max(40, shutil.get_terminal_size((100, 24)).columns)


SHORT = 12
"""A column no wider than this ("~14 min", "yes") never wraps: split, it reads worse than long."""


def _fit(natural: list[int], floor: list[int], width: int) -> list[int]:
    """Column widths that fit `width`, each column giving up room in proportion to its text
    (long descriptions wrap first), never below its floor (its longest word): when even that
    does not fit, lines run long rather than a word being cut."""
    widths = list(natural)
    excess = sum(widths) + 2 * (len(widths) - 1) - width
    while excess > 0:
        room = [i for i, w in enumerate(widths) if w > floor[i]]
        if not room:
            break
        widest = max(room, key=lambda i: (widths[i] / natural[i], widths[i]))
        widths[widest] -= 1
        excess -= 1
    return widths


def table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], *, width: int | None = None
) -> str:
    """A plain aligned table that fits the terminal: cells wrap at words, nothing is cut. The
    first column (an id to type) never wraps. Too narrow for the columns side by side, each row
    becomes a small block of "HEADER  value" lines instead."""
    width = width or _width()
    rows = [[inert(cell) for cell in row] for row in rows]  # a stored value is one inert cell
    grid = [list(headers), *rows]
    natural = [max(len(row[i]) for row in grid) for i in range(len(headers))]
    floor = [
        natural[i]
        if i == 0 or natural[i] <= SHORT
        else max(len(w) for row in grid for w in [*row[i].split(), ""])
        for i in range(len(headers))
    ]
    if sum(floor) + 2 * (len(floor) - 1) > width:
        return _records(headers, rows, width)
    widths = _fit(natural, floor, width)
    lines = []
    for row in grid:
        cells = [_wrap(cell, widths[i]) for i, cell in enumerate(row)]
        for depth in range(max(len(c) for c in cells)):
            parts = [
                (cell[depth] if depth < len(cell) else "").ljust(widths[i])
                for i, cell in enumerate(cells)
            ]
            lines.append("  ".join(parts).rstrip())
    return "\n".join(lines)


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False) or [""]


def _records(headers: Sequence[str], rows: Sequence[Sequence[str]], width: int) -> str:
    label = max(len(h) for h in headers[1:]) + 2
    lines = []
    for row in rows:
        lines.append(row[0])
        for header, cell in zip(headers[1:], row[1:], strict=True):
            pieces = _wrap(cell, max(10, width - label - 2))
            lines.append(f"  {header.ljust(label)}{pieces[0]}".rstrip())
            lines += [" " * (label + 2) + piece for piece in pieces[1:]]
    return "\n".join(lines)


def minutes(samples: int, rate: int) -> str:
    return f"{samples / rate / 60:.0f} min" if samples >= 60 * rate else f"{samples / rate:.0f} s"


def causes_table(library: Library, lengths: dict[str, int], rate: int) -> str:
    rows = [
        [p.id, p.title, str(len(p.exercises)), "~" + minutes(lengths[p.id], rate), p.purpose]
        for p in library.playlists.values()
    ]
    return table(["ID", "TITLE", "EXERCISES", "LENGTH", "FOR"], rows)


def causes_json(library: Library, lengths: dict[str, int], rate: int) -> list[dict[str, Any]]:
    return [
        {
            "id": p.id,
            "title": p.title,
            "for": p.purpose,
            "exercises": list(p.exercises),
            "length_s": round(lengths[p.id] / rate, 1),
            "length_is_estimate": True,
        }
        for p in library.playlists.values()
    ]


def exercise_json(library: Library, exercise: Exercise) -> dict[str, Any]:
    dosage = exercise.dosage
    return {
        "id": exercise.id,
        "name": exercise.name,
        "causes": library.playlists_with(exercise.id),
        "equipment": list(exercise.equipment),
        "needs_helper": exercise.needs_helper,
        "sides": exercise.sides,
        "position": exercise.position,
        "source": exercise.source,
        "dosage": {
            "reps": [dosage.reps.low, dosage.reps.high] if dosage.reps else None,
            "hold_s": dosage.hold_s,
            "duration_s": dosage.duration_s,
            "tempo_s": dosage.tempo_s,
            "phases": [{"say": p.say, "seconds": p.seconds} for p in dosage.phases],
            "text": dosage.describe(),
        },
    }


def exercises_table(library: Library, exercises: Sequence[Exercise]) -> str:
    rows = [
        [
            e.id,
            e.name,
            e.dosage.describe(),
            e.sides,
            "yes" if e.needs_helper else "-",
            ", ".join(e.equipment) or "-",
        ]
        for e in exercises
    ]
    return table(["ID", "NAME", "DOSAGE", "SIDES", "HELPER", "EQUIPMENT"], rows)


def _wrapped(text: str, indent: str, first: str | None = None) -> str:
    return textwrap.fill(
        text,
        width=_width(),
        initial_indent=first if first is not None else indent,
        subsequent_indent=indent,
    )


def _numbered(items: Sequence[str]) -> list[str]:
    return [_wrapped(text, "     ", f"  {n:>2}. ") for n, text in enumerate(items, 1)]


def exercise_page(library: Library, exercise: Exercise) -> str:
    def words(text: str) -> str:
        return spoken.fill_sides(text, None)

    lines = [f"{exercise.name}  ({exercise.id})", f"From the programme: {exercise.source}."]
    lines.append(f"Position: {exercise.position}.")
    lines.append(f"Dosage: {exercise.dosage.describe()}.")
    if exercise.dosage.phases:
        parts = [f"{p.say} ({p.seconds:g} s)" for p in exercise.dosage.phases]
        lines.append("Each repetition: " + " / ".join(parts))
    lines.append(f"Sides: {SIDES_WORDS[exercise.sides]}.")
    lines.append("Equipment: " + (", ".join(exercise.equipment) or "none") + ".")
    lines.append("Helper: " + ("needed." if exercise.needs_helper else "not needed."))
    lines += ["", "Setup:", *_numbered([words(t) for t in exercise.setup])]
    lines += ["", "Steps:", *_numbered([words(t) for t in exercise.steps])]
    if exercise.cautions:
        lines += ["", "Cautions:"]
        lines += [_wrapped(words(c.text), "     ", "   ! ") for c in exercise.cautions]
    if exercise.notes:
        lines += ["", "Notes:"]
        lines += [_wrapped(n, "     ", "   - ") for n in exercise.notes]
    playlists = library.playlists_with(exercise.id)
    lines += ["", "In playlists: " + (", ".join(playlists) or "none")]
    return "\n".join(lines)


def guide_page(topics: Sequence[GuideTopic], disclaimer: str) -> str:
    blocks = []
    for topic in topics:
        body = "\n\n".join(_wrapped(p, "  ") for p in topic.paragraphs)
        blocks.append(f"{topic.title}  ({topic.id}, {topic.source})\n\n{body}")
    blocks.append(_wrapped(f"Disclaimer: {disclaimer}", ""))
    return "\n\n\n".join(blocks)


def plan_page(timeline: Timeline, playlist: Playlist | None, library: Library) -> str:
    rate = timeline.sample_rate
    title = playlist.title if playlist else ", ".join(timeline.target)
    lines = [
        f"{title}: {spoken.clock(timeline.length, rate).strip()} in all, "
        f"{len(timeline.events)} events at {rate} Hz",
        *spoken.notices(timeline.left_out, timeline.pain_rising, library),
        "",
        table(
            ["START", "END", "EXERCISE"],
            [
                [
                    spoken.clock(c.start, rate),
                    spoken.clock(c.end, rate),
                    c.title if c.exercise is None else f"{c.title} ({c.exercise})",
                ]
                for c in timeline.chapters
            ],
        ),
        "",
    ]
    rows = []
    for event in timeline.events:
        if event.kind == "silence" and event.role == "gap":
            continue
        what = event.text or (f"[{event.tone} tone]" if event.tone else "")
        if event.kind == "silence":
            what = f"[{event.length / rate:.2f} s {event.role}]"
        rows.append([spoken.clock(event.start, rate), event.role, what])
    lines.append(table(["TIME", "ROLE", "WHAT"], rows))
    return "\n".join(lines)


def entry_json(entry: log.Entry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "date": entry.day.isoformat(),
        "target": entry.target,
        "completed": list(entry.completed),
        "skipped": list(entry.skipped),
        "duration_s": round(entry.duration_s, 1) if entry.duration_s else None,
        "pain_before": entry.pain_before,
        "pain_after": entry.pain_after,
        "effects": dict(entry.effects),
        "source": entry.source,
    }


def _pain(value: int | None) -> str:
    return "-" if value is None else str(value)


def progress_page(entries: Sequence[log.Entry], streak: int) -> str:
    if not entries:
        return "No sessions logged yet: `voice-coach play`, or `voice-coach log add` after one."
    rows = []
    for entry in entries:
        pain = entry.pain_after if entry.pain_after is not None else entry.pain_before
        bar = "█" * pain if pain is not None else ""
        rows.append(
            [
                entry.day.isoformat(),
                entry.target,
                f"{_pain(entry.pain_before)} -> {_pain(entry.pain_after)}",
                f"{len(entry.completed)} done"
                + (f", {len(entry.skipped)} not" if entry.skipped else ""),
                f"{bar} {'' if pain is None else pain}",
            ]
        )
    span = (entries[-1].day - entries[0].day).days + 1
    lines = [
        table(["DATE", "SESSION", "PAIN", "EXERCISES", "PAIN (0-10)"], rows),
        "",
        f"{len(entries)} sessions over {span} days; "
        f"streak: {streak} day{'s' if streak != 1 else ''}.",
    ]
    return "\n".join(lines)


def voices_table(rows: Sequence[VoiceRow], current: Engine) -> str:
    table_rows = [
        [("* " if r.in_use else "  ") + r.engine, r.id, r.language or "-", r.name] for r in rows
    ]
    return (
        table(["ENGINE", "VOICE", "LANGUAGE", "NAME"], table_rows)
        + f"\n\n* the voice used now ({current.name} {current.voice}; see `voice-coach doctor`)"
    )


def voices_json(rows: Sequence[VoiceRow]) -> list[dict[str, Any]]:
    return [
        {"engine": r.engine, "id": r.id, "name": r.name, "language": r.language}
        | {"default": r.default, "in_use": r.in_use}
        for r in rows
    ]


def recommend_table(ranked: Sequence[Ranked], chosen: Sequence[str]) -> str:
    rows = [
        [
            r.exercise,
            str(r.better),
            str(r.same),
            str(r.worse),
            _verdict(r, chosen),
        ]
        for r in ranked
    ]
    return table(["EXERCISE", "BETTER", "SAME", "WORSE", "MY PLAN"], rows)


def _verdict(ranked: Ranked, chosen: Sequence[str]) -> str:
    if ranked.worse_last:
        return "dropped (worse last time)"
    if ranked.dropped:
        return "dropped (made it worse)"
    return "in" if ranked.exercise in chosen else "-"


def settings_table(stored: dict[str, object]) -> str:
    """Every setting as the file holds it; a bad or unknown entry is shown, marked, so that
    `config set` or `config unset` can repair it."""
    from voice_coach.cli.setting_checks import LIGHT_CHECKS
    from voice_coach.journal import settings

    rows = []
    for name, key in settings.KEYS.items():
        value = stored.get(name, key.default)
        origin = "set" if name in stored else "default"
        if name in stored:
            try:
                typed = settings.parse_stored(name, value)
                if name in LIGHT_CHECKS:
                    LIGHT_CHECKS[name](typed)
            except UserError as exc:
                origin = f"INVALID ({exc.message}; run: config unset {name})"
        rows.append([name, settings.as_typed(value), origin, f"{key.help} ({key.values})"])
    for name in stored.keys() - settings.KEYS.keys():
        rows.append(
            [name, settings.as_typed(stored[name]), f"UNKNOWN (run: config unset {name})", "-"]
        )
    return table(["KEY", "VALUE", "FROM", "MEANING"], rows)


def settings_markdown() -> str:
    """The settings as the README shows them: read from the one table, so they cannot drift."""
    from voice_coach.journal import settings

    lines = ["| setting | default | values | what it does |", "| --- | --- | --- | --- |"]
    for name, key in settings.KEYS.items():
        values = key.values.replace("|", ", ")  # a bar would end the Markdown cell
        default_text = settings.as_typed(key.default)
        lines.append(f"| `{name}` | {default_text} | {values} | {key.help} |")
    return "\n".join(lines)


def checks_lines(results: Sequence[Check]) -> list[str]:
    lines = []
    for result in results:
        mark = "ok " if result.ok else ("-- " if result.optional else "!! ")
        lines.append(f"{mark} {result.name:<14} {result.detail}")
    return lines


def log_table(entries: Sequence[log.Entry], bad: Sequence[log.BadRow] = ()) -> str:
    """The log with each session's id; a row that does not read as a session is listed too, by
    its id and what is wrong, so that `log edit` or `log rm` can mend it."""
    if not entries and not bad:
        return "No sessions logged yet."
    rows = [
        [
            str(e.id),
            e.day.isoformat(),
            e.target,
            f"{_pain(e.pain_before)} -> {_pain(e.pain_after)}",
            e.source,
            ", ".join(f"{k}={v}" for k, v in sorted(e.effects.items())) or "-",
        ]
        for e in entries
    ]
    rows += [[str(b.id), "?", f"cannot be read: {b.problem}", "-", "-", "-"] for b in bad]
    return table(["ID", "DATE", "SESSION", "PAIN", "FROM", "EFFECTS"], rows)


def bad_json(row: log.BadRow) -> dict[str, Any]:
    return {"id": row.id, "problem": row.problem}
