"""The network: invitations, connections, follows, blocks, mutes, suggestions, introductions and
each member's private notes about the people they know (the personal CRM).

A connection is stored as two rows, one per direction (`member` → `other`): "who is X connected
to" is then one index range scan on `(member, other)`, which is what the degree sets, the
audience rule "connections" and every list of connections read. Services write and delete both
rows together.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from maillage.core.models import BaseModel

MEMBER = settings.AUTH_USER_MODEL

INVITATION_NOTE_MAX = 300


class Connection(models.Model):
    """One direction of a symmetric connection (its twin has `member` and `other` swapped)."""

    member = models.ForeignKey(MEMBER, on_delete=models.CASCADE, related_name="connection_rows")
    other = models.ForeignKey(MEMBER, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("connected on"), db_index=True)

    class Meta:
        verbose_name = _("connection")
        verbose_name_plural = _("connections")
        constraints = [
            models.UniqueConstraint(fields=["member", "other"], name="connection_once"),
            models.CheckConstraint(condition=~Q(member=F("other")), name="connection_not_self"),
        ]
        indexes = [models.Index(fields=["member", "-created_at"], name="connection_recent")]

    def __str__(self) -> str:
        return f"{self.member_id} — {self.other_id}"


class Invitation(BaseModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        IGNORED = "ignored", _("Ignored")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    sender = models.ForeignKey(MEMBER, on_delete=models.CASCADE, related_name="invitations_sent")
    recipient = models.ForeignKey(
        MEMBER, on_delete=models.CASCADE, related_name="invitations_received"
    )
    note = models.TextField(_("personal note"), max_length=INVITATION_NOTE_MAX, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    responded_at = models.DateTimeField(null=True, blank=True)
    # Set when the invitation came out of an introduction (the target accepts it).
    introduction = models.ForeignKey(
        "Introduction", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["sender", "recipient"],
                condition=Q(status="pending"),
                name="invitation_one_pending",
            ),
            models.CheckConstraint(condition=~Q(sender=F("recipient")), name="invitation_not_self"),
        ]
        indexes = [
            models.Index(fields=["recipient", "status", "-created_at"], name="invitation_inbox"),
            models.Index(fields=["sender", "status", "-created_at"], name="invitation_outbox"),
        ]

    def __str__(self) -> str:
        return f"{self.sender_id} → {self.recipient_id} ({self.status})"


class Follow(models.Model):
    follower = models.ForeignKey(MEMBER, on_delete=models.CASCADE, related_name="following_rows")
    followed = models.ForeignKey(MEMBER, on_delete=models.CASCADE, related_name="follower_rows")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["follower", "followed"], name="follow_once"),
            models.CheckConstraint(condition=~Q(follower=F("followed")), name="follow_not_self"),
        ]
        indexes = [models.Index(fields=["followed", "-created_at"], name="follow_followers")]

    def __str__(self) -> str:
        return f"{self.follower_id} follows {self.followed_id}"


class Block(models.Model):
    """`blocker` blocked `blocked`: neither sees the other anywhere (the audience module)."""

    blocker = models.ForeignKey(MEMBER, on_delete=models.CASCADE, related_name="block_rows")
    blocked = models.ForeignKey(MEMBER, on_delete=models.CASCADE, related_name="blocked_by_rows")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="block_once"),
            models.CheckConstraint(condition=~Q(blocker=F("blocked")), name="block_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.blocker_id} blocked {self.blocked_id}"


class Mute(models.Model):
    """`muter` no longer sees `muted`'s posts in their feed; nothing else changes, nobody is told."""

    muter = models.ForeignKey(MEMBER, on_delete=models.CASCADE, related_name="mute_rows")
    muted = models.ForeignKey(MEMBER, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["muter", "muted"], name="mute_once"),
            models.CheckConstraint(condition=~Q(muter=F("muted")), name="mute_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.muter_id} muted {self.muted_id}"


class ConnectionsVisibility(models.TextChoices):
    CONNECTIONS = "connections", _("My connections")
    ONLY_ME = "only_me", _("Only me")


class NetworkSettings(models.Model):
    """A member's network preferences (a row exists only once they change a default)."""

    member = models.OneToOneField(MEMBER, on_delete=models.CASCADE, related_name="network_settings")
    connections_visibility = models.CharField(
        _("who may see your connections"),
        max_length=20,
        choices=ConnectionsVisibility.choices,
        default=ConnectionsVisibility.CONNECTIONS,
    )

    def __str__(self) -> str:
        return f"network settings of {self.member_id}"


class Suggestion(models.Model):
    """A precomputed "people you may know" entry, refreshed by a task (see suggestions.py)."""

    member = models.ForeignKey(MEMBER, on_delete=models.CASCADE, related_name="suggestion_rows")
    candidate = models.ForeignKey(MEMBER, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    # Why, as data (rendered in the viewer's language): [{"kind": "mutual", "count": 12}, ...]
    reasons = models.JSONField(default=list)
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "candidate"], name="suggestion_once"),
        ]
        indexes = [models.Index(fields=["member", "-score"], name="suggestion_ranked")]

    def __str__(self) -> str:
        return f"{self.candidate_id} for {self.member_id}"


class SuggestionDismissal(models.Model):
    member = models.ForeignKey(MEMBER, on_delete=models.CASCADE, related_name="+")
    dismissed = models.ForeignKey(MEMBER, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "dismissed"], name="suggestion_dismissed_once"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} dismissed {self.dismissed_id}"


class Introduction(BaseModel):
    """`requester` asks `intermediary` (a mutual connection) to introduce them to `target`."""

    class Status(models.TextChoices):
        ASKED = "asked", _("Waiting for the intermediary")
        FORWARDED = "forwarded", _("Forwarded")
        DECLINED = "declined", _("Declined by the intermediary")
        ACCEPTED = "accepted", _("Accepted")
        IGNORED = "ignored", _("Ignored by the recipient")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    requester = models.ForeignKey(MEMBER, on_delete=models.CASCADE, related_name="+")
    intermediary = models.ForeignKey(MEMBER, on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey(MEMBER, on_delete=models.CASCADE, related_name="+")
    note = models.TextField(_("why you want to meet"), max_length=INVITATION_NOTE_MAX)
    forward_note = models.TextField(_("a word from the intermediary"), max_length=INVITATION_NOTE_MAX, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ASKED)
    forwarded_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["requester", "target"],
                condition=Q(status__in=["asked", "forwarded"]),
                name="introduction_one_open",
            ),
        ]
        indexes = [
            models.Index(fields=["intermediary", "status"], name="introduction_to_forward"),
            models.Index(fields=["target", "status"], name="introduction_received"),
            models.Index(fields=["requester", "-created_at"], name="introduction_asked"),
        ]


# --- The personal CRM: private to its author ---------------------------------------------------


class Contact(BaseModel):
    """Someone a member knows, kept only for that member: a fellow member or an outside person
    (imported from an address book or a LinkedIn export and not — or not yet — a member)."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("Added by hand")
        LINKEDIN = "linkedin", _("LinkedIn export")
        VCARD = "vcard", _("vCard")
        CSV = "csv", _("CSV file")

    owner = models.ForeignKey(MEMBER, on_delete=models.CASCADE, related_name="crm_contacts")
    member = models.ForeignKey(
        MEMBER, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    first_name = models.CharField(_("first name"), max_length=80, blank=True)
    last_name = models.CharField(_("last name"), max_length=80, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    organization = models.CharField(_("organization"), max_length=150, blank=True)
    position = models.CharField(_("position"), max_length=150, blank=True)
    url = models.URLField(_("profile address"), max_length=500, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)
    connected_elsewhere_on = models.DateField(_("connected on (elsewhere)"), null=True, blank=True)
    # Where, when and why you met.
    met_where = models.CharField(_("where you met"), max_length=200, blank=True)
    met_on = models.DateField(_("when you met"), null=True, blank=True)
    met_why = models.CharField(_("why you met"), max_length=300, blank=True)
    tags = models.ManyToManyField("ContactTag", blank=True, related_name="contacts")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "member"],
                condition=Q(member__isnull=False),
                name="contact_member_once",
            ),
        ]
        indexes = [models.Index(fields=["owner", "last_name", "first_name"], name="contact_by_name")]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.email


class ContactTag(models.Model):
    owner = models.ForeignKey(MEMBER, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("tag"), max_length=40)
    key = models.CharField(max_length=40)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["owner", "key"], name="contact_tag_once")]

    def __str__(self) -> str:
        return self.name


class ContactNote(BaseModel):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="notes")
    body = models.TextField(_("note"), max_length=5000)

    class Meta:
        ordering = ["-created_at"]


class Reminder(BaseModel):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="reminders")
    text = models.CharField(_("reminder"), max_length=200)
    due_at = models.DateTimeField(_("due"), db_index=True)
    fired_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at"]
        indexes = [models.Index(fields=["fired_at", "due_at"], name="reminder_due")]
