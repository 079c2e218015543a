"""The podcast feed and chapter lists of `share`: RSS 2.0 with the iTunes and Podcasting 2.0
namespaces, so a podcast app subscribes once, plays with the screen locked, and fetches
`my-plan` again when it changes (its item's guid is the fingerprint of its audio)."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from email.utils import formatdate
from pathlib import Path
from xml.sax.saxutils import escape as _escape
from xml.sax.saxutils import quoteattr

from voice_coach.share.routines import Routine

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
LOG_IT = "After the session, note your pain and how each exercise felt:"


def escape(text: str) -> str:
    """Text as XML character data: escaped, and without the characters XML cannot carry at all
    (a control character in a title would make the whole feed unreadable)."""
    return _escape(_NOT_XML.sub("", text))


def chapters_json(routine: Routine) -> bytes:
    """The Podcasting 2.0 chapters file: the same chapters as the MP3's, in seconds."""
    chapters = [
        {"startTime": round(p.start / routine.rate, 3), "endTime": round(p.end / routine.rate, 3)}
        | {"title": p.title}
        for p in routine.parts
    ]
    return json.dumps({"version": "1.2.0", "chapters": chapters}, indent=1).encode()


def form_url(base: str, routine: Routine) -> str:
    """The page's questions about a session of `routine` (pain now, how each exercise felt),
    opened at that routine: for a session heard in a podcast app."""
    return f"{base}#log-{routine.id}"


def description(routine: Routine, disclaimer: str, form: str | None = None) -> str:
    """What a podcast app shows for an item: what it is for, each chapter's steps, where to
    log how it went (without `share --read-only`), and the programme's disclaimer."""
    lines = [routine.purpose] if routine.purpose else []
    if routine.equipment:
        lines.append("You need: " + ", ".join(routine.equipment) + ".")
    if routine.helper:
        lines.append("You need someone to help you.")
    for part in routine.parts[1:]:  # the first is "Before you start": the disclaimer, below
        lines.append(f"{_clock(part.start / routine.rate)} {part.title}: " + " ".join(part.steps))
    if form is not None:
        lines.append(f"{LOG_IT} {form}")
    lines.append(disclaimer)
    return "\n\n".join(lines)


def _html(text: str, form: str | None) -> str:
    """An item's description is HTML to podcast apps: each paragraph, escaped as text, and the
    form's address as a link."""
    paragraphs = []
    for paragraph in text.split("\n\n"):
        if form is not None and paragraph == f"{LOG_IT} {form}":
            link = f'<a href="{html.escape(form)}">{html.escape(form)}</a>'
            paragraphs.append(f"<p>{html.escape(LOG_IT)} {link}</p>")
        else:
            paragraphs.append(f"<p>{html.escape(paragraph)}</p>")
    return "".join(paragraphs)


def _clock(seconds: float) -> str:
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes}:{rest:02d}"


def feed_xml(
    routines: Sequence[Routine],
    files: Sequence[Path],
    base: str,
    title: str,
    disclaimer: str,
    *,
    log_form: bool,
) -> bytes:
    """The feed; `files` are the routines' MP3s (their sizes and times), `base` the URL that
    every link starts with (it carries the secret); with `log_form`, each item links to the
    page's questions about a session of it."""
    items = []
    for routine, file in zip(routines, files, strict=True):
        stat = file.stat()
        form = form_url(base, routine) if log_form else None
        described = description(routine, disclaimer, form)
        items.append(
            f"""  <item>
   <title>{escape(routine.title)}</title>
   <description>{escape(_html(described, form))}</description>
   <itunes:summary>{escape(described)}</itunes:summary>
   <enclosure url={quoteattr(f"{base}{routine.id}.mp3")} length="{stat.st_size}" type="audio/mpeg"/>
   <guid isPermaLink="false">{routine.key}</guid>
   <pubDate>{formatdate(stat.st_mtime, usegmt=True)}</pubDate>
   <itunes:duration>{round(routine.seconds)}</itunes:duration>
   <itunes:explicit>false</itunes:explicit>
   <podcast:chapters url={quoteattr(f"{base}{routine.id}.chapters.json")}
    type="application/json+chapters"/>
  </item>"""
        )
    channel = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="{ITUNES}" xmlns:podcast="{PODCAST}">
 <channel>
  <title>{escape(title)} (voice-coach)</title>
  <link>{escape(base)}</link>
  <description>{escape(disclaimer)}</description>
  <language>en</language>
  <itunes:author>voice-coach</itunes:author>
  <itunes:image href={quoteattr(base + "cover.jpg")}/>
  <image>
   <url>{escape(base)}cover.jpg</url>
   <title>{escape(title)} (voice-coach)</title>
   <link>{escape(base)}</link>
  </image>
  <itunes:explicit>false</itunes:explicit>
  <itunes:category text="Health &amp; Fitness"/>
  <itunes:block>yes</itunes:block>
  <podcast:locked>yes</podcast:locked>
{chr(10).join(items)}
 </channel>
</rss>
"""
    return channel.encode()
