"""Profile strength: how complete a profile is, and the single most useful thing to add next.

Shown to the owner only. Each criterion weighs what it brings to being found and recognised;
the next step follows the order in which missing items help most (a photo first: profiles
with one are opened far more often).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Profile

MIN_SKILLS = 5

# (criterion, weight): the weights add up to 100.
WEIGHTS = {
    "photo": 15,
    "headline": 15,
    "experience": 20,
    "about": 10,
    "skills": 10,
    "education": 10,
    "location": 10,
    "contact": 10,
}
# The most useful missing item comes first.
NEXT_STEP_ORDER = (
    "photo",
    "headline",
    "experience",
    "about",
    "skills",
    "education",
    "location",
    "contact",
)

# (lowest score, level, label), highest first.
LEVELS = (
    (100, "all_star", _("All-star")),
    (80, "expert", _("Expert")),
    (50, "advanced", _("Advanced")),
    (30, "intermediate", _("Intermediate")),
    (0, "beginner", _("Beginner")),
)

NEXT_STEP_TEXT = {
    "photo": _("Add a photo: profiles with a photo get many more visits."),
    "headline": _("Add a headline: it is the first thing people read under your name."),
    "experience": _("Add your current position: members look for people by where they work."),
    "about": _("Write a few lines about yourself: what you do, and what you are looking for."),
    "education": _("Add your education: former classmates will find you more easily."),
    "location": _("Add your location: recruiters and people nearby search by city."),
    "contact": _(
        "Add a way to reach you, such as an e-mail address or a phone number: "
        "you choose who sees it."
    ),
}


@dataclass(frozen=True)
class NextStep:
    section: str
    text: str


@dataclass(frozen=True)
class Strength:
    score: int  # 0–100
    level: str  # beginner, intermediate, advanced, expert, all_star
    level_label: str | Promise
    next_step: NextStep | None  # None once everything is there
    done: frozenset[str]

    @property
    def step(self) -> int:
        """The score rounded down to a multiple of 5, for the meter's step classes."""
        return self.score - self.score % 5

    @property
    def is_complete(self) -> bool:
        return self.next_step is None


def _next_step_text(criterion: str, *, skills: int) -> str:
    if criterion == "skills":
        missing = MIN_SKILLS - skills
        return ngettext(
            "Add %(count)d more skill: members with five skills or more are found more often.",
            "Add %(count)d more skills: members with five skills or more are found more often.",
            missing,
        ) % {"count": missing}
    return str(NEXT_STEP_TEXT[criterion])


def profile_strength(
    profile: Profile,
    *,
    has_photo: bool,
    positions: int,
    education: int,
    skills: int,
    contacts: int,
) -> Strength:
    """Score `profile` from its own fields and the counts of its lists (no query)."""
    present = {
        "photo": has_photo,
        "headline": bool(profile.headline.strip()),
        "experience": positions >= 1,
        "about": bool(profile.about.strip()),
        "skills": skills >= MIN_SKILLS,
        "education": education >= 1,
        "location": bool(profile.city.strip() or profile.country.strip()),
        "contact": contacts >= 1,
    }
    score = sum(WEIGHTS[name] for name, ok in present.items() if ok)
    level, label = next((lv, lb) for floor, lv, lb in LEVELS if score >= floor)
    missing = next((name for name in NEXT_STEP_ORDER if not present[name]), None)
    next_step = (
        NextStep(section=missing, text=_next_step_text(missing, skills=skills)) if missing else None
    )
    return Strength(
        score=score,
        level=level,
        level_label=label,
        next_step=next_step,
        done=frozenset(name for name, ok in present.items() if ok),
    )


def strength_for_owner(view) -> Strength:
    """The strength of a profile from the owner's own view of it (everything loaded)."""
    if not view.is_owner:
        raise ValueError("Profile strength is shown to the owner only.")
    return profile_strength(
        view.profile,
        has_photo=bool(view.profile.photo),
        positions=len(view.positions),
        education=len(view.education),
        skills=len(view.skills),
        contacts=len(view.contacts),
    )
