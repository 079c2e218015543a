"""The page a phone opens: the routines, each with a player, its chapters (tap one to jump to
it), the current exercise's steps as it plays, and the files to download. One self-contained
HTML file (no fonts, scripts or images from anywhere), so it works on any phone's browser
without an install. The routines travel as JSON that the script turns into elements with
`textContent`: nothing from the content is ever parsed as HTML."""

from __future__ import annotations

import json
from collections.abc import Sequence
from html import escape

from voice_coach.share.routines import Routine


def _data(routines: Sequence[Routine]) -> str:
    described = [
        {
            "id": r.id,
            "title": r.title,
            "purpose": r.purpose,
            "minutes": round(r.seconds / 60),
            "seconds": round(r.seconds, 3),
            "equipment": list(r.equipment),
            "helper": r.helper,
            "parts": [
                {
                    "title": p.title,
                    "start": round(p.start / r.rate, 3),
                    "end": round(p.end / r.rate, 3),
                    "steps": list(p.steps),
                }
                for p in r.parts
            ],
        }
        for r in routines
    ]
    text = json.dumps(described, ensure_ascii=True)
    # Inert inside <script>: no "</script>" or "<!--" can be spelled by the content.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def page_html(routines: Sequence[Routine], base: str, title: str, disclaimer: str) -> bytes:
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}: voice-coach</title>
<link rel="icon" type="image/jpeg" href="{escape(base)}cover.jpg">
<link rel="apple-touch-icon" href="{escape(base)}cover.jpg">
<link rel="alternate" type="application/rss+xml" title="{escape(title)}"
 href="{escape(base)}feed.xml">
<style>
body {{ font: 17px/1.45 system-ui, sans-serif; margin: 0; padding: 12px; background: #f6f4ef;
  color: #222; max-width: 40em; margin: auto; }}
h1 {{ font-size: 1.4em; margin: .3em 0; }}
.routine {{ background: #fff; border-radius: 12px; padding: 12px; margin: 14px 0;
  box-shadow: 0 1px 3px #0002; }}
.routine h2 {{ font-size: 1.2em; margin: 0 0 .2em; }}
.meta, .purpose, .note {{ color: #555; font-size: .92em; margin: .2em 0; }}
audio {{ width: 100%; margin: .5em 0; }}
.play {{ font: inherit; font-size: 1.15em; width: 100%; padding: .6em; margin-top: .4em;
  border: 0; border-radius: 10px; background: #2f6f3e; color: #fff; }}
ol.chapters {{ list-style: none; padding: 0; margin: .4em 0; }}
.chapter {{ display: block; width: 100%; text-align: left; font: inherit; padding: .55em .6em;
  margin: 3px 0; border: 1px solid #ddd; border-radius: 8px; background: #fafafa; }}
.chapter.current {{ background: #e3f0e3; border-color: #7a7; font-weight: 600; }}
.now {{ background: #eef4fb; border-radius: 8px; padding: .5em .8em; margin: .5em 0; }}
.now h3 {{ margin: .2em 0; font-size: 1.05em; }}
.downloads a {{ margin-right: 1em; }}
</style>
</head>
<body>
<h1>{escape(title)}</h1>
<p class="note">Tap a routine's play button, then put the phone down: the coach says every step.
Tap an exercise to jump to it. Podcast app: subscribe to
<a href="{escape(base)}feed.xml">this feed</a>.</p>
<p class="note">{escape(disclaimer)}</p>
<main id="routines"></main>
<script type="application/json" id="data">{_data(routines)}</script>
<script>
"use strict";
const routines = JSON.parse(document.getElementById("data").textContent);
const main = document.getElementById("routines");
function add(parent, tag, text, cls) {{
  const el = document.createElement(tag);
  if (text !== undefined) el.textContent = text;
  if (cls) el.className = cls;
  parent.appendChild(el);
  return el;
}}
function clock(s) {{
  const m = Math.floor(s / 60), r = Math.floor(s % 60);
  return m + ":" + String(r).padStart(2, "0");
}}
for (const r of routines) {{
  const card = add(main, "section", undefined, "routine");
  card.dataset.routine = r.id;
  add(card, "h2", r.title);
  if (r.purpose) add(card, "p", r.purpose, "purpose");
  let meta = r.minutes + " min";
  meta += r.equipment.length ? " · you need: " + r.equipment.join(", ") : " · no equipment";
  if (r.helper) meta += " · with a helper";
  add(card, "p", meta, "meta");
  const play = add(card, "button", "▶ Play", "play");
  play.type = "button";
  const audio = add(card, "audio");
  audio.controls = true;
  audio.preload = "metadata";
  audio.src = r.id + ".mp3";
  play.addEventListener("click", () => audio.paused ? audio.play() : audio.pause());
  audio.addEventListener("play", () => {{ play.textContent = "❚❚ Pause"; }});
  audio.addEventListener("pause", () => {{ play.textContent = "▶ Play"; }});
  const now = add(card, "div", undefined, "now");
  const nowTitle = add(now, "h3", "", "now-title");
  const nowSteps = add(now, "ul", undefined, "now-steps");
  const list = add(card, "ol", undefined, "chapters");
  const buttons = r.parts.map((p, i) => {{
    const b = add(add(list, "li"), "button", clock(p.start) + "  " + p.title, "chapter");
    b.type = "button";
    b.dataset.start = p.start;
    b.addEventListener("click", () => {{
      audio.currentTime = p.start;
      show(i);
      audio.play();
    }});
    return b;
  }});
  let shown = -1;
  function show(i) {{
    if (i === shown) return;
    shown = i;
    buttons.forEach((b, j) => b.classList.toggle("current", j === i));
    nowTitle.textContent = r.parts[i].title;
    nowSteps.replaceChildren();
    for (const step of r.parts[i].steps) add(nowSteps, "li", step);
    card.dataset.current = i;
  }}
  audio.addEventListener("timeupdate", () => {{
    const t = audio.currentTime;
    let i = r.parts.findIndex(p => t >= p.start && t < p.end);
    if (i < 0) i = t >= r.seconds ? r.parts.length - 1 : 0;
    show(i);
  }});
  show(0);
  const links = add(card, "p", undefined, "downloads");
  const files = [["mp3", "Download MP3 (chapters)"], ["m4b", "Download M4B (Apple Books)"]];
  for (const [fmt, label] of files) {{
    const a = add(links, "a", label);
    a.href = r.id + "." + fmt;
    a.download = r.id + "." + fmt;
  }}
}}
</script>
</body>
</html>
""".encode()
