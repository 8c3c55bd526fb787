"""Test-only models: just enough of groups, organizations, connections and blocks to drive
`maillage.core.audience` without depending on the apps that will own those concepts."""

import uuid

from django.conf import settings
from django.db import models

from maillage.core.audience import Audience, AudienceFields


class Circle(models.Model):
    """Stands in for a group."""

    name = models.CharField(max_length=50)

    def __str__(self) -> str:
        return self.name


class Company(models.Model):
    """Stands in for an organization."""

    name = models.CharField(max_length=50)

    def __str__(self) -> str:
        return self.name


class CircleMembership(models.Model):
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="memberships")

    def __str__(self) -> str:
        return f"{self.member_id} in circle {self.circle_id}"


class CompanyMembership(models.Model):
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="memberships")

    def __str__(self) -> str:
        return f"{self.member_id} in company {self.company_id}"


class Link(models.Model):
    """A connection. Symmetric: one row links `a` and `b` both ways."""

    a = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    b = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    def __str__(self) -> str:
        return f"{self.a_id} <-> {self.b_id}"


class Block(models.Model):
    blocker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    blocked = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.blocker_id} blocks {self.blocked_id}"


class Note(models.Model):
    """A piece of content with an audience."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    audience = models.CharField(max_length=20, choices=Audience.choices)
    circle = models.ForeignKey(Circle, null=True, blank=True, on_delete=models.CASCADE)
    company = models.ForeignKey(Company, null=True, blank=True, on_delete=models.CASCADE)
    body = models.TextField(blank=True)

    audience_fields = AudienceFields(
        audience="audience", owner="owner", group="circle", organization="company"
    )

    def __str__(self) -> str:
        return f"{self.audience} note by {self.owner_id}: {self.body}"


class Comment(models.Model):
    """Something whose visibility follows its note's (`visible_q(..., prefix="note__")`)."""

    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="comments")
    body = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.body
