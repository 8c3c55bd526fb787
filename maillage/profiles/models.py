"""The professional profile: identity, career, skills, contact — each part with its audience."""

from __future__ import annotations

import unicodedata

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from maillage.core.audience import Audience
from maillage.core.models import BaseModel

# The audiences a member may give a profile section or a contact field.
PROFILE_AUDIENCES = [
    (Audience.PUBLIC.value, Audience.PUBLIC.label),
    (Audience.MEMBERS.value, Audience.MEMBERS.label),
    (Audience.CONNECTIONS.value, Audience.CONNECTIONS.label),
    (Audience.ONLY_ME.value, Audience.ONLY_ME.label),
]


def audience_field(default: str, verbose_name) -> models.CharField:
    return models.CharField(
        verbose_name, max_length=20, choices=PROFILE_AUDIENCES, default=default
    )


class BrowsingMode(models.TextChoices):
    """How this member appears in others' "who viewed my profile" (as on LinkedIn)."""

    FULL = "full", _("Your name and headline")
    SEMI_PRIVATE = "semi", _("Private profile characteristics (job and organization)")
    PRIVATE = "private", _("Private mode (anonymous)")


class Profile(BaseModel):
    member = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="profile",
        verbose_name=_("member"),
    )
    headline = models.CharField(_("headline"), max_length=220, blank=True)
    about = models.TextField(_("about"), max_length=2600, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    region = models.CharField(_("region"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=100, blank=True)
    industry = models.CharField(_("industry"), max_length=100, blank=True)

    # Images are stored re-encoded (see images.py); the hash finds reused photos.
    photo = models.ImageField(_("photo"), upload_to="profiles/photos/", blank=True)
    photo_small = models.ImageField(upload_to="profiles/photos/", blank=True, editable=False)
    photo_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    cover = models.ImageField(_("cover image"), upload_to="profiles/covers/", blank=True)

    # The public page at /in/<address>/.
    address = models.SlugField(
        _("public address"), max_length=60, unique=True, null=True, blank=True
    )
    public_page = models.BooleanField(
        _("public profile page"),
        default=True,
        help_text=_("Visitors and search engines can see the parts of your profile you made public."),
    )
    browsing_mode = models.CharField(
        _("profile viewing mode"),
        max_length=10,
        choices=BrowsingMode.choices,
        default=BrowsingMode.FULL,
    )
    endorsements_hidden = models.BooleanField(_("hide endorsements"), default=False)

    # Audience of each section (the name, photo and headline are always visible to whoever may
    # see the profile at all: they are how people recognise each other).
    about_audience = audience_field(Audience.PUBLIC, _("who sees your about section"))
    location_audience = audience_field(Audience.PUBLIC, _("who sees your location"))
    experience_audience = audience_field(Audience.PUBLIC, _("who sees your experience"))
    education_audience = audience_field(Audience.PUBLIC, _("who sees your education"))
    skills_audience = audience_field(Audience.PUBLIC, _("who sees your skills"))
    languages_audience = audience_field(Audience.PUBLIC, _("who sees your languages"))
    certifications_audience = audience_field(Audience.PUBLIC, _("who sees your certifications"))
    links_audience = audience_field(Audience.PUBLIC, _("who sees your links"))

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return str(self.member)

    @property
    def location(self) -> str:
        return ", ".join(part for part in (self.city, self.country) if part)


class EmploymentType(models.TextChoices):
    FULL_TIME = "full_time", _("Full-time")
    PART_TIME = "part_time", _("Part-time")
    PERMANENT = "permanent", _("Permanent contract (CDI)")
    FIXED_TERM = "fixed_term", _("Fixed-term contract (CDD)")
    SELF_EMPLOYED = "self_employed", _("Self-employed")
    FREELANCE = "freelance", _("Freelance")
    INTERNSHIP = "internship", _("Internship")
    APPRENTICESHIP = "apprenticeship", _("Apprenticeship")
    VOLUNTEER = "volunteer", _("Volunteer")


class Position(BaseModel):
    profile = models.ForeignKey(
        Profile, on_delete=models.CASCADE, related_name="positions", verbose_name=_("profile")
    )
    title = models.CharField(_("title"), max_length=150)
    # Free text; linked to an organization page once organizations exist.
    organization_name = models.CharField(_("organization"), max_length=150)
    employment_type = models.CharField(
        _("employment type"), max_length=20, choices=EmploymentType.choices, blank=True
    )
    location = models.CharField(_("location"), max_length=150, blank=True)
    # Months: stored as the first day of the month.
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"), null=True, blank=True)
    description = models.TextField(_("description"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="position_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} — {self.organization_name}"

    @property
    def is_current(self) -> bool:
        return self.end_date is None


class Education(BaseModel):
    profile = models.ForeignKey(
        Profile, on_delete=models.CASCADE, related_name="education", verbose_name=_("profile")
    )
    school = models.CharField(_("school"), max_length=150)
    degree = models.CharField(_("degree"), max_length=150, blank=True)
    field_of_study = models.CharField(_("field of study"), max_length=150, blank=True)
    start_year = models.PositiveSmallIntegerField(
        _("start year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    end_year = models.PositiveSmallIntegerField(
        _("end year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    activities = models.TextField(_("activities and societies"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("education")
        verbose_name_plural = _("education")
        ordering = ["-end_year", "-start_year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start_year__isnull=True)
                | models.Q(end_year__isnull=True)
                | models.Q(end_year__gte=models.F("start_year")),
                name="education_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.school


def skill_key(name: str) -> str:
    """The identity of a skill: case-, accent- and spacing-insensitive."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.split())


class Skill(models.Model):
    """A skill shared by every member who lists it ("Gestion de projet" is one skill)."""

    name = models.CharField(_("name"), max_length=80)
    key = models.CharField(max_length=80, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


MAX_PINNED_SKILLS = 3


class ProfileSkill(models.Model):
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="skills")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="holders")
    position = models.PositiveIntegerField(default=0)
    pinned = models.BooleanField(_("pinned"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-pinned", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "skill"], name="profile_skill_once")
        ]

    def __str__(self) -> str:
        return str(self.skill)


class Proficiency(models.TextChoices):
    ELEMENTARY = "elementary", _("Elementary")
    LIMITED_WORKING = "limited", _("Limited working")
    PROFESSIONAL_WORKING = "professional", _("Professional working")
    FULL_PROFESSIONAL = "full", _("Full professional")
    NATIVE = "native", _("Native or bilingual")


class SpokenLanguage(models.Model):
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="languages")
    name = models.CharField(_("language"), max_length=60)
    proficiency = models.CharField(
        _("proficiency"), max_length=20, choices=Proficiency.choices, blank=True
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


class Certification(BaseModel):
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="certifications")
    name = models.CharField(_("name"), max_length=150)
    authority = models.CharField(_("issuing organization"), max_length=150, blank=True)
    issued_on = models.DateField(_("issue date"), null=True, blank=True)
    expires_on = models.DateField(_("expiration date"), null=True, blank=True)
    credential_id = models.CharField(_("credential ID"), max_length=120, blank=True)
    credential_url = models.URLField(_("credential URL"), max_length=500, blank=True)

    class Meta:
        ordering = ["-issued_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(issued_on__isnull=True)
                | models.Q(expires_on__isnull=True)
                | models.Q(expires_on__gte=models.F("issued_on")),
                name="certification_expires_after_issue",
            )
        ]

    def __str__(self) -> str:
        return self.name


class LinkKind(models.TextChoices):
    WEBSITE = "website", _("Website")
    PORTFOLIO = "portfolio", _("Portfolio")
    BLOG = "blog", _("Blog")
    GITHUB = "github", _("GitHub")
    MASTODON = "mastodon", _("Mastodon")
    LINKEDIN = "linkedin", _("LinkedIn")
    OTHER = "other", _("Other")


class ProfileLink(models.Model):
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(_("kind"), max_length=20, choices=LinkKind.choices)
    url = models.URLField(_("address"), max_length=500)
    label = models.CharField(_("label"), max_length=80, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.label or self.url


class ContactKind(models.TextChoices):
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone")
    ADDRESS = "address", _("Address")


class ContactEntry(models.Model):
    """One piece of contact information, each with its own audience (default: connections)."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="contacts")
    kind = models.CharField(_("kind"), max_length=10, choices=ContactKind.choices)
    value = models.CharField(_("value"), max_length=300)
    label = models.CharField(_("label"), max_length=40, blank=True)
    audience = audience_field(Audience.CONNECTIONS, _("who sees it"))
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["kind", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"


class AddressHistory(models.Model):
    """A public address a member used before: it keeps redirecting to them."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="old_addresses")
    address = models.SlugField(max_length=60, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.address


class ProfileView(models.Model):
    """Someone looked at a profile (one row per viewer, profile and day; kept 90 days)."""

    viewed = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="views")
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField()
    # The viewer's browsing mode when they looked: later changes do not unmask old views.
    mode = models.CharField(max_length=10, choices=BrowsingMode.choices)
    # What a semi-private view shows ("someone in Marketing at Orange"), frozen at view time.
    semi_private_label = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["viewed", "viewer", "day"], name="profile_view_once_a_day"
            )
        ]
        indexes = [models.Index(fields=["viewed", "-day"])]

    def __str__(self) -> str:
        return f"{self.viewer_id} → {self.viewed_id} ({self.day})"


class WorkEmail(BaseModel):
    """A work address the member proved they receive mail at: "verified at @domain"."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="work_emails"
    )
    email = models.EmailField(_("work e-mail"))
    domain = models.CharField(max_length=200, db_index=True)
    verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "email"], name="work_email_once")
        ]

    def __str__(self) -> str:
        return self.email


class ImpersonationFlag(BaseModel):
    """A profile that shares its full name and photo with an existing member, for staff review."""

    class Status(models.TextChoices):
        OPEN = "open", _("To review")
        DISMISSED = "dismissed", _("Dismissed")
        CONFIRMED = "confirmed", _("Confirmed impersonation")

    suspect = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="+")
    original = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=200)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["suspect", "original"], name="impersonation_once")
        ]


class Endorsement(models.Model):
    """A 1st-degree connection vouches for one of a member's skills (once; revocable)."""

    profile_skill = models.ForeignKey(
        ProfileSkill, on_delete=models.CASCADE, related_name="endorsements"
    )
    endorser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="endorsements_given"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("endorsement")
        verbose_name_plural = _("endorsements")
        constraints = [
            models.UniqueConstraint(
                fields=["profile_skill", "endorser"], name="endorsement_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.endorser_id} endorses {self.profile_skill_id}"


class RecommendationRelationship(models.TextChoices):
    MANAGED_DIRECTLY = "managed", _("%(author)s managed %(recipient)s directly")
    REPORTED_TO = "reported_to", _("%(author)s reported directly to %(recipient)s")
    SENIOR = "senior", _("%(author)s was senior to %(recipient)s but did not manage them")
    JUNIOR = "junior", _("%(recipient)s was senior to %(author)s but did not manage them")
    SAME_TEAM = "same_team", _("%(author)s worked with %(recipient)s on the same team")
    DIFFERENT_TEAMS = "different_teams", _("%(author)s and %(recipient)s worked in different teams")
    CLIENT = "client", _("%(author)s was a client of %(recipient)s")
    SUPPLIER = "supplier", _("%(recipient)s was a client of %(author)s")
    TEACHER = "teacher", _("%(author)s taught %(recipient)s")
    MENTOR = "mentor", _("%(author)s mentored %(recipient)s")
    STUDIED_TOGETHER = "studied", _("%(author)s and %(recipient)s studied together")


class Recommendation(BaseModel):
    """A recommendation `author` writes for `recipient`; shown only once the recipient approves
    it, and hidden again whenever they choose."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        DECLINED = "declined", _("Declined by the author")
        PENDING = "pending", _("Waiting for approval")
        VISIBLE = "visible", _("Shown on the profile")
        HIDDEN = "hidden", _("Hidden")
        REJECTED = "rejected", _("Not accepted")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recommendations_received"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recommendations_written"
    )
    relationship = models.CharField(
        _("relationship"), max_length=20, choices=RecommendationRelationship.choices
    )
    # The position of the recipient's the recommendation is about (free text, "Chef de projet
    # chez Orange"), chosen from their experience when requesting or writing.
    context = models.CharField(_("position at the time"), max_length=200, blank=True)
    request_message = models.TextField(_("message"), max_length=1000, blank=True)
    body = models.TextField(_("recommendation"), max_length=3000, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices)
    written_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "author"],
                condition=models.Q(status__in=["requested", "pending"]),
                name="recommendation_one_open",
            ),
            models.CheckConstraint(
                condition=~models.Q(recipient=models.F("author")), name="recommendation_not_self"
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "status", "-written_at"], name="recommendation_shown"),
            models.Index(fields=["author", "status"], name="recommendation_to_write"),
        ]

    def __str__(self) -> str:
        return f"{self.author_id} → {self.recipient_id} ({self.status})"
