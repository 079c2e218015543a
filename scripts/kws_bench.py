#!/usr/bin/env python3
"""The keyword classifier (`voice_coach/listening/kws.py`) on the listening bench's material,
counted as `scripts/listening_bench.py` counts: each command by each voice once in each room
(caught: its action taken; wrong: another action taken), and false actions in 15 minutes of
other speech (the guide read aloud: the tuning voices read one half, the held-out the other).
Two more engines too (flite, festival): the people the training heard in them (`OTHER_TUNING`)
count as tuning, and two people it never heard plus a synthesis method it never heard
(`OTHER_HELD_OUT`) as held out; and people of other languages saying the commands with their
accent (festival's Czech and Catalan voices): three the training heard (`ACCENT_TUNING`), two it
never heard (`ACCENT_HELD_OUT`).

The threshold is chosen on tuning material only, before anything held out is looked at: the
lowest on a grid at which neither the kept sixth of the tuning speech (never trained on; in each
room at 10 dB) nor the tuning half's 15 minutes acts, and no tuning command is taken for
another, then two grid steps higher for safety. The tuning voices counting along in the four
rooms are shown beside it, not used: silencing them takes 0.95-0.99, where a tenth of the
commands are lost, and in a session a person counts along while the coach counts, which is
ignored unless the echo canceller is the microphone.

A second held-out set (`FRESH_HELD_OUT`, `FRESH_ACCENTS`: other espeak-ng variants, Italian and
Finnish accents) was made after the networks of one release were chosen on the first; both then
became validation for choosing the next, and a third set (`THIRD_HELD_OUT`, `THIRD_ACCENTS`:
espeak-ng families no training or set used, a Piper mix, Russian and Hindi accents) was fixed
before those were measured, for the report alone. `WIDE_TUNING` (32 more espeak-ng people) is
measured too: tuning material for networks trained with it (`--wide`), held out for the others.

Run: OPENBLAS_NUM_THREADS=1 PYTHONPATH=.:tests .venv/bin/python scripts/kws_bench.py [--wide]
"""

from __future__ import annotations

import argparse
import pickle
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from support import many_voices as mv
from support.listening_eval import ACTIONS

from voice_coach.listening.kws import WEIGHTS, Agreed, Decider, Spotter, decisions
from voice_coach.plan.spoken import number_words

GRID = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97, 0.98, 0.99, 0.995, 0.998, 0.999, 0.9995)
RUNS = 2
KWS = mv.CACHE.parent / "kws"


def looks(spotter: Spotter, pcm: bytes) -> np.ndarray:
    spotter.restart()
    return np.array(list(spotter.looks(pcm)))


def said_looks(spotter: Spotter, voices: tuple[mv.Voice, ...]) -> list:
    """Each command by each voice once in each room, with every look's probabilities."""
    return [
        (s.phrase, s.noise, s.voice, s.end, looks(spotter, s.pcm)) for s in mv.commands(voices, 4)
    ]


def measure(spotter: Spotter) -> dict[str, object]:
    """Every look's probabilities on every piece of material (the slow part, done once)."""
    out: dict[str, object] = {}
    for name, voices, half in (("tuning", mv.TUNING, 0), ("held-out", mv.HELD_OUT, 1)):
        out[f"{name} commands"] = said_looks(spotter, voices)
        out[f"{name} speech"] = looks(spotter, mv.other_speech(voices, 15, half))
        print("measured", name, flush=True)
    for name, voices in (
        ("other tuning", mv.OTHER_TUNING),
        ("other held-out", mv.OTHER_HELD_OUT),
        ("accent tuning", mv.ACCENT_TUNING),
        ("accent held-out", mv.ACCENT_HELD_OUT),
    ):
        out[f"{name} commands"] = said_looks(spotter, voices)
    out["tuning counting"] = [
        looks(spotter, room) for room in counting_along(TUNING_VOICES, 85_000)
    ]
    print("measured counting", flush=True)
    pcm = kept_pcm()
    kept = np.frombuffer(pcm, dtype="<i2")
    out["kept speech"] = [
        looks(spotter, mv.in_room(pcm, kind, 800_000 + n)) for n, kind in enumerate(mv.NOISES)
    ]
    out["kept minutes"] = len(kept) / 16000 / 60 * 4
    return out


def kept_pcm() -> bytes:
    """The kept sixth of the tuning texts (never trained on), read by the tuning voices, half a
    second apart: as kws_data.py keeps it in data.npz, made again where that is not here."""
    if (KWS / "data.npz").exists():
        return np.load(KWS / "data.npz")["val_speech_pcm"].astype("<i2").tobytes()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import kws_data

    kept = [mv.spoken(v, t) for v, t, i in kws_data.speech_pieces() if i % 6 == 0]
    return b"".join(p + bytes(16000) for p in kept)


TUNING_VOICES = (*mv.TUNING, *mv.OTHER_TUNING, *mv.ACCENT_TUNING)
COUNTING = [
    f"{number_words(n).capitalize()}, {'left' if n % 2 else 'right'}." for n in range(1, 21)
] + [f"{number_words(n).capitalize()}." for n in range(1, 21)]
"""A person counting along with the coach: "One, left.", "Two, right." ... "Twenty."."""


def counting_along(voices: tuple[mv.Voice, ...], seed: int) -> Iterator[bytes]:
    """Each voice counting to twenty twice, in each room (10 dB) in turn."""
    for voice in voices:
        pcm = b"".join(mv.spoken(voice, t) + bytes(16000) for t in COUNTING)
        for r, noise in enumerate(mv.NOISES):
            yield mv.in_room(pcm, noise, seed + r)


LATER = (
    ("fresh", "second held-out set", mv.FRESH_HELD_OUT, mv.FRESH_ACCENTS, 11),
    ("third", "third held-out set", mv.THIRD_HELD_OUT, mv.THIRD_ACCENTS, 13),
)
"""Held-out sets made after networks had been chosen on the ones before: key, title, voices,
accented voices, the seed of their other speech."""


def measure_later(spotter: Spotter, m: dict[str, object]) -> bool:
    """The material made after the first looks were kept (`WIDE_TUNING`'s commands and the
    `LATER` sets): added to kept looks that lack it; True if anything was added."""
    added = "wide tuning commands" not in m
    if added:
        m["wide tuning commands"] = said_looks(spotter, mv.WIDE_TUNING)
    for key, title, voices, accents, seed in LATER:
        if f"{key} commands" in m:
            continue
        m[f"{key} commands"] = said_looks(spotter, voices)
        m[f"{key} accent commands"] = said_looks(spotter, accents)
        m[f"{key} speech"] = looks(spotter, mv.other_speech(voices, 15, 1, seed=seed))
        print("measured the", title, flush=True)
        added = True
    return added


def tally(items: list, threshold: float) -> dict[str, list[int]]:
    rows: dict[str, list[int]] = {}
    for phrase, noise, _voice, _end, probs in items:
        acts = [s.action for s in decisions(probs, Decider(threshold, RUNS))]
        want = ACTIONS[f"coach {phrase}"]
        for key in (noise, "all"):
            row = rows.setdefault(key, [0, 0, 0])
            row[0] += 1
            row[1] += want in acts
            row[2] += any(a != want for a in acts)
    return rows


def false_actions(probs: np.ndarray, threshold: float) -> int:
    return len(decisions(probs, Decider(threshold, RUNS))) if len(probs) else 0


def delays(items: list, threshold: float) -> list[float]:
    """From the end of the command's words to the look that acted (s), for those caught."""
    out = []
    for phrase, _noise, _voice, end, probs in items:
        want = ACTIONS[f"coach {phrase}"]
        for s in decisions(probs, Decider(threshold, RUNS)):
            if s.action == want:
                # look n sees the sound up to sample (n + 1) * 10 frames * 160
                out.append(((s.look + 1) * 1600 - end) / 16000)
                break
    return out


def tuning_commands(m: dict[str, object], wide: bool) -> list:
    """Every command said by a voice the training heard (looks cached before the other
    engines have none of theirs); `wide`: the networks were trained with `WIDE_TUNING`, so
    its commands are tuning material too."""
    return [
        *m["tuning commands"],  # type: ignore[misc]
        *m.get("other tuning commands", []),  # type: ignore[misc]
        *m.get("accent tuning commands", []),  # type: ignore[misc]
        *(m["wide tuning commands"] if wide else []),  # type: ignore[misc]
    ]


def choose(m: dict[str, object], wide: bool) -> float:
    for i, t in enumerate(GRID):
        kept = sum(false_actions(p, t) for p in m["kept speech"])  # type: ignore[union-attr]
        half = false_actions(m["tuning speech"], t)  # type: ignore[arg-type]
        wrong = tally(tuning_commands(m, wide), t)["all"][2]
        counted = sum(false_actions(p, t) for p in m.get("tuning counting", []))  # type: ignore[attr-defined]
        print(
            f"  tuning: threshold {t}: kept speech {kept}, tuning half {half}, wrong {wrong}, "
            f"counting along {counted}"
        )
        if kept == 0 and half == 0 and wrong == 0:
            return GRID[min(i + 2, len(GRID) - 1)]
    return GRID[-1]


def cpu(spotter: Spotter, seconds: int = 60) -> float:
    """Process time per second of sound, fed 20 ms at a time as the microphone gives it."""
    pcm = b"".join(s.pcm for s, _ in zip(mv.commands(mv.HELD_OUT[:2], 4), range(20), strict=False))
    pcm = (pcm * 10)[: seconds * 16000 * 2]
    spotter.restart()
    began = time.process_time()
    for at in range(0, len(pcm), 640):
        list(spotter.feed(pcm[at : at + 640]))
    return (time.process_time() - began) / (len(pcm) / 32000)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--again", action="store_true", help="measure again (else kept looks)")
    parser.add_argument(
        "--weights", type=Path, nargs="+", default=list(WEIGHTS), help="networks that must agree"
    )
    parser.add_argument(
        "--wide", action="store_true", help="the networks were trained with WIDE_TUNING"
    )
    args = parser.parse_args()
    spotter = Spotter(network=Agreed(tuple(args.weights)))
    stamp = "-".join(str(w.stat().st_mtime_ns) for w in args.weights)
    path = KWS / f"looks-{stamp}.pkl"
    if path.exists() and not args.again:
        m = pickle.loads(path.read_bytes())
    else:
        m = measure(spotter)
        path.write_bytes(pickle.dumps(m))
    if measure_later(spotter, m):
        path.write_bytes(pickle.dumps(m))
    for weights in args.weights:
        print(f"weights {weights} {weights.stat().st_size} bytes")
    threshold = choose(m, args.wide)
    print(f"chosen on tuning material only: threshold {threshold}, {RUNS} looks running\n")
    tuned = tally(m["tuning commands"], threshold)  # type: ignore[arg-type]
    held = tally(m["held-out commands"], threshold)  # type: ignore[arg-type]
    print("| room | tuning voices: caught | wrong | held-out voices: caught | wrong |")
    print("| --- | ---: | ---: | ---: | ---: |")
    rows = [(room, tuned[room], held[room]) for room in (*mv.NOISES, "all")]
    for kind, title in (("other", "flite and festival"), ("accent", "Czech and Catalan accents")):
        if f"{kind} tuning commands" in m:
            t = tally(m[f"{kind} tuning commands"], threshold)["all"]  # type: ignore[arg-type]
            h = tally(m[f"{kind} held-out commands"], threshold)["all"]  # type: ignore[arg-type]
            rows.append((f"{title}, all rooms", t, h))
    wide = tally(m["wide tuning commands"], threshold)["all"]  # type: ignore[arg-type]
    rows.append(
        (
            "more espeak-ng people (WIDE_TUNING), all rooms",
            *((wide, None) if args.wide else (None, wide)),
        )
    )
    for key, title, _voices, accents, _seed in LATER:
        h = tally(m[f"{key} commands"], threshold)["all"]  # type: ignore[arg-type]
        rows.append((f"{title}, all rooms", None, h))
        h = tally(m[f"{key} accent commands"], threshold)["all"]  # type: ignore[arg-type]
        rows.append((f"{title}: {' and '.join(v.name for v in accents)}", None, h))
    for name, t, h in rows:
        tuning = f"{t[1]}/{t[0]} ({t[1] / t[0]:.0%}) | {t[2]}" if t else "- | -"
        held = f"{h[1]}/{h[0]} ({h[1] / h[0]:.0%}) | {h[2]}" if h else "- | -"
        print(f"| {name} | {tuning} | {held} |")
    print()
    for name in ("tuning", "held-out", *(key for key, *_ in LATER)):
        n = false_actions(m[f"{name} speech"], threshold)  # type: ignore[arg-type]
        print(f"false actions, {name} voices' other speech (15 min): {n}")
    kept = sum(false_actions(p, threshold) for p in m["kept speech"])  # type: ignore[union-attr]
    print(f"false actions, kept tuning texts ({m['kept minutes']:.1f} min): {kept}")
    if "tuning counting" in m:
        counted = sum(false_actions(p, threshold) for p in m["tuning counting"])  # type: ignore[attr-defined]
        print(f"false actions, tuning voices counting along in the rooms: {counted}")
    d = delays(m["held-out commands"], threshold)  # type: ignore[arg-type]
    print(
        f"held-out: words' end -> action: median {1000 * np.median(d):.0f} ms, "
        f"90% {1000 * np.percentile(d, 90):.0f} ms, worst {1000 * max(d):.0f} ms"
    )
    print("\nper voice (held-out):")
    held_out = [
        *m["held-out commands"],  # type: ignore[misc]
        *m.get("other held-out commands", []),  # type: ignore[misc]
        *m.get("accent held-out commands", []),  # type: ignore[misc]
        *(i for key, *_ in LATER for k in ("", " accent") for i in m[f"{key}{k} commands"]),  # type: ignore[attr-defined]
    ]
    voices = (*mv.HELD_OUT, *mv.OTHER_HELD_OUT, *mv.ACCENT_HELD_OUT)
    for voice in (*voices, *(v for _k, _t, vs, accents, _s in LATER for v in (*vs, *accents))):
        items = [i for i in held_out if i[2] == voice.name]
        if not items:
            continue
        r = tally(items, threshold)["all"]
        print(f"  {voice.name}: {r[1]}/{r[0]} caught, {r[2]} wrong")
    print("\nafter the fact (NOT for choosing): held-out at other thresholds")
    for t in GRID:
        h = tally(m["held-out commands"], t)["all"]  # type: ignore[arg-type]
        tt = tally(tuning_commands(m, args.wide), t)["all"]
        fa = false_actions(m["held-out speech"], t)  # type: ignore[arg-type]
        print(
            f"  {t}: tuning {tt[1]}/{tt[0]} wrong {tt[2]}; held-out {h[1]}/{h[0]} wrong {h[2]}, "
            f"false actions {fa}"
        )
    print(f"\nCPU: {cpu(spotter):.3f} s per second of sound (one thread)")


if __name__ == "__main__":
    main()
