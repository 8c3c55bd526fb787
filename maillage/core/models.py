"""The shared kernel's models: the base every domain model extends, and instance settings."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.utils.translation import gettext_lazy as _


class BaseModel(models.Model):
    """A row with a compact integer key for joins and a random UUID for URLs and the API.

    Integer keys keep indexes small and joins fast at a million members; the public id never
    reveals how many rows exist or lets anyone walk them.
    """

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class SignupMode(models.TextChoices):
    OPEN = "open", _("Open: anyone may sign up")
    INVITATION = "invitation", _("By invitation only")
    DOMAINS = "domains", _("Restricted to e-mail domains")


class InstanceSettings(models.Model):
    """Settings staff change at run time (one row). Read through `InstanceSettings.current()`."""

    CACHE_KEY = "core:instance-settings:v1"

    name = models.CharField(_("instance name"), max_length=80, default="Maillage")
    tagline = models.CharField(
        _("tagline"),
        max_length=200,
        blank=True,
        help_text=_("One sentence shown on the landing page under the name."),
    )
    description = models.TextField(
        _("description"),
        blank=True,
        help_text=_("Who this network is for, shown to visitors on the landing page."),
    )
    signup_mode = models.CharField(
        _("sign-up"), max_length=20, choices=SignupMode.choices, default=SignupMode.OPEN
    )
    signup_domains = models.TextField(
        _("allowed e-mail domains"),
        blank=True,
        help_text=_("One domain per line, e.g. example.org. Used when sign-up is restricted."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("instance settings")
        verbose_name_plural = _("instance settings")

    def __str__(self) -> str:
        return str(self.name)

    @property
    def allowed_domains(self) -> list[str]:
        return [
            line.strip().lower().lstrip("@")
            for line in self.signup_domains.splitlines()
            if line.strip()
        ]

    @classmethod
    def current(cls) -> InstanceSettings:
        cached = cache.get(cls.CACHE_KEY)
        if cached is not None:
            return cached
        instance = cls.objects.order_by("pk").first()
        if instance is None:
            instance = cls(
                name=settings.MAILLAGE_INSTANCE_NAME,
                signup_mode=settings.MAILLAGE_SIGNUP_MODE,
                signup_domains="\n".join(settings.MAILLAGE_SIGNUP_DOMAINS),
            )
        cache.set(cls.CACHE_KEY, instance, 300)
        return instance

    @classmethod
    def forget_cached(cls) -> None:
        cache.delete(cls.CACHE_KEY)
