"""Conversations between members: one-to-one or in a group, their messages and attachments.

Who is in a conversation is the `Participant` rows whose `left_at` is empty; a member who left
keeps their row (and what they saw until then) but receives nothing more. A conversation with
someone who is not a connection starts as a *message request*: the recipient's row is `pending`
until they accept (then both write freely) or decline (the sender is not told).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from maillage.core.models import BaseModel

MEMBER = settings.AUTH_USER_MODEL

MESSAGE_MAX_CHARS = 8000
GROUP_MAX_PARTICIPANTS = 50
GROUP_NAME_MAX = 80
ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
ATTACHMENTS_PER_MESSAGE = 10


def private_storage():
    """Attachments are served by a view that checks the downloader is a participant."""
    from django.core.files.storage import storages

    return storages["private"]


class ConversationKind(models.TextChoices):
    DIRECT = "direct", _("One-to-one")
    GROUP = "group", _("Group")


class Conversation(BaseModel):
    kind = models.CharField(max_length=10, choices=ConversationKind.choices)
    name = models.CharField(_("conversation name"), max_length=GROUP_NAME_MAX, blank=True)
    created_by = models.ForeignKey(MEMBER, on_delete=models.SET_NULL, null=True, related_name="+")
    # "<smaller id>:<larger id>" for one-to-one conversations: there is only ever one per pair.
    direct_key = models.CharField(max_length=40, null=True, blank=True, unique=True)
    last_message_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_message = models.ForeignKey(
        "Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return self.name or f"Conversation {self.public_id}"

    @property
    def is_group(self) -> bool:
        return self.kind == ConversationKind.GROUP


class RequestState(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    PENDING = "pending", _("Waiting for an answer")
    DECLINED = "declined", _("Declined")


class Participant(models.Model):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="participants")
    member = models.ForeignKey(MEMBER, on_delete=models.CASCADE, related_name="conversation_rows")
    is_admin = models.BooleanField(default=False)  # a group's creator manages it
    request_state = models.CharField(
        max_length=10, choices=RequestState.choices, default=RequestState.ACCEPTED
    )
    joined_at = models.DateTimeField(auto_now_add=True)
    left_at = models.DateTimeField(null=True, blank=True)
    # Read state: the newest message this member has read (ids grow with time).
    last_read_message_id = models.BigIntegerField(default=0)
    last_read_at = models.DateTimeField(null=True, blank=True)
    marked_unread = models.BooleanField(default=False)
    muted = models.BooleanField(default=False)
    archived = models.BooleanField(default=False)
    # The newest message an "unread messages" e-mail already told this member about.
    emailed_up_to_message_id = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["conversation", "member"], name="participant_once"),
        ]
        indexes = [
            models.Index(fields=["member", "left_at"], name="participant_inbox"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} in {self.conversation_id}"

    @property
    def is_active(self) -> bool:
        return self.left_at is None


class MessageKind(models.TextChoices):
    TEXT = "text", _("Message")
    EVENT = "event", _("Conversation event")  # "Camille added Jean", "Jean left", renamed…


class Message(BaseModel):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    sender = models.ForeignKey(MEMBER, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=MessageKind.choices, default=MessageKind.TEXT)
    body = models.TextField(_("message"), max_length=MESSAGE_MAX_CHARS, blank=True)
    body_html = models.TextField(blank=True, editable=False)
    # For events: what happened and to whom, rendered in each reader's language when shown.
    event = models.JSONField(default=dict, blank=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    # Chosen by the sending page: a form resent after a lost connection is stored once.
    client_id = models.UUIDField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["conversation", "id"], name="message_thread")]
        constraints = [
            models.UniqueConstraint(
                fields=["sender", "client_id"], condition=Q(client_id__isnull=False), name="message_client_id_once"
            )
        ]

    def __str__(self) -> str:
        return f"Message {self.public_id}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class Attachment(BaseModel):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="messaging/", storage=private_storage)
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=100)
    is_image = models.BooleanField(default=False)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class MessagingSettings(models.Model):
    member = models.OneToOneField(MEMBER, on_delete=models.CASCADE, related_name="messaging_settings")
    # One setting for both, as on LinkedIn: off on either side, neither sees the other's.
    read_receipts = models.BooleanField(
        _("Read receipts and typing indicators"),
        default=True,
        help_text=_("Let others see when you have read their messages and when you are typing."),
    )

    def __str__(self) -> str:
        return f"Messaging settings of {self.member_id}"
