"""In-app notifications: one model for every kind (see kinds.py for how each is shown)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from maillage.core.models import BaseModel


class Kind(models.TextChoices):
    INVITATION_RECEIVED = "invitation_received", _("Invitation received")
    INVITATION_ACCEPTED = "invitation_accepted", _("Invitation accepted")
    ENDORSEMENT = "endorsement", _("Skill endorsed")
    RECOMMENDATION_REQUESTED = "recommendation_requested", _("Recommendation requested")
    RECOMMENDATION_RECEIVED = "recommendation_received", _("Recommendation received")
    INTRODUCTION_REQUESTED = "introduction_requested", _("Introduction requested")
    INTRODUCTION_FORWARDED = "introduction_forwarded", _("Introduction received")
    INTRODUCTION_DECLINED = "introduction_declined", _("Introduction declined")
    REMINDER_DUE = "reminder_due", _("Reminder")
    NEW_FOLLOWER = "new_follower", _("New follower")
    # The feed (see maillage/feed/notify.py). Reactions and comments on one post pile up into
    # one notification while it is unread (`data`: latest actors first and a count).
    POST_MENTION = "post_mention", _("Mentioned in a post")
    COMMENT_MENTION = "comment_mention", _("Mentioned in a comment")
    POST_COMMENT = "post_comment", _("Comment on your post")
    COMMENT_REPLY = "comment_reply", _("Reply to your comment")
    POST_REACTION = "post_reaction", _("Reaction to your post")
    COMMENT_REACTION = "comment_reaction", _("Reaction to your comment")
    POST_REPOST = "post_repost", _("Repost of your post")


class Notification(BaseModel):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=40, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # What the notification is about, by app label + model + id (re-checked when shown).
    target_type = models.CharField(max_length=60, blank=True)
    target_id = models.BigIntegerField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Set once an e-mail (immediate or a digest) told the recipient: never mailed twice.
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            # Finding the group a new reaction or comment joins.
            models.Index(fields=["recipient", "kind", "target_type", "target_id"], name="notification_group"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}"


# --- E-mail preferences (see preferences.py for the choices and defaults) ---------------------


class Delivery(models.TextChoices):
    IN_APP = "in_app", _("In the app only")
    IMMEDIATE = "immediate", _("By e-mail at once")
    DAILY = "daily", _("Daily digest")
    WEEKLY = "weekly", _("Weekly digest")
    # Unread messages only: one e-mail a while after a message arrives, if still unread.
    DELAYED = "delayed", _("By e-mail if still unread")


class NotificationPreference(models.Model):
    """How a member wants to hear about one kind. No row: the kind's default
    (`preferences.DEFAULTS`). `kind` is a `Kind` value or `preferences.MESSAGE_KIND`."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=40)
    delivery = models.CharField(max_length=10, choices=Delivery.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "kind"], name="notification_preference_once"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.kind} → {self.delivery}"


class DigestRun(models.Model):
    """One digest per member per period ("daily" + "2026-12-07", "weekly" + "2026-W50"),
    claimed by inserting this row before composing: two workers or a restart never send
    twice (the unique constraint refuses the second claim)."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    frequency = models.CharField(max_length=10)
    period = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    notifications_sent = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "frequency", "period"], name="digest_run_once"),
        ]

    def __str__(self) -> str:
        return f"{self.frequency} digest {self.period} for {self.member_id}"
