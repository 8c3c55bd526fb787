"""The feed: posts, their images, document, poll and link preview; comments, reactions, reposts,
hashtags, mentions, saved and hidden posts, reports, and the buffered impressions behind reach.

Counters on `Post` and `Comment` (reactions by kind, comments, reposts, impressions) are kept by
the services, under a row lock, so a feed page never counts rows to show them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from maillage.core.audience import Audience, AudienceFields
from maillage.core.models import BaseModel

MEMBER = settings.AUTH_USER_MODEL

POST_MAX_CHARS = 3000
COMMENT_MAX_CHARS = 1250
MAX_IMAGES = 9
ALT_TEXT_MAX = 300
POLL_MIN_OPTIONS = 2
POLL_MAX_OPTIONS = 4
POLL_OPTION_MAX = 30
POLL_QUESTION_MAX = 140
HASHTAG_MAX = 50

# Audiences a member may choose for a post, widest first (a repost may only narrow).
POST_AUDIENCES = [Audience.PUBLIC, Audience.MEMBERS, Audience.CONNECTIONS]
AUDIENCE_BREADTH = {Audience.PUBLIC: 3, Audience.MEMBERS: 2, Audience.CONNECTIONS: 1}


def private_storage():
    """Post images and documents are served by a view that checks the post's audience, never
    from the public media folder."""
    from django.core.files.storage import storages

    return storages["private"]


class ReactionKind(models.TextChoices):
    LIKE = "like", _("Like")
    CELEBRATE = "celebrate", _("Celebrate")
    SUPPORT = "support", _("Support")
    LOVE = "love", _("Love")
    INSIGHTFUL = "insightful", _("Insightful")
    FUNNY = "funny", _("Funny")


class PostStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    PUBLISHED = "published", _("Published")


class PostKind(models.TextChoices):
    POST = "post", _("Post")  # may quote another post (`repost_of`): a repost with a comment
    REPOST = "repost", _("Repost")  # a plain repost: no text of its own


class LinkPreview(BaseModel):
    """What a link in a post points to, fetched once per URL by a background task (see
    link_preview.py for the SSRF rules). Title, description and image are data, never HTML."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    url = models.URLField(max_length=2000)
    url_hash = models.CharField(max_length=64, unique=True)  # sha256 of the URL
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    title = models.CharField(max_length=300, blank=True)
    description = models.CharField(max_length=500, blank=True)
    site_name = models.CharField(max_length=100, blank=True)
    image = models.ImageField(upload_to="feed/previews/", blank=True, storage=private_storage)
    fetched_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return self.url


class Post(BaseModel):
    audience_fields = AudienceFields(audience="audience", owner="author")

    author = models.ForeignKey(MEMBER, on_delete=models.CASCADE, related_name="posts")
    kind = models.CharField(max_length=10, choices=PostKind.choices, default=PostKind.POST)
    audience = models.CharField(
        _("who can see this"), max_length=20, choices=Audience.choices, default=Audience.PUBLIC
    )
    body = models.TextField(_("text"), max_length=POST_MAX_CHARS, blank=True)
    body_html = models.TextField(blank=True, editable=False)  # rendered once by services
    language = models.CharField(max_length=10, blank=True)
    status = models.CharField(max_length=10, choices=PostStatus.choices, default=PostStatus.PUBLISHED)
    publish_at = models.DateTimeField(_("publish at"), null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    repost_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="reposts"
    )
    # A repost with a comment outlives its original: once the original is deleted (repost_of
    # then NULL), this says so, and the card shows "This post is no longer available".
    repost_of_deleted = models.BooleanField(default=False, editable=False)
    link_preview = models.ForeignKey(
        LinkPreview, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    document = models.FileField(upload_to="feed/documents/", blank=True, storage=private_storage)
    document_name = models.CharField(max_length=200, blank=True)
    document_size = models.PositiveIntegerField(default=0)
    document_pages = models.PositiveIntegerField(default=0)

    # Counters kept by the services (see the module docstring).
    reaction_count = models.PositiveIntegerField(default=0)
    reaction_counts = models.JSONField(default=dict, blank=True)  # {"like": 3, "love": 1}
    comment_count = models.PositiveIntegerField(default=0)
    repost_count = models.PositiveIntegerField(default=0)
    impression_count = models.PositiveIntegerField(default=0)  # de-duplicated per viewer per day
    viewer_count = models.PositiveIntegerField(default=0)  # unique viewers ever

    class Meta:
        ordering = ["-published_at", "-pk"]
        indexes = [
            models.Index(fields=["author", "status", "-published_at"], name="post_author_timeline"),
            models.Index(fields=["status", "-published_at", "-id"], name="post_published"),
            models.Index(fields=["status", "publish_at"], name="post_scheduled"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="repost") | Q(body=""), name="post_plain_repost_has_no_text"
            ),
        ]

    def __str__(self) -> str:
        return f"Post {self.public_id} by {self.author_id}"

    @property
    def is_published(self) -> bool:
        return self.status == PostStatus.PUBLISHED

    @property
    def is_plain_repost(self) -> bool:
        return self.kind == PostKind.REPOST


class PostImage(BaseModel):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="images")
    position = models.PositiveSmallIntegerField(default=0)
    image = models.ImageField(upload_to="feed/images/", storage=private_storage)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    alt_text = models.CharField(_("description for people who cannot see the image"), max_length=ALT_TEXT_MAX, blank=True)

    class Meta:
        ordering = ["position", "pk"]


class Poll(models.Model):
    post = models.OneToOneField(Post, on_delete=models.CASCADE, related_name="poll")
    question = models.CharField(_("question"), max_length=POLL_QUESTION_MAX)
    closes_at = models.DateTimeField(_("closes"))
    vote_count = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return self.question


class PollOption(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField(default=0)
    label = models.CharField(_("option"), max_length=POLL_OPTION_MAX)
    vote_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"PollOption {self.pk}"


class PollVote(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="votes")
    option = models.ForeignKey(PollOption, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(MEMBER, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["poll", "voter"], name="poll_one_vote")]

    def __str__(self) -> str:
        return f"PollVote {self.pk}"


class Hashtag(models.Model):
    name = models.CharField(max_length=HASHTAG_MAX)  # as first written
    key = models.CharField(max_length=HASHTAG_MAX, unique=True)  # folded: lower case, no accents
    post_count = models.PositiveIntegerField(default=0)
    follower_count = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"#{self.name}"


class PostHashtag(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="hashtag_rows")
    hashtag = models.ForeignKey(Hashtag, on_delete=models.CASCADE, related_name="post_rows")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "hashtag"], name="post_hashtag_once")]
        indexes = [models.Index(fields=["hashtag", "post"], name="hashtag_posts")]

    def __str__(self) -> str:
        return f"PostHashtag {self.pk}"


class HashtagFollow(models.Model):
    member = models.ForeignKey(MEMBER, on_delete=models.CASCADE, related_name="hashtag_follows")
    hashtag = models.ForeignKey(Hashtag, on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "hashtag"], name="hashtag_follow_once")
        ]

    def __str__(self) -> str:
        return f"HashtagFollow {self.pk}"


class Comment(BaseModel):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(MEMBER, on_delete=models.CASCADE, related_name="+")
    # One level of replies: a reply's parent is always a top-level comment.
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    body = models.TextField(_("comment"), max_length=COMMENT_MAX_CHARS)
    body_html = models.TextField(blank=True, editable=False)
    edited_at = models.DateTimeField(null=True, blank=True)
    reaction_count = models.PositiveIntegerField(default=0)
    reaction_counts = models.JSONField(default=dict, blank=True)
    reply_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["post", "parent", "created_at"], name="comment_thread"),
            models.Index(fields=["author", "-created_at"], name="comment_by_author"),
        ]

    def __str__(self) -> str:
        return f"Comment {self.public_id} on {self.post_id}"


class Mention(models.Model):
    """A member named in a post or a comment (exactly one of the two)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, null=True, blank=True, related_name="mentions")
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="mentions"
    )
    member = models.ForeignKey(MEMBER, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(post__isnull=False, comment__isnull=True)
                | Q(post__isnull=True, comment__isnull=False),
                name="mention_post_or_comment",
            ),
            models.UniqueConstraint(fields=["post", "member"], name="mention_once_per_post"),
            models.UniqueConstraint(fields=["comment", "member"], name="mention_once_per_comment"),
        ]

    def __str__(self) -> str:
        return f"Mention {self.pk}"


class Reaction(models.Model):
    """One per member per post or comment; changing kind updates the row."""

    member = models.ForeignKey(MEMBER, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, null=True, blank=True, related_name="reactions")
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="reactions"
    )
    kind = models.CharField(max_length=12, choices=ReactionKind.choices)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(post__isnull=False, comment__isnull=True)
                | Q(post__isnull=True, comment__isnull=False),
                name="reaction_post_or_comment",
            ),
            models.UniqueConstraint(fields=["member", "post"], name="reaction_once_per_post"),
            models.UniqueConstraint(fields=["member", "comment"], name="reaction_once_per_comment"),
        ]
        indexes = [
            models.Index(fields=["post", "-created_at"], name="reaction_by_post"),
            models.Index(fields=["member", "-created_at"], name="reaction_by_member"),
        ]

    def __str__(self) -> str:
        return f"Reaction {self.pk}"


class SavedPost(models.Model):
    member = models.ForeignKey(MEMBER, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["member", "post"], name="saved_once")]

    def __str__(self) -> str:
        return f"SavedPost {self.pk}"


class HiddenPost(models.Model):
    """"I don't want to see this": the post never shows in this member's feed again."""

    member = models.ForeignKey(MEMBER, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "post"], name="hidden_once")]

    def __str__(self) -> str:
        return f"HiddenPost {self.pk}"


class FeedOrder(models.TextChoices):
    RANKED = "ranked", _("Most relevant first")
    RECENT = "recent", _("Most recent first")


class FeedSettings(models.Model):
    member = models.OneToOneField(MEMBER, on_delete=models.CASCADE, related_name="feed_settings")
    order = models.CharField(max_length=10, choices=FeedOrder.choices, default=FeedOrder.RANKED)

    def __str__(self) -> str:
        return f"FeedSettings {self.pk}"


class Report(BaseModel):
    """A member's report of a post or a comment, for the staff queue."""

    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam or scam")
        HARASSMENT = "harassment", _("Harassment or hateful speech")
        MISINFORMATION = "misinformation", _("False information")
        VIOLENCE = "violence", _("Violence or dangerous content")
        IMPERSONATION = "impersonation", _("Fake account or impersonation")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    reporter = models.ForeignKey(MEMBER, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    note = models.TextField(_("details"), max_length=1000, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "post"], condition=Q(comment__isnull=True), name="report_post_once"
            ),
            models.UniqueConstraint(
                fields=["reporter", "comment"], condition=Q(comment__isnull=False), name="report_comment_once"
            ),
        ]


class PostImpression(models.Model):
    """One viewer saw one post in their feed on one day (written in batches; see impressions.py)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    viewer = models.ForeignKey(MEMBER, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "viewer", "day"], name="impression_once_a_day")
        ]
        indexes = [models.Index(fields=["viewer", "day"], name="impression_by_viewer")]

    def __str__(self) -> str:
        return f"PostImpression {self.pk}"
