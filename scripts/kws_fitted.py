#!/usr/bin/env python3
"""The voice fit (`listen-test --calibrate` hearing a person's answers again with the voice moved
across the bands, `kws.FITS`): for every voice in each room, the real calibration, with and
without the fit, then the bench's commands in that room judged as `play --listen` would at what
each stored. kws_calibrated.py's material, sayings and rooms; its ceiling (0.95).

The fit's range was chosen on tuning speech alone (kws.FITS); the rule that picks a fit (most
answers obeyed, then the lower sensitivity, then the smaller move) was written before any of
this was measured. The idea was tried first on the first two held-out sets' commands (every
look moved by each fit): they are validation here; the third set is the report.

Run: OPENBLAS_NUM_THREADS=1 PYTHONPATH=.:tests .venv/bin/python scripts/kws_fitted.py [--sets N ...]
(about 40 minutes; kept in audio_cache/kws/fitted.pkl)
"""

from __future__ import annotations

import argparse
import pickle
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from kws_bench import counting_along
from kws_calibrated import SETS, Row, actions, calibrated, judged, looks_of
from support import many_voices as mv

from voice_coach.listening import calibration
from voice_coach.listening.classifier import SCALE, WAKE_WORD
from voice_coach.listening.kws import FITS, Spotter
from voice_coach.listening.trial import hearing

KEPT = mv.CACHE.parent / "kws" / "fitted.pkl"
CEILING = SCALE.ceiling


def measure(title: str, voices: tuple[mv.Voice, ...]) -> list:
    """Per voice and room: the calibration without the fit, the one with it, and the room's
    commands' looks at fit 0 and at the fit chosen."""
    rows = []
    spotters = {fit: Spotter(fit=fit) for fit in FITS}
    for voice in voices:
        items = list(mv.commands((voice,), 4))
        for room, noise in enumerate(mv.NOISES):
            plain = calibrated(voice, room)
            fitted = calibration.best_fit(plain, lambda fit: hearing(WAKE_WORD, fit), FITS)
            fitted.sound = plain.sound = {}
            here = []
            for s in items:
                if s.noise != noise:
                    continue
                base = looks_of(spotters[0], s.pcm)
                moved = base if fitted.fit == 0 else looks_of(spotters[fitted.fit], s.pcm)
                here.append((s.phrase, base, moved))
            rows.append((voice.name, room, plain, fitted, here))
    print("measured", title, flush=True)
    return rows


def report(m: dict[str, list]) -> None:
    print(
        "| voices | calibrated: obeyed | wrong | asked again | fitted: obeyed | wrong | asked "
        "again | fits chosen (rooms) |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for title, _voices in SETS:
        if title not in m:
            continue
        rows = m[title]
        plain_row, fitted_row = Row(), Row()
        fits: dict[int, int] = {}
        for name, _room, plain, fitted, here in rows:
            fits[fitted.fit] = fits.get(fitted.fit, 0) + 1
            s_plain = plain.sensitivity(0.5, CEILING) or 0.5
            s_fit = fitted.sensitivity(0.5, CEILING) or 0.5
            for phrase, base, moved in here:
                plain_row.add(phrase, name, judged(base, s_plain))
                fitted_row.add(phrase, name, judged(moved, s_fit))
        chosen = ", ".join(f"{k:+d}: {v}" for k, v in sorted(fits.items()))
        print(f"| {title} | {plain_row.cell()} | {fitted_row.cell()} | {chosen} |", flush=True)
        for w in fitted_row.wrongs:
            print("    fitted, taken for another:", w)
    for key in COUNTING:
        if key in m:
            for at in (0.5, CEILING):
                cells = by_fit(
                    m[key], lambda rooms, at=at: str(sum(actions(r, at)[0] for r in rooms))
                )
                print(f"{key}, actions at sensitivity {at}: {cells}")
    for key in _speech():
        if key in m:
            for at in (0.5, CEILING):
                cells = by_fit(m[key], lambda looks, at=at: "/".join(map(str, actions(looks, at))))
                print(f"{key} at sensitivity {at} (actions/say-again): {cells}")


def by_fit(measured: object, cell: object) -> str:
    """One cell per fit measured: "fit -2: ..., fit -1: ..." (`cell` makes each)."""
    return ", ".join(
        f"fit {fit:+d}: {cell(looks)}"  # type: ignore[operator]
        for fit, looks in sorted(measured.items())  # type: ignore[attr-defined]
    )


GRID = (-2, -1, 0, 1, 2)
"""The fits considered, two bands either way (set before anything was measured)."""
TUNING_SPEECH = ("speech tuning half", "speech kept", "speech wide")


def _speech() -> dict[str, object]:
    from kws_calibrated import PEOPLE, kept_speech

    return {
        "speech tuning half": lambda: mv.other_speech(mv.TUNING, 15, 0),
        "speech kept": kept_speech,
        "speech wide": lambda: mv.other_speech(mv.WIDE_TUNING, 15, 0, seed=15),
        "speech first": lambda: mv.other_speech(mv.HELD_OUT, 15, 1, seed=7),
        "speech third": lambda: mv.other_speech(mv.THIRD_HELD_OUT, 15, 1, seed=13),
        "speech people": lambda: mv.other_speech(PEOPLE, 15, 1, seed=17),
    }


COUNTING = {
    "counting held-out": (*mv.HELD_OUT, *mv.OTHER_HELD_OUT),
    "counting accents": mv.ACCENT_HELD_OUT,
    "counting third": (*mv.THIRD_HELD_OUT, *mv.THIRD_ACCENTS),
}
"""People counting along in each room, as kws_extra.py (its seed): held out, all of them."""


def choose_fits(m: dict[str, list]) -> tuple[int, ...]:
    """The rule for the range, on tuning material alone: the fits on GRID at which neither the
    tuning half's 15 minutes, the kept tuning texts nor the WIDE_TUNING voices reading set off an
    action at the calibration's ceiling (kws_calibrated.py's speech for its ceiling)."""
    return tuple(
        fit
        for fit in GRID
        if not any(actions(m[key][fit], CEILING)[0] for key in TUNING_SPEECH)  # type: ignore[call-overload]
    )


def main() -> None:
    global KEPT
    parser = argparse.ArgumentParser()
    parser.add_argument("--sets", type=int, nargs="*", help="SETS by index (default: all)")
    parser.add_argument("--speech", action="store_true", help="other speech at each fit too")
    parser.add_argument(
        "--counting", action="store_true", help="held-out people counting along, at each fit"
    )
    parser.add_argument(
        "--kept", type=Path, nargs="+", default=[KEPT], help="measure into the first; read all"
    )
    args = parser.parse_args()
    m: dict[str, list] = {}
    for path in reversed(args.kept):
        m.update(pickle.loads(path.read_bytes()) if path.exists() else {})
    KEPT = args.kept[0]
    for index in args.sets if args.sets is not None else range(len(SETS)):
        title, voices = SETS[index]
        if title not in m:
            m[title] = measure(title, voices)
            KEPT.parent.mkdir(parents=True, exist_ok=True)
            KEPT.write_bytes(pickle.dumps(m))
    if args.speech:
        for key, make in _speech().items():
            looks = m.setdefault(key, {})  # type: ignore[arg-type]
            missing = [fit for fit in GRID if fit not in looks]  # type: ignore[operator]
            if missing:
                pcm = make()
                for fit in missing:
                    looks[fit] = looks_of(Spotter(fit=fit), pcm)  # type: ignore[index]
                KEPT.write_bytes(pickle.dumps(m))
                print("measured", key, flush=True)
        print(f"fits chosen on tuning speech alone: {choose_fits(m)} (kws.FITS: {FITS})")
    if args.counting:
        for key, voices in COUNTING.items():
            looks = m.setdefault(key, {})  # type: ignore[arg-type]
            for fit in [fit for fit in GRID if fit not in looks]:  # type: ignore[operator]
                spotter = Spotter(fit=fit)
                looks[fit] = [looks_of(spotter, room) for room in counting_along(voices, 95_000)]  # type: ignore[index]
                KEPT.write_bytes(pickle.dumps(m))
            print("measured", key, flush=True)
    report(m)


if __name__ == "__main__":
    main()
