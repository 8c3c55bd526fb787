"""Profile strength: score, levels, and the single most useful next step."""

from __future__ import annotations

import pytest
from django.utils import translation

from maillage.profiles.models import Profile
from maillage.profiles.strength import MIN_SKILLS, WEIGHTS, profile_strength, strength_for_owner

EMPTY = {"has_photo": False, "positions": 0, "education": 0, "skills": 0, "contacts": 0}
FULL = {"has_photo": True, "positions": 2, "education": 1, "skills": MIN_SKILLS, "contacts": 1}


def blank() -> Profile:
    return Profile(headline="", about="", city="", country="")


def complete() -> Profile:
    return Profile(headline="Engineer", about="Hello", city="Lyon", country="France")


def test_weights_add_up_to_100():
    assert sum(WEIGHTS.values()) == 100


def test_empty_profile_is_a_beginner_told_to_add_a_photo():
    strength = profile_strength(blank(), **EMPTY)
    assert strength.score == 0
    assert strength.level == "beginner"
    assert strength.next_step.section == "photo"
    assert strength.next_step.text == "Add a photo: profiles with a photo get many more visits."


def test_complete_profile_is_all_star_with_no_next_step():
    strength = profile_strength(complete(), **FULL)
    assert strength.score == 100
    assert strength.level == "all_star"
    assert strength.next_step is None
    assert strength.is_complete


@pytest.mark.parametrize(
    ("missing", "overrides"),
    [
        ("photo", {"has_photo": False}),
        ("headline", {"headline": ""}),
        ("experience", {"positions": 0}),
        ("about", {"about": "   "}),
        ("skills", {"skills": MIN_SKILLS - 1}),
        ("education", {"education": 0}),
        ("location", {"city": "", "country": ""}),
        ("contact", {"contacts": 0}),
    ],
)
def test_each_criterion_counts_and_is_named_as_next_step(missing, overrides):
    profile = complete()
    counts = dict(FULL)
    for key, value in overrides.items():
        if key in counts:
            counts[key] = value
        else:
            setattr(profile, key, value)
    strength = profile_strength(profile, **counts)
    assert strength.score == 100 - WEIGHTS[missing]
    assert strength.next_step.section == missing
    assert missing not in strength.done


def test_next_step_follows_usefulness_order():
    profile = blank()
    profile.headline = "Engineer"
    strength = profile_strength(profile, **{**EMPTY, "has_photo": True})
    assert strength.next_step.section == "experience"


def test_skills_step_says_how_many_are_missing():
    strength = profile_strength(complete(), **{**FULL, "skills": 3})
    assert strength.next_step.text.startswith("Add 2 more skills")
    strength = profile_strength(complete(), **{**FULL, "skills": 4})
    assert strength.next_step.text.startswith("Add 1 more skill:")


@pytest.mark.parametrize(
    ("score_items", "level"),
    [
        (["location", "contact"], "beginner"),  # 20
        (["photo", "headline"], "intermediate"),  # 30
        (["photo", "headline", "experience"], "advanced"),  # 50
        (["photo", "headline", "experience", "about", "skills", "education"], "expert"),  # 80
    ],
)
def test_levels(score_items, level):
    profile = blank()
    counts = dict(EMPTY)
    if "photo" in score_items:
        counts["has_photo"] = True
    if "headline" in score_items:
        profile.headline = "x"
    if "experience" in score_items:
        counts["positions"] = 1
    if "about" in score_items:
        profile.about = "x"
    if "skills" in score_items:
        counts["skills"] = MIN_SKILLS
    if "education" in score_items:
        counts["education"] = 1
    if "location" in score_items:
        profile.city = "Lyon"
    if "contact" in score_items:
        counts["contacts"] = 1
    strength = profile_strength(profile, **counts)
    assert strength.score == sum(WEIGHTS[i] for i in score_items)
    assert strength.level == level


def test_step_rounds_down_to_the_meter_classes():
    strength = profile_strength(complete(), **{**FULL, "has_photo": False})
    assert strength.score == 85
    assert strength.step == 85
    assert strength.step % 5 == 0


def test_labels_are_translated():
    with translation.override("fr"):
        strength = profile_strength(blank(), **EMPTY)
        assert str(strength.level_label)  # a lazy string, rendered in the active language


def test_strength_is_for_the_owner_only():
    class View:
        is_owner = False

    with pytest.raises(ValueError):
        strength_for_owner(View())
