"""The built-in content holds every exercise of the seed with the seed's dosage, and bad content
is refused with one line that names the file and line."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from support.files import write

from voice_coach.content.loader import load_library, resolve_target
from voice_coach.errors import ContentError
from voice_coach.model import Library

# id: (reps, hold seconds, duration seconds, sides, equipment word, helper) straight from the seed.
SEED = {
    "lumbar-roll": ((20, 20), None, None, "alternate", None, False),
    "knees-to-chest": ((20, 20), None, None, "none", None, False),
    "standing-extension": ((20, 20), None, None, "none", None, False),
    "standing-side-bends": ((20, 20), None, None, "alternate", None, False),
    "decompression-with-ball": (None, 30, None, "none", "exercise ball", False),
    "side-stretch": (None, 30, None, "painful", None, False),
    "core-exercise": ((3, 5), None, None, "none", "pillow", False),
    "lower-back-extension": ((20, 20), 5, None, "none", None, False),
    "pelvic-tilts": ((20, 20), None, None, "none", None, False),
    "decompression": (None, 30, None, "none", None, True),
    "piriformis-release": (None, None, 120, "painful", "massage ball", False),
    "seated-piriformis-stretch": (None, 30, None, "painful", "chair", False),
    "supine-piriformis-stretch": (None, 30, None, "painful", None, False),
    "floor-piriformis-stretch": (None, 30, None, "painful", None, False),
    "clam-shell": ((20, 20), None, None, "painful", None, False),
    "sciatic-nerve-floss": ((30, 30), None, None, "painful", None, True),
    "sciatic-nerve-glide": ((20, 30), None, None, "painful", "support your heel", False),
    "sciatic-nerve-stretch": (None, 30, None, "painful", "strap", False),
}


def test_all_eighteen_seed_exercises_are_present(library: Library) -> None:
    assert sorted(e.id for e in library.only_exercises()) == sorted(SEED)


def test_the_straight_leg_raise_test_is_a_guided_check(library: Library) -> None:
    check = library.exercises["straight-leg-raise-check"]
    assert check.kind == "check" and check.needs_helper and check.sides == "each"
    steps = " ".join(check.setup + check.steps).lower()
    assert "no" in steps and "pillow" in steps and "heel" in steps
    # the post's "pushes the ankle towards you", said so that a helper cannot read it backwards
    assert "bends the foot back at the ankle" in steps and "toes move towards the head" in steps
    assert "other side" in steps
    assert not library.playlists_with(check.id)


@pytest.mark.parametrize("exercise_id", sorted(SEED))
def test_dosage_sides_equipment_and_helper_match_the_seed(
    library: Library, exercise_id: str
) -> None:
    reps, hold, duration, sides, equipment, helper = SEED[exercise_id]
    exercise = library.exercises[exercise_id]
    dosage = exercise.dosage
    if reps is None:
        assert dosage.reps is None
    else:
        assert dosage.reps is not None and (dosage.reps.low, dosage.reps.high) == reps
    assert dosage.hold_s == hold
    assert dosage.duration_s == duration
    assert exercise.sides == sides
    assert exercise.needs_helper is helper
    if equipment is None:
        assert exercise.equipment == ()
    else:
        assert any(equipment in item for item in exercise.equipment), exercise.equipment


def test_core_exercise_breathing_cycle_follows_the_seed(library: Library) -> None:
    core = library.exercises["core-exercise"]
    assert core.dosage.rep_label == "Cycle"
    said = " ".join(p.say for p in core.dosage.phases).lower()
    for words in ("breathe in", "through your nose", "out through your mouth", "belly button"):
        assert words in said


def test_cautions_of_the_seed_are_in_content(library: Library) -> None:
    def cautions(exercise_id: str) -> str:
        return " ".join(c.text for c in library.exercises[exercise_id].cautions).lower()

    assert "no pain" in cautions("standing-extension")
    assert "not moving into any pain" in cautions("lower-back-extension")
    assert "do not press directly on top of the sciatic nerve" in cautions("piriformis-release")
    for nerve in ("sciatic-nerve-floss", "sciatic-nerve-glide", "sciatic-nerve-stretch"):
        assert "tingling, pain or numbness" in cautions(nerve)
        assert "can make sciatica worse" in cautions(nerve)
    for stretch in ("seated", "supine", "floor"):
        assert "strengthening may help" in cautions(f"{stretch}-piriformis-stretch")
    assert "stretching may help" in cautions("clam-shell")


def test_playlists_cover_every_cause_and_group(library: Library) -> None:
    lists = library.playlists
    assert {
        "disc-bulge",
        "foraminal-stenosis",
        "nerve-root-compression",
        "piriformis-syndrome",
        "irritated-sciatic-nerve",
        "gentle-movements",
        "not-sure",
    } <= set(lists)
    assert lists["disc-bulge"].exercises == (
        "lower-back-extension",
        "pelvic-tilts",
        "decompression",
    )
    assert set(lists["nerve-root-compression"].exercises) == set(
        lists["disc-bulge"].exercises + lists["foraminal-stenosis"].exercises
    )
    sampler = set(lists["not-sure"].exercises)
    for group in (
        "gentle-movements",
        "foraminal-stenosis",
        "disc-bulge",
        "piriformis-syndrome",
        "irritated-sciatic-nerve",
    ):
        assert sampler & set(lists[group].exercises), f"not-sure samples nothing from {group}"
    every = {e for p in lists.values() for e in p.exercises}
    assert every == {e.id for e in library.only_exercises()}, "every exercise is in a playlist"


def test_programme_keeps_the_seed_safety_notes(library: Library) -> None:
    programme = library.programme
    assert "not medical advice" in programme.disclaimer
    spoken = " ".join(
        (
            programme.short_disclaimer,
            *programme.safety,
            *programme.session_outro,
            programme.seek_help,
        )
    ).lower()
    assert "not medical advice" in spoken
    assert "worse" in spoken
    assert "two weeks" in spoken and "healthcare professional" in spoken


def test_guide_has_the_non_exercise_steps(library: Library) -> None:
    sources = " ".join(t.source for t in library.guide.values())
    for step in ("Step 1", "Step 2", "Step 4", "Step 8"):
        assert step in sources
    inflammation = " ".join(library.guide["reduce-inflammation"].paragraphs)
    assert "ice pack" in inflammation and "primary care provider" in inflammation


# ---- bad content -------------------------------------------------------------------------

GOOD = """\
exercises:
  - id: my-stretch
    name: My Stretch
    source: my physio
    position: lying on your back
    setup: [Lie down.]
    steps: [Stretch.]
    dosage:
      hold: 20
playlists:
  - id: mine
    title: Mine
    for: testing
    exercises: [my-stretch, pelvic-tilts]
"""


def error_of(folder: Path) -> str:
    with pytest.raises(ContentError) as info:
        load_library([folder])
    message = str(info.value)
    assert "\n" not in message
    return message


def test_a_user_folder_adds_exercises_and_playlists(tmp_path: Path) -> None:
    write(tmp_path, "mine.yaml", GOOD)
    library = load_library([tmp_path])
    assert "my-stretch" in library.exercises and "pelvic-tilts" in library.exercises
    assert resolve_target(library, ["mine"])[0] == ["my-stretch", "pelvic-tilts"]


def test_a_user_folder_may_override_a_built_in_exercise(tmp_path: Path) -> None:
    override = GOOD.replace("id: my-stretch", "id: pelvic-tilts").replace(
        "[my-stretch, pelvic-tilts]", "[pelvic-tilts]"
    )
    write(tmp_path, "mine.yaml", override)
    library = load_library([tmp_path])
    assert library.exercises["pelvic-tilts"].name == "My Stretch"
    assert library.exercises["pelvic-tilts"].dosage.hold_s == 20


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("    steps: [Stretch.]", "    stpes: [Stretch.]"), ["mine.yaml:7", "'stpes'", "'steps'"]),
        (("      hold: 20", "      hold: twenty"), ["mine.yaml:9", "whole number", "'twenty'"]),
        (("      hold: 20", "      hold: 9000"), ["mine.yaml:9", "outside the allowed"]),
        (("      hold: 20", "      hodl: 20"), ["mine.yaml:9", "did you mean 'hold'"]),
        (
            ("[my-stretch, pelvic-tilts]", "[my-strech]"),
            ["mine.yaml:14", "did you mean 'my-stretch'"],
        ),
        (("    name: My Stretch\n", ""), ["mine.yaml:2", "'name'"]),
        (
            ("    setup: [Lie down.]", "    setup:\n      - Lie on your {sdie}."),
            ["mine.yaml:6", "{sdie}"],
        ),
        (
            ("    setup: [Lie down.]", "    setup:\n      - Lie on your {side}."),
            ["mine.yaml:6", "sides"],
        ),
        (("  - id: my-stretch", "  - id: My Stretch"), ["mine.yaml:2", "not valid"]),
        (("      hold: 20", "      reps: 0"), ["mine.yaml:9", "reps"]),
        (("      hold: 20", "      duration: 60\n      reps: 3"), ["mine.yaml:9", "mixes"]),
        (("    title: Mine", "    title: [Mine]"), ["mine.yaml:12", "'title'", "non-empty text"]),
    ],
)
def test_mistakes_name_file_line_and_key(
    tmp_path: Path, change: tuple[str, str], expected: list[str]
) -> None:
    old, new = change
    assert old in GOOD
    write(tmp_path, "mine.yaml", GOOD.replace(old, new))
    message = error_of(tmp_path)
    for part in expected:
        assert part in message, message


def test_malformed_yaml_names_the_line(tmp_path: Path) -> None:
    write(tmp_path, "broken.yaml", GOOD.replace("    title: Mine", '    title: "Mine'))
    message = error_of(tmp_path)
    assert "broken.yaml:" in message and "invalid YAML" in message


def test_duplicate_ids_are_refused_with_both_places(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", GOOD)
    write(tmp_path, "b.yaml", GOOD.split("playlists:")[0])
    message = error_of(tmp_path)
    assert "duplicate exercise id 'my-stretch'" in message
    assert "a.yaml:2" in message and "b.yaml:2" in message


def test_unknown_section_gets_did_you_mean(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", GOOD.replace("playlists:", "playlist:"))
    assert "did you mean 'playlists'" in error_of(tmp_path)


def test_python_object_tag_is_refused_without_running_it(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    write(
        tmp_path,
        "evil.yaml",
        f"exercises:\n  - !!python/object/apply:os.system ['touch {marker}']\n",
    )
    message = error_of(tmp_path)
    assert "evil.yaml:2" in message and "tag" in message
    assert not marker.exists()


def test_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 12):
        previous, name = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    write(tmp_path, "bomb.yaml", "\n".join(lines) + "\n")
    started = time.monotonic()
    message = error_of(tmp_path)
    elapsed = time.monotonic() - started
    assert "bomb.yaml:2" in message and "aliases" in message
    assert elapsed < 2, f"took {elapsed:.1f}s"  # a safety property (no expansion), not a speed goal


def test_oversized_file_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "huge.yaml", "# " + "x" * 1_100_000 + "\n")
    assert "huge.yaml" in error_of(tmp_path)


def test_missing_content_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ContentError, match="does not exist"):
        load_library([tmp_path / "nope"])


def test_targets_resolve_with_did_you_mean(library: Library) -> None:
    assert resolve_target(library, ["disc-bulge"])[1] is not None
    assert resolve_target(library, ["pelvic-tilts", "clam-shell"]) == (
        ["pelvic-tilts", "clam-shell"],
        None,
    )
    with pytest.raises(ContentError, match="did you mean 'pelvic-tilts'"):
        resolve_target(library, ["pelvic-tilt"])
    with pytest.raises(ContentError, match="only target"):
        resolve_target(library, ["disc-bulge", "clam-shell"])
