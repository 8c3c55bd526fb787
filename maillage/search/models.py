"""The people-search index: folded text per member and field group, each with its audience.

One `SearchEntry` per (member, field group): the name, the headline, the organizations and job
titles of the positions, the location, the skills. Each carries the audience of the profile
section it comes from, so a query can keep only the entries the searcher may see — in SQL, with
the rule of `maillage.core.audience`. The text is folded (case and accents removed) and reduced to
space-separated words, so every backend tokenizes it the same way.

`SearchTerm` is the vocabulary for typo tolerance (SymSpell): every indexed word, and every form
of it with one letter deleted, points to the word. A query word's own one-deletion forms find, in
one indexed lookup, every word within one edit of it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchGroup(models.TextChoices):
    NAME = "name", _("Name")
    HEADLINE = "headline", _("Headline")
    ORGANIZATION = "organization", _("Organization")
    TITLE = "title", _("Job title")
    LOCATION = "location", _("Location")
    SKILLS = "skills", _("Skills")


class SearchEntry(models.Model):
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    group = models.CharField(max_length=20, choices=SearchGroup.choices)
    audience = models.CharField(max_length=20)
    text = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "group"], name="search_entry_once")
        ]

    def __str__(self) -> str:
        return f"{self.member_id}/{self.group}: {self.text[:40]}"


class SearchTerm(models.Model):
    variant = models.CharField(max_length=40)
    term = models.CharField(max_length=40)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["variant", "term"], name="search_term_variant_once")
        ]

    def __str__(self) -> str:
        return f"{self.variant} → {self.term}"
