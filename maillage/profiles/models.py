"""The professional profile: the start the profiles capability builds on."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from maillage.core.models import BaseModel


class Profile(BaseModel):
    member = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="profile",
        verbose_name=_("member"),
    )
    headline = models.CharField(_("headline"), max_length=220, blank=True)
    about = models.TextField(_("about"), blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    region = models.CharField(_("region"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=100, blank=True)
    industry = models.CharField(_("industry"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return str(self.member)

    @property
    def location(self) -> str:
        return ", ".join(part for part in (self.city, self.country) if part)


class Position(BaseModel):
    profile = models.ForeignKey(
        Profile, on_delete=models.CASCADE, related_name="positions", verbose_name=_("profile")
    )
    title = models.CharField(_("title"), max_length=150)
    organization_name = models.CharField(_("organization"), max_length=150)
    location = models.CharField(_("location"), max_length=150, blank=True)
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)

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
    start_year = models.PositiveSmallIntegerField(_("start year"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("end year"), null=True, blank=True)

    class Meta:
        verbose_name = _("education")
        verbose_name_plural = _("education")
        ordering = ["-end_year", "-start_year"]

    def __str__(self) -> str:
        return self.school
