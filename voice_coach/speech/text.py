"""Written text as a speech engine should get it.

Both engines phonemise with espeak-ng, which reads "5-10" as "five dash ten", "30s" as
"thirties", "NSAIDs" as "ens-ed" and says "**" or a link's address aloud. Content is written for
people to read as well as hear (and users write their own), so the written form stays as it is;
this pass runs just before synthesis. The pronunciation list from content is applied right
after the markup is gone, before the built-in rules, so content can respell or expand any
written form, "L4-S3" included.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from voice_coach.plan.spoken import number_words

Rewrite = Callable[[re.Match[str]], str]

_ORDINAL_ENDINGS = {
    "one": "first",
    "two": "second",
    "three": "third",
    "five": "fifth",
    "eight": "eighth",
    "nine": "ninth",
    "twelve": "twelfth",
}

_UNITS = {
    "s": ("second", "seconds"),
    "sec": ("second", "seconds"),
    "secs": ("second", "seconds"),
    "min": ("minute", "minutes"),
    "mins": ("minute", "minutes"),
    "h": ("hour", "hours"),
    "hr": ("hour", "hours"),
    "hrs": ("hour", "hours"),
    "x": ("time", "times"),
    "kg": ("kilogram", "kilograms"),
    "cm": ("centimetre", "centimetres"),
    "%": ("percent", "percent"),
}

_PHRASES = (
    (re.compile(r"\be\.g\.,?", re.IGNORECASE), "for example,"),
    (re.compile(r"\bi\.e\.,?", re.IGNORECASE), "that is,"),
    (re.compile(r"\betc\.", re.IGNORECASE), "and so on."),
    (re.compile(r"\bapprox\.", re.IGNORECASE), "about"),
    (re.compile(r"\bvs\.?(?=\s)", re.IGNORECASE), "versus"),
    (re.compile(r"\bw/(?=\s)"), "with"),
    (re.compile(r"\s&\s"), " and "),
    (re.compile(r"\band/or\b", re.IGNORECASE), "and or"),
    (re.compile(r"(?<=[a-z])/(?=[a-z])", re.IGNORECASE), " or "),
)

_MARKUP = (
    (re.compile(r"!?\[([^\]]*)\]\([^)]*\)"), r"\1"),  # [text](link) and images
    (re.compile(r"<[^<>]+>"), " "),  # HTML tags
    (re.compile(r"https?://\S+"), " "),
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),
    (re.compile(r"(?<!\w)[*_](\S(?:.*?\S)?)[*_](?!\w)"), r"\1"),
    (re.compile(r"`([^`]*)`"), r"\1"),
    (re.compile(r"^\s*(?:#+|[-*+•]|\d+[.)])\s+", re.MULTILINE), ""),  # headings, bullets
    (re.compile(r"[*#`~^|\\]"), " "),  # whatever markup is left
)

_NUMBER = r"\d+(?:\.\d+)?"
_SPINE = re.compile(r"\b([CTLS])(\d{1,2})\b")
_DASH = "[-\u2013]"  # a hyphen or an en dash
_SPINE_RANGE = re.compile(rf"\b([CTLS]\d{{1,2}})\s*{_DASH}\s*([CTLS]\d{{1,2}})\b")
_RANGE = re.compile(rf"(?<![\w.])({_NUMBER})\s*{_DASH}\s*({_NUMBER})(?!\w|\.\d)")
_WITH_UNIT = re.compile(
    rf"(?<![\w.])({_NUMBER})\s*(secs?|s|mins?|hrs?|h|x|kg|cm|%)(?![\w%])", re.IGNORECASE
)
_TIMES_BEFORE = re.compile(r"(?<![\w.])x\s?(\d+)(?!\w|\.\d)", re.IGNORECASE)
_ORDINAL = re.compile(r"(?<![\w.])(\d+)(st|nd|rd|th)\b", re.IGNORECASE)
_DECIMAL = re.compile(r"(?<![\w.])(\d+)\.(\d+)(?!\w|\.\d)")
_INTEGER = re.compile(r"(?<![\w.])\d+(?!\w|\.\d)")


def _spoken_number(text: str) -> str:
    """An integer or decimal in words; numbers too long to say are read digit by digit."""
    if "." in text:
        whole, fraction = text.split(".", 1)
        digits = " ".join(number_words(int(d)) for d in fraction)
        return f"{_spoken_number(whole)} point {digits}"
    value = int(text)
    if value > 9999:
        return " ".join(number_words(int(d)) for d in text)
    return number_words(value)


def _ordinal(value: int) -> str:
    words = number_words(value)
    head, sep, last = words.rpartition("-" if "-" in words else " ")
    if last in _ORDINAL_ENDINGS:
        last = _ORDINAL_ENDINGS[last]
    elif last.endswith("y"):
        last = last[:-1] + "ieth"
    else:
        last += "th"
    return head + sep + last


def _with_unit(match: re.Match[str]) -> str:
    number, unit = match.group(1), match.group(2).lower()
    one, many = _UNITS[unit]
    return f"{_spoken_number(number)} {one if number == '1' else many}"


def _spine_level(match: re.Match[str]) -> str:
    return f"{match.group(1)} {_spoken_number(match.group(2))}"


_NUMBERS: tuple[tuple[re.Pattern[str], str | Rewrite], ...] = (
    (_SPINE_RANGE, r"\1 to \2"),
    (_SPINE, _spine_level),
    (_RANGE, r"\1 to \2"),
    (_WITH_UNIT, _with_unit),
    (_TIMES_BEFORE, lambda m: f"{_spoken_number(m.group(1))} times"),
    (_ORDINAL, lambda m: _ordinal(int(m.group(1)))),
    (_DECIMAL, lambda m: _spoken_number(m.group(0))),
    (_INTEGER, lambda m: _spoken_number(m.group(0))),
)


def _same_case(written: str, said: str) -> str:
    """Keep a capital at the start of a sentence when a word is respelled."""
    return said[:1].upper() + said[1:] if written[:1].isupper() else said


def _respelled(written: str, said: str) -> Rewrite:
    if written != written.lower():
        return lambda _match: said
    return lambda match: _same_case(match.group(0), said)


def _whole_word(written: str) -> re.Pattern[str]:
    """`written` as a whole word; a lower-case entry matches any case, others match exactly."""
    flags = re.IGNORECASE if written == written.lower() else 0
    return re.compile(rf"(?<![\w-]){re.escape(written)}(?![\w-])", flags)


def speech_text(pronunciations: Mapping[str, str] | None = None) -> Callable[[str], str]:
    """The rewrite for one content library: markup, its pronunciation list (longest entries
    first, so "sciatic nerve" wins over "sciatic"), abbreviations, then numbers."""
    listed = sorted((pronunciations or {}).items(), key=lambda item: -len(item[0]))
    respell = [(_whole_word(written), _respelled(written, said)) for written, said in listed]

    def rewrite(text: str) -> str:
        for pattern, replacement in _MARKUP:
            text = pattern.sub(replacement, text)
        for pattern, respelled in respell:
            text = pattern.sub(respelled, text)
        for pattern, phrase in _PHRASES:
            text = pattern.sub(phrase, text)
        for pattern, rule in _NUMBERS:
            text = pattern.sub(rule, text)
        return " ".join(text.split())

    return rewrite
