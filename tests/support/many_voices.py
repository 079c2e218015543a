"""Many voices and rooms for the spoken commands, split in two: voices to tune on, and voices
held out that the tuning never hears, so that a rule fitting only its own voices shows up.

A voice is an engine (espeak-ng with one of its dialects and variants, at a rate and a pitch;
Piper's one voice with its length and noise scales varied; flite's and festival's voices made
from people's recordings, festival's Czech, Catalan, Italian and Finnish ones saying the English
words with their accent) and what sox does to it after (a
pitch and formant shift, a tempo change, a second person's distance: 10 dB softer with a small
room's reverberation). A room is a noise at 10 dB below the voice: pink noise, a fan (a low hum
and its harmonics over brown noise), a TV or radio speaking (another voice reading the guide),
a kitchen (running water and the clatter of dishes).

Everything is made once and kept in `audio_cache/listening-bench/` (git-ignored): later bench
runs read it. 16 kHz mono s16le, the recogniser's rate.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import subprocess
import tempfile
import wave
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from support.spoken_commands import pink, speech_power, to_16k
from voice_coach.listening.commands import PHRASES
from voice_coach.listening.microphone import RATE

CACHE = Path(__file__).resolve().parents[2] / "audio_cache" / "listening-bench"
SNR_DB = 10.0
NOISES = ("pink", "fan", "tv", "kitchen")


@dataclass(frozen=True)
class Voice:
    """One speaker: an engine's settings and what the room does to its sound."""

    name: str
    engine: str
    """"espeak", "piper", "flite" or "festival" (for these two `variant` is the voice's name;
    flite's durations are stretched by `length`)."""
    dialect: str = "en-us"
    variant: str = ""
    rate: int = 160
    pitch: int = 50
    length: float = 1.0
    noise: float = 0.667
    noise_w: float = 0.8
    sox: tuple[str, ...] = ()
    """sox effects after synthesis ("pitch 300", "tempo 0.9", "reverb 40 50 30")."""
    distance: bool = False
    """A second person's distance: 10 dB softer, with a small room's reverberation."""


def espeak(
    name: str, dialect: str, variant: str, rate: int, pitch: int = 50, **kw: object
) -> Voice:
    return Voice(name, "espeak", dialect, variant, rate, pitch, **kw)  # type: ignore[arg-type]


def piper(
    name: str, length: float, noise: float = 0.667, noise_w: float = 0.8, **kw: object
) -> Voice:
    return Voice(name, "piper", length=length, noise=noise, noise_w=noise_w, **kw)  # type: ignore[arg-type]


TUNING = (
    piper("piper natural", 1.0),
    piper("piper brisk", 0.84),
    espeak("espeak en-us 150", "en-us", "", 150),
    espeak("espeak en-us 190", "en-us", "", 190),
    espeak("espeak rp m3 170", "en-gb-x-rp", "m3", 170),
    espeak("espeak en-us f2 160 high", "en-us", "f2", 160, 70),
    espeak("espeak caribbean m5 140", "en-029", "m5", 140, 40),
    espeak("espeak scotland f4 175", "en-gb-scotland", "f4", 175),
    piper("piper slow lively", 1.2, 0.9, 1.0),
    piper("piper lower", 1.0, sox=("pitch -300",)),
    espeak("espeak nyc Mike 165 slowed", "en-us-nyc", "Mike", 165, sox=("tempo 0.85",)),
    espeak("espeak Andy 160 far", "en", "Andy", 160, distance=True),
)
"""The limits and the confidence model are fitted on these voices only."""

HELD_OUT = (
    espeak("espeak en-gb f3 155", "en-gb", "f3", 155),
    espeak("espeak en-us Alicia 170", "en-us", "Alicia", 170, 60),
    espeak("espeak lancaster m2 180", "en-gb-x-gbclan", "m2", 180),
    espeak("espeak midlands f5 150", "en-gb-x-gbcwmd", "f5", 150),
    espeak("espeak en-us Linda 160 high", "en-us", "Linda", 160, 75),
    espeak("espeak caribbean Gene 175", "en-029", "Gene", 175, 35),
    espeak("espeak grandpa 135", "en-us", "grandpa", 135),
    espeak("espeak f1 higher far", "en-us", "f1", 165, sox=("pitch 200",), distance=True),
    piper("piper higher brisk", 0.9, 0.3, 1.2, sox=("pitch 250",)),
    piper("piper far", 1.1, distance=True),
    piper("piper warped", 1.0, 0.8, 0.6, sox=("speed 1.08",)),
    espeak("espeak rp Steph 150 warped", "en-gb-x-rp", "Steph", 150, sox=("speed 0.93",)),
)
"""Never used in tuning: other dialects and variants, other sox shifts, other scales."""


def flite(name: str, voice: str, length: float = 1.0, **kw: object) -> Voice:
    return Voice(name, "flite", variant=voice, length=length, **kw)  # type: ignore[arg-type]


def festival(name: str, voice: str, **kw: object) -> Voice:
    return Voice(name, "festival", variant=voice, **kw)  # type: ignore[arg-type]


OTHER_TUNING = (
    flite("flite awb", "awb"),
    flite("flite awb slow", "awb", 1.2),
    flite("flite rms", "rms"),
    flite("flite rms brisk", "rms", 0.85, sox=("pitch 150",)),
    flite("flite kal16", "kal16"),
    festival("festival kal", "kal_diphone"),
    festival("festival kal slow lower", "kal_diphone", sox=("tempo 0.87", "pitch -200")),
)
"""Two more engines (flite, festival) and three more people (awb, rms, kal) for the keyword
classifier's training only: its threshold is still chosen on tuning material alone."""

OTHER_HELD_OUT = (
    flite("flite slt", "slt"),
    flite("flite slt brisk", "slt", 0.85),
    festival("festival ked", "ked_diphone"),
    festival("festival ked slow", "ked_diphone", sox=("tempo 0.83",)),
    festival("festival slt hts", "cmu_us_slt_arctic_hts"),
)
"""Two people no training heard (slt, ked), and one synthesis method it never heard (HTS)."""


def accented(name: str, voice: str, accent: str, **kw: object) -> Voice:
    """A festival voice of another language saying the English words as its speakers would:
    each word spelled for that language's letters (`ACCENTS`), so the person's own recordings
    say the commands with their accent."""
    return Voice(name, "festival", dialect=accent, variant=voice, **kw)  # type: ignore[arg-type]


ACCENT_TUNING = (
    accented("czech dita", "czech_dita", "czech"),
    accented("czech machac", "czech_machac", "czech"),
    accented("catalan ona hts", "upc_ca_ona_hts", "catalan"),
    accented("catalan ona hts brisk", "upc_ca_ona_hts", "catalan", sox=("tempo 1.12",)),
)
"""Three more people, two of them women (dita, ona: no woman's natural voice was in training
before), each with an accent: for the keyword classifier's training only."""

ACCENT_HELD_OUT = (
    accented("czech krb (a boy)", "czech_krb", "czech"),
    accented("czech ph", "czech_ph", "czech"),
)
"""Two more people no training heard, with a Czech accent: a boy and a man."""

FRESH_HELD_OUT = (
    espeak("espeak en-us Annie 165", "en-us", "Annie", 165),
    espeak("espeak en-gb belinda 160", "en-gb", "belinda", 160),
    espeak("espeak en-us aunty 150", "en-us", "aunty", 150),
    espeak("espeak rp edward 170", "en-gb-x-rp", "edward", 170),
    espeak("espeak en-us benjamin 175", "en-us", "benjamin", 175),
    espeak("espeak caribbean anika 160", "en-029", "anika", 160, 60),
    espeak("espeak nyc shelby 155", "en-us-nyc", "shelby", 155),
    espeak("espeak en-gb m6 180 far", "en-gb", "m6", 180, distance=True),
    piper("piper lower brisk", 0.9, 0.5, 0.9, sox=("pitch -150",)),
)
"""A second held-out set, made after the classifier was chosen on the first: its report only."""

FRESH_ACCENTS = (
    accented("italian lp", "lp_diphone", "italian"),
    accented("italian pc", "pc_diphone", "italian"),
    accented("finnish lj", "suo_fi_lj_diphone", "finnish"),
    accented("finnish mv", "hy_fi_mv_diphone", "finnish"),
)
"""Two more accents no training heard, a woman and a man each: the second held-out set too."""

_WIDE_VARIANTS = (
    "Alex AnxiousAndy Denis Jacky Lee Marco Mario Michael Nguyen RicishayMax Tweaky announcer "
    "antonio boris david ed gustave john kaukovalta m4 m7 m8 marcelo max norbert pablo paul "
    "pedro sandro victor Andrea zac"
)
WIDE_TUNING = tuple(
    espeak(f"espeak {dialect} {variant} {rate}", dialect, variant, rate, pitch)
    for n, variant in enumerate(_WIDE_VARIANTS.split())
    for dialect, rate, pitch in [
        (
            (
                "en-us",
                "en-gb",
                "en-gb-x-rp",
                "en-029",
                "en-gb-scotland",
                "en-gb-x-gbclan",
                "en-gb-x-gbcwmd",
                "en-us-nyc",
            )[n % 8],
            135 + 9 * (n % 7),
            35 + 7 * (n % 6),
        )
    ]
)
"""More people for the keyword classifier's training only: every espeak-ng variant no held-out
set uses and none close to one that does (Gene2, linda, steph2-3, edward2, adam, croak and
anikaRobot are left out, and the third set's families whole), each in a dialect, rate and
pitch of its own."""

THIRD_HELD_OUT = (
    espeak("espeak scotland Storm 160", "en-gb-scotland", "Storm", 160),
    espeak("espeak en-us iven3 170", "en-us", "iven3", 170),
    espeak("espeak caribbean Diogo 150", "en-029", "Diogo", 150),
    espeak("espeak nyc travis 180", "en-us-nyc", "travis", 180),
    espeak("espeak rp quincy 145", "en-gb-x-rp", "quincy", 145),
    espeak("espeak lancaster grandma 140", "en-gb-x-gbclan", "grandma", 140, 65),
    piper("piper slower higher", 1.15, 0.8, 0.7, sox=("pitch 120",)),
)
"""A third held-out set, fixed before the networks trained with `WIDE_TUNING` were measured
(the first two had been used to choose): its report only."""

THIRD_ACCENTS = (
    accented("russian nsh", "msu_ru_nsh_clunits", "russian"),
    accented("hindi nsk", "hindi_NSK_diphone", "hindi"),
)
"""Two more accents no training heard (two men): the third held-out set too."""

_WORDS = (
    "coach pause wait go on resume next skip back repeat stop how long hello thank you okay what "
    "time is it good morning that hurts i am tired listen one more louder over to the start need "
    "now a moment this please then music two three four five six seven eight nine ten eleven "
    "twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty left right"
)
ACCENTS: dict[str, dict[str, str]] = {
    accent: dict(zip(_WORDS.split(), spelled.split(), strict=True))
    for accent, spelled in {
        "czech": "kouč póz uejt gou on rizjúm nekst skip bek ripít stop hau long helou senk jú "
        "oukej uot tajm iz it gud mórnyng det hérts aj em tajrd lisn uan mór laudr ouvr tu d start "
        "nýd nau e moument dys plíz den mjúzik tú srí for fajv siks sevn ejt najn ten ilevn tuelv "
        "sértýn fortýn fiftýn sikstýn sevntýn ejtýn najntýn tuenty left rajt",
        "catalan": "coutx pòs uèit gou on risium nècst squip bac ripit stop hau long helou tenc iu "
        "oquei uat taim is it gud morning dat herts ai em taierd lisen uan mor lauder ouver tu de "
        "start nid nau e moument dis plis den miúsic tu tri for faiv sics séven eit nain ten "
        "ilèven tuelv tertín fortín fiftín sicstín seventín eitín naintín tuenti left rait",
        "italian": "còuci pòs uèit gou on risiùm nècst schip bèc ripìt stop àu long ellòu tènc iù "
        "ochèi uòt tàim is it gud mòrning dèt èrts ài èm tàierd lìsen uàn mòr làuder òuver tu de "
        "stàrt nìd nàu e mòument dis plìs den miùsic tu tri fòr fàiv sics sèven èit nàin ten "
        "ilèven tuèlv tertìn fortìn fiftìn sicstìn seventìn eitìn naintìn tuènti left ràit",
        "finnish": "kouts poos ueit gou on risjuum nekst skip bäk ripiit stop hau long helou tenk "
        "juu oukei uot taim is it gud mooning dät höörts ai äm taierd lisen uan moor lauder ouver "
        "tu de start niid nau e moument dis pliis den mjuusik tuu trii foor faiv siks seven eit "
        "nain ten ileven tuelv töötiin foortiin fiftiin sikstiin seventiin eitiin naintiin tuenti "
        "left rait",
        "russian": "коуч поз уэйт гоу он ризьюм некст скип бэк рипит стоп хау лонг хэлоу сэнк ю "  # noqa: RUF001
        "окей уот тайм из ит гуд морнинг зэт хёртс ай эм тайед лисн уан мор лаудер оувер ту зэ "
        "старт нид нау э моумент зис плиз зэн мьюзик ту сри фор файв сикс севн эйт найн тен "
        "илевн твелв сёртин фортин фифтин сикстин севнтин эйтин найнтин твенти лефт райт",
        # no nukta: the Hindi voice cannot say it, and many speakers say "j" and "ph" there
        "hindi": "कोच पॉज वेट गो ऑन रिज्यूम नेक्स्ट स्किप बैक रिपीट स्टॉप हाउ लॉन्ग हेलो थैंक यू "
        "ओके व्हाट टाइम इज इट गुड मॉर्निंग दैट हर्ट्स आई ऍम टायर्ड लिसन वन मोर लाउडर ओवर टू द "
        "स्टार्ट नीड नाउ अ मोमेंट दिस प्लीज दैन म्यूजिक टू थ्री फोर फाइव सिक्स सेवन एट नाइन "
        "टेन इलेवन ट्वेल्व थर्टीन फोर्टीन फिफ्टीन सिक्सटीन सेवनटीन एटीन नाइनटीन ट्वेंटी "
        "लेफ्ट राइट",
    }.items()
}
"""The English words of the commands, the phrases that are not commands and the counting, as a
Czech, Catalan, Italian, Finnish, Russian or Hindi reader would spell them to say them in English; a text with any other word is
read as it is, in the voice's own language (someone speaking it in the room)."""


def respelled(text: str, accent: str) -> str:
    """`text` spelled for `accent`'s letters, if every word of it has a spelling."""
    spelling = ACCENTS.get(accent)
    if not spelling:
        return text
    words = re.findall(r"[A-Za-z]+|[^A-Za-z]+", text)
    if any(w.isalpha() and w.lower() not in spelling for w in words):
        return text
    out = [spelling.get(w.lower(), w) for w in words]
    return "".join(
        o.capitalize() if w[:1].isupper() else o for o, w in zip(out, words, strict=True)
    )


def _espeak(voice: Voice, text: str) -> bytes:
    name = voice.dialect + (f"+{voice.variant}" if voice.variant else "")
    done = subprocess.run(
        ["espeak-ng", "-v", name, "-s", str(voice.rate), "-p", str(voice.pitch), "--stdout", text],
        capture_output=True,
        check=True,
    )
    return _wav_16k(done.stdout)


_PIPER: list[object] = []


def _piper(voice: Voice, text: str) -> bytes:
    from piper import SynthesisConfig

    if not _PIPER:
        from voice_coach.speech.selection import make_engine

        _PIPER.append(make_engine("piper")._voice())  # type: ignore[attr-defined]
    config = SynthesisConfig(
        length_scale=voice.length, noise_scale=voice.noise, noise_w_scale=voice.noise_w
    )
    chunks = list(_PIPER[0].synthesize(text, syn_config=config))  # type: ignore[attr-defined]
    return to_16k(b"".join(c.audio_int16_bytes for c in chunks), chunks[0].sample_rate)


def _flite(voice: Voice, text: str) -> bytes:
    stretch = ["--setf", f"duration_stretch={voice.length}"]
    return _to_file(["flite", "-voice", voice.variant, *stretch, "-t", text, "-o"])


def _festival(voice: Voice, text: str) -> bytes:
    charset = {"czech": "iso-8859-2", "russian": "utf-8", "hindi": "utf-8"}.get(
        voice.dialect, "iso-8859-1"
    )
    if voice.dialect not in ACCENTS:
        charset = "utf-8"  # festival's own English voices, as before
    said = respelled(text, voice.dialect).encode(charset, errors="replace")
    return _to_file(["text2wave", "-eval", f"(voice_{voice.variant})", "-o"], said)


def _to_file(command: list[str], text: bytes = b"") -> bytes:
    """What an engine that writes a WAV file (its name last on `command`) says, at 16 kHz;
    `text` on its standard input."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "out.wav"
        subprocess.run([*command, str(path)], input=text, check=True, capture_output=True)
        return _wav_16k(path.read_bytes())


def _wav_16k(data: bytes) -> bytes:
    with wave.open(io.BytesIO(data)) as wav:
        return to_16k(wav.readframes(wav.getnframes()), wav.getframerate())


def _sox(pcm: bytes, effects: list[str]) -> bytes:
    raw = ["-t", "raw", "-r", str(RATE), "-e", "signed", "-b", "16", "-c", "1"]
    done = subprocess.run(
        ["sox", *raw, "-", *raw, "-", *" ".join(effects).split()],
        input=pcm,
        capture_output=True,
        check=True,
    )
    return done.stdout


def say(voice: Voice, text: str) -> bytes:
    """`text` in `voice`, as the microphone hears it (without the room's noise)."""
    make = {"piper": _piper, "flite": _flite, "festival": _festival}.get(voice.engine, _espeak)
    pcm = make(voice, text)
    effects = list(voice.sox)
    if voice.distance:
        effects += ["reverb 35 50 40 100 10", "vol -10dB"]
    return _sox(pcm, effects) if effects else pcm


def _cached(key: str, make: object) -> bytes:
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / (hashlib.sha1(key.encode()).hexdigest()[:16] + ".raw")
    if path.exists():
        return path.read_bytes()
    pcm: bytes = make()  # type: ignore[operator]
    # a temp name, then the rename: a bench running beside never reads half a file
    part = path.with_suffix(f".{os.getpid()}.part")
    part.write_bytes(pcm)
    part.replace(path)
    return pcm


def spoken(voice: Voice, text: str) -> bytes:
    return _cached(repr((voice, text)), lambda: say(voice, text))


# ---- rooms ------------------------------------------------------------------------------------


def _unit(noise: np.ndarray) -> np.ndarray:
    return noise / max(float(np.sqrt(np.mean(noise**2))), 1e-9)


def fan(length: int, seed: int) -> np.ndarray:
    """A fan: brown-ish rumble, a hum at its blade rate and harmonics, a steady hiss."""
    rng = np.random.default_rng(seed)
    t = np.arange(length) / RATE
    brown = np.cumsum(rng.normal(0, 1, length))
    brown -= np.convolve(brown, np.ones(400) / 400, mode="same")
    hum = sum(np.sin(2 * np.pi * 90 * k * t + rng.uniform(0, 6)) / k for k in range(1, 6))
    return _unit(_unit(brown) + 0.6 * _unit(hum) + 0.3 * pink(length, seed + 1))


def kitchen(length: int, seed: int) -> np.ndarray:
    """Running water (white-ish noise, swelling) and dishes clattering (short bright clicks)."""
    rng = np.random.default_rng(seed)
    water = rng.normal(0, 1, length) * (1 + 0.4 * np.sin(np.arange(length) / RATE * 2.1))
    clatter = np.zeros(length)
    for at in rng.integers(0, max(length - 2000, 1), size=max(1, length // RATE * 2)):
        ring = np.exp(-np.arange(2000) / 300) * np.sin(np.arange(2000) * rng.uniform(0.6, 1.4))
        clatter[at : at + 2000] += ring * rng.uniform(2, 6)
    return _unit(_unit(water) + 0.4 * _unit(clatter))


TV_TALKER = espeak("tv", "en-gb", "m1", 175)


def tv(length: int, seed: int, talker: Voice = TV_TALKER) -> np.ndarray:
    """A TV or radio: another voice reading the guide, through a small speaker (band-limited)."""
    texts = guide_texts()
    out = bytearray()
    index = seed * 7
    while len(out) < length * 2:
        out += spoken(talker, texts[index % len(texts)]) + bytes(RATE // 5)
        index += 1
    voice = np.frombuffer(bytes(out[: length * 2]), dtype="<i2").astype(np.float64)
    spectrum = np.fft.rfft(voice)
    frequencies = np.fft.rfftfreq(len(voice), 1 / RATE)
    spectrum[(frequencies < 200) | (frequencies > 5000)] = 0
    speech = np.fft.irfft(spectrum, len(voice))
    # its power where it speaks, as the command's is measured: a talker's pauses do not make
    # it quieter
    frames = speech[: len(speech) // 320 * 320].reshape(-1, 320)
    power = np.mean(frames**2, axis=1)
    active = float(np.mean(power[power >= np.median(power)])) if len(power) else 1.0
    return speech / np.sqrt(max(active, 1e-9)) + 0.05 * pink(length, seed)


def room(kind: str, length: int, seed: int) -> np.ndarray:
    """`length` samples of the room's noise, unit power."""
    if kind == "pink":
        return pink(length, seed)
    return {"fan": fan, "tv": tv, "kitchen": kitchen}[kind](length, seed)


def in_room(pcm: bytes, kind: str, seed: int, snr_db: float = SNR_DB) -> bytes:
    """The voice with the room's noise `snr_db` below it (measured where it speaks)."""
    speech = np.frombuffer(pcm, dtype="<i2").astype(np.float64)
    noise = room(kind, len(speech), seed) * np.sqrt(speech_power(pcm) / 10 ** (snr_db / 10))
    return np.clip(speech + noise, -32768, 32767).astype("<i2").tobytes()


# ---- material ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Said:
    phrase: str
    voice: str
    noise: str
    pcm: bytes
    end: int
    """The sample where the command's speech ends."""


def commands(
    voices: tuple[Voice, ...], repeats: int = 4, wake: str = "coach", first_seed: int = 0
) -> Iterator[Said]:
    """Every command by every voice, once in each room (`repeats` of NOISES), in a second of
    silence either side."""
    silence = bytes(RATE * 2)
    for voice in voices:
        for phrase in PHRASES:
            raw = spoken(voice, f"{wake.capitalize()}, {phrase}.")
            clean = silence + raw + silence
            for repeat in range(repeats):
                noise = NOISES[repeat % len(NOISES)]
                seed = first_seed + repeat + 1000 * len(phrase)
                pcm = in_room(clean, noise, seed)
                yield Said(phrase, voice.name, noise, pcm, len(silence + raw) // 2)


def guide_texts() -> list[str]:
    from voice_coach.content.loader import load_library

    library = load_library()
    texts = [p for topic in library.guide.values() for p in [topic.title, *topic.paragraphs]]
    texts += [s for e in library.exercises.values() for s in [*e.setup, *e.steps]]
    return texts


def other_speech(voices: tuple[Voice, ...], minutes: float, half: int, seed: int = 7) -> bytes:
    """About `minutes` of speech without the wake word: half `half` (0 or 1) of the guide's
    texts, read in turn by `voices`, in the rooms in turn (a minute each); the two halves never
    share a text, so what the tuning heard is not what the report hears."""
    texts = guide_texts()[half::2]
    out = bytearray()
    index = 0
    while len(out) < minutes * 60 * RATE * 2:
        voice = voices[index % len(voices)]
        out += spoken(voice, texts[index % len(texts)]) + bytes(RATE // 2 * 2)
        index += 1
    minute = 60 * RATE * 2
    pieces = [bytes(out[i : i + minute]) for i in range(0, len(out), minute)]
    mixed = [in_room(p, NOISES[n % len(NOISES)], seed + n) for n, p in enumerate(pieces)]
    return b"".join(mixed)
