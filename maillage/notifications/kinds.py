"""How each kind of notification is shown: its sentence (in the viewer's language), its link,
and the check, made again when it is shown, that the recipient may still see what it points to.

A notification is a pointer, not a copy: if the actor is now blocked or gone, or the invitation
was withdrawn, the notification simply disappears from the list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from .models import Kind, Notification


@dataclass
class Shown:
    """A notification ready for the page."""

    notification: Notification
    text: str
    url: str
    icon: str
    detail: str = ""  # a few words of the post or comment it is about
    actors: tuple = ()  # grouped kinds: the actors still shown, latest first

    @property
    def actor(self):
        return self.actors[0] if self.actors else self.notification.actor

    @property
    def unread(self) -> bool:
        return self.notification.read_at is None

    @property
    def created_at(self):
        return self.notification.created_at


def _name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or _("A member")


def _profile_url(user) -> str:
    profile = getattr(user, "profile", None) if user is not None else None
    if profile is not None and profile.address:
        return reverse("profile", args=[profile.address])
    return reverse("home")


def _reverse_or(name: str, fallback: str, query: str = "") -> str:
    """Reverse a URL name another area owns; fall back when it does not exist (yet)."""
    try:
        return reverse(name) + query
    except NoReverseMatch:
        return fallback


def _status_not_in(*statuses: str) -> Callable[[Notification, Any], bool]:
    def check(notification: Notification, target: Any) -> bool:
        # A missing target is handled by `show()`; without one there is no status to check.
        return getattr(target, "status", None) not in statuses

    return check


def _always(notification: Notification, target: Any) -> bool:
    return True


def _reminder_is_mine(notification: Notification, target: Any) -> bool:
    if target is None or target.contact.owner_id != notification.recipient_id:
        return False
    about = target.contact.member
    if about is None:
        return True
    # The relationship page of a member one may no longer see is gone: so is its reminder.
    from maillage.core import audience

    return about.is_active and not audience.is_blocked(notification.recipient_id, about.pk)


def _reminder_url(notification: Notification, target: Any) -> str:
    from maillage.network.crm import contact_url

    return contact_url(target.contact)


def _reminder_text(notification: Notification, target: Any) -> str:
    from maillage.network.crm import contact_display_name

    return _("Reminder about %(contact)s: %(text)s") % {
        "contact": contact_display_name(target.contact),
        "text": target.text,
    }


def _endorsement_text(notification: Notification, target: Any) -> str:
    skill = notification.data.get("skill") or ""
    if not skill and target is not None:
        skill = target.profile_skill.skill.name
    if skill:
        return _("%(name)s endorsed you for %(skill)s.") % {
            "name": _name(notification.actor),
            "skill": skill,
        }
    return _("%(name)s endorsed one of your skills.") % {"name": _name(notification.actor)}


def _simple(message: str) -> Callable[[Notification, Any], str]:
    # `message` is a msgid marked with gettext_noop below; translated when shown.
    def text(notification: Notification, target: Any) -> str:
        return _(message) % {"name": _name(notification.actor)}

    return text


@dataclass(frozen=True)
class KindRule:
    text: Callable[[Notification, Any], str]
    url: Callable[[Notification, Any], str]
    visible: Callable[[Notification, Any], bool]
    icon: str
    needs_actor: bool = True
    # Grouped kinds ("A, B and 10 others reacted…"): `group_text(names, others, target)` replaces
    # `text`, and the actors listed in `data` are re-checked one by one instead of `actor`.
    group_text: Callable[[list[str], int, Any], str] | None = None
    detail: Callable[[Notification, Any], str] | None = None


def _actor_profile(notification: Notification, target: Any) -> str:
    return _profile_url(notification.actor)


def _named(name: str, query: str = "") -> Callable[[Notification, Any], str]:
    def url(notification: Notification, target: Any) -> str:
        return _reverse_or(name, _profile_url(notification.actor), query)

    return url


def _own_profile(notification: Notification, target: Any) -> str:
    return _reverse_or("my_profile", _profile_url(notification.actor))


RULES: dict[str, KindRule] = {
    Kind.INVITATION_RECEIVED: KindRule(
        text=_simple(gettext_noop("%(name)s invited you to connect.")),
        url=_named("network_invitations"),
        visible=_status_not_in("withdrawn"),
        icon="user-plus",
    ),
    Kind.INVITATION_ACCEPTED: KindRule(
        text=_simple(gettext_noop("%(name)s accepted your invitation to connect.")),
        url=_actor_profile,
        visible=_always,
        icon="users",
    ),
    Kind.ENDORSEMENT: KindRule(
        text=_endorsement_text,
        url=_own_profile,
        visible=_always,
        icon="badge-check",
    ),
    Kind.RECOMMENDATION_REQUESTED: KindRule(
        text=_simple(gettext_noop("%(name)s asked you for a recommendation.")),
        url=_named("recommendations", "?tab=requests"),
        visible=_always,
        icon="messages",
    ),
    Kind.RECOMMENDATION_RECEIVED: KindRule(
        text=_simple(gettext_noop("%(name)s wrote you a recommendation.")),
        url=_named("recommendations"),
        visible=_always,
        icon="messages",
    ),
    Kind.INTRODUCTION_REQUESTED: KindRule(
        text=_simple(gettext_noop("%(name)s asked you for an introduction.")),
        url=_named("introductions"),
        visible=_status_not_in("withdrawn"),
        icon="share-2",
    ),
    Kind.INTRODUCTION_FORWARDED: KindRule(
        text=_simple(gettext_noop("%(name)s sent you an introduction.")),
        url=_named("introductions"),
        visible=_status_not_in("withdrawn"),
        icon="share-2",
    ),
    Kind.INTRODUCTION_DECLINED: KindRule(
        text=_simple(gettext_noop("%(name)s declined your introduction request.")),
        url=_named("introductions"),
        visible=_always,
        icon="share-2",
    ),
    Kind.REMINDER_DUE: KindRule(
        text=_reminder_text,
        url=_reminder_url,
        visible=_reminder_is_mine,
        icon="bell",
        needs_actor=False,
    ),
    Kind.NEW_FOLLOWER: KindRule(
        text=_simple(gettext_noop("%(name)s started following you.")),
        url=_actor_profile,
        visible=_always,
        icon="user-plus",
    ),
}


# --- The feed ----------------------------------------------------------------------------------
# Each feed notification points at a post or a comment and is shown only while its recipient may
# still see it, by the feed's own access rules (audience narrowed, post deleted, a block since).


def _recipient(notification: Notification):
    # The selector attaches the member whose page this is, so no query per row.
    return notification.recipient


def _post_visible(notification: Notification, target: Any) -> bool:
    from maillage.feed.access import can_view_post

    return target is not None and can_view_post(_recipient(notification), target)


def _comment_visible(notification: Notification, target: Any) -> bool:
    from maillage.feed.access import can_view_comment

    return target is not None and can_view_comment(_recipient(notification), target, target.post)


def post_url(post, anchor: str = "") -> str:
    try:
        url = reverse("post", args=[post.public_id])
    except NoReverseMatch:  # until the post page lands
        url = reverse("home")
    return f"{url}#{anchor}" if anchor else url


def comment_anchor(public_id) -> str:
    """The id the post page gives a comment's element."""
    return f"comment-{public_id}"


def _to_post(notification: Notification, target: Any) -> str:
    return post_url(target)


def _to_post_comments(notification: Notification, target: Any) -> str:
    latest = notification.data.get("comment")
    return post_url(target, comment_anchor(latest) if latest else "comments")


def _to_comment(notification: Notification, target: Any) -> str:
    return post_url(target.post, comment_anchor(target.public_id))


def _words(text: str) -> str:
    from maillage.feed.text import plain_text

    return Truncator(" ".join(plain_text(text).split())).chars(90)


def _post_words(notification: Notification, target: Any) -> str:
    if not target.body and target.repost_of is not None:
        return _words(target.repost_of.body)  # a plain repost: what it reposts
    return _words(target.body)


def _comment_words(notification: Notification, target: Any) -> str:
    return _words(target.body)


def _grouped(one: str, two: str, many: Callable[[int], str], one_and_many: Callable[[int], str]):
    """The sentence for one actor, for two, or for one or two named and N others. `one` and
    `two` are msgids marked with gettext_noop; `many(n)` and `one_and_many(n)` call ngettext with
    their literal msgids."""

    def text(names: list[str], others: int, target: Any) -> str:
        if others <= 0 and len(names) == 1:
            return _(one) % {"name": names[0]}
        if others <= 0:
            return _(two) % {"name": names[0], "other": names[1]}
        if len(names) == 1:
            return one_and_many(others) % {"name": names[0], "count": others}
        return many(others) % {"name": names[0], "other": names[1], "count": others}

    return text


FEED_RULES: dict[str, KindRule] = {
    Kind.POST_MENTION: KindRule(
        text=_simple(gettext_noop("%(name)s mentioned you in a post.")),
        url=_to_post,
        visible=_post_visible,
        icon="user",
        detail=_post_words,
    ),
    Kind.COMMENT_MENTION: KindRule(
        text=_simple(gettext_noop("%(name)s mentioned you in a comment.")),
        url=_to_comment,
        visible=_comment_visible,
        icon="user",
        detail=_comment_words,
    ),
    Kind.COMMENT_REPLY: KindRule(
        text=_simple(gettext_noop("%(name)s replied to your comment.")),
        url=_to_comment,
        visible=_comment_visible,
        icon="messages",
        detail=_comment_words,
    ),
    Kind.POST_REPOST: KindRule(
        text=_simple(gettext_noop("%(name)s reposted your post.")),
        url=_to_post,
        visible=_post_visible,
        icon="share-2",
        detail=_post_words,
    ),
    Kind.POST_COMMENT: KindRule(
        text=_simple(gettext_noop("%(name)s commented on your post.")),
        url=_to_post_comments,
        visible=_post_visible,
        icon="messages",
        detail=_post_words,
        group_text=_grouped(
            gettext_noop("%(name)s commented on your post."),
            gettext_noop("%(name)s and %(other)s commented on your post."),
            lambda n: ngettext(
                "%(name)s, %(other)s and %(count)s other commented on your post.",
                "%(name)s, %(other)s and %(count)s others commented on your post.",
                n,
            ),
            lambda n: ngettext(
                "%(name)s and %(count)s other commented on your post.",
                "%(name)s and %(count)s others commented on your post.",
                n,
            ),
        ),
    ),
    Kind.POST_REACTION: KindRule(
        text=_simple(gettext_noop("%(name)s reacted to your post.")),
        url=_to_post,
        visible=_post_visible,
        icon="check",
        detail=_post_words,
        group_text=_grouped(
            gettext_noop("%(name)s reacted to your post."),
            gettext_noop("%(name)s and %(other)s reacted to your post."),
            lambda n: ngettext(
                "%(name)s, %(other)s and %(count)s other reacted to your post.",
                "%(name)s, %(other)s and %(count)s others reacted to your post.",
                n,
            ),
            lambda n: ngettext(
                "%(name)s and %(count)s other reacted to your post.",
                "%(name)s and %(count)s others reacted to your post.",
                n,
            ),
        ),
    ),
    Kind.COMMENT_REACTION: KindRule(
        text=_simple(gettext_noop("%(name)s reacted to your comment.")),
        url=_to_comment,
        visible=_comment_visible,
        icon="check",
        detail=_comment_words,
        group_text=_grouped(
            gettext_noop("%(name)s reacted to your comment."),
            gettext_noop("%(name)s and %(other)s reacted to your comment."),
            lambda n: ngettext(
                "%(name)s, %(other)s and %(count)s other reacted to your comment.",
                "%(name)s, %(other)s and %(count)s others reacted to your comment.",
                n,
            ),
            lambda n: ngettext(
                "%(name)s and %(count)s other reacted to your comment.",
                "%(name)s and %(count)s others reacted to your comment.",
                n,
            ),
        ),
    ),
}
RULES.update(FEED_RULES)
GROUPED_KINDS = frozenset(kind for kind, rule in RULES.items() if rule.group_text is not None)
GROUP_NAMES_LOADED = 5  # actors loaded per group to pick the names shown


def _feed_post_queryset():
    from maillage.feed.models import Post

    # What can_view_post reads: the author, and a repost's original with its author.
    return Post.objects.select_related("author", "repost_of", "repost_of__author")


def _feed_comment_queryset():
    from maillage.feed.models import Comment

    return Comment.objects.select_related(
        "author", "post", "post__author", "post__repost_of", "post__repost_of__author"
    )


# How each target model is loaded (one query per model present on the page).
TARGET_QUERYSETS: dict[str, Callable[[], Any]] = {
    "feed.post": _feed_post_queryset,
    "feed.comment": _feed_comment_queryset,
}


def _target_queryset(label: str):
    if label in TARGET_QUERYSETS:
        return TARGET_QUERYSETS[label]()
    if label == "network.reminder":
        from maillage.network.models import Reminder

        return Reminder.objects.select_related("contact", "contact__member__profile")
    if label == "profiles.endorsement":
        from maillage.profiles.models import Endorsement

        return Endorsement.objects.select_related("profile_skill__skill")
    from django.apps import apps

    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return None
    return model._default_manager.all()


def load_targets(notifications: list[Notification]) -> dict[tuple[str, int], Any]:
    """Every target of these notifications, one query per kind of target."""
    wanted: dict[str, set[int]] = {}
    for n in notifications:
        if n.target_type and n.target_id is not None:
            wanted.setdefault(n.target_type, set()).add(n.target_id)
    found: dict[tuple[str, int], Any] = {}
    for label, ids in wanted.items():
        queryset = _target_queryset(label)
        if queryset is None:
            continue
        for pk, obj in queryset.in_bulk(list(ids)).items():
            found[(label, pk)] = obj
    return found


def group_actor_ids(notifications: list[Notification]) -> set[int]:
    """The actors of grouped notifications whose names may be shown (loaded in one query)."""
    ids: set[int] = set()
    for n in notifications:
        if n.kind in GROUPED_KINDS:
            ids.update(int(i) for i in (n.data.get("actors") or [])[:GROUP_NAMES_LOADED])
    return ids


def _show_group(
    notification: Notification, target: Any, rule: KindRule, hidden_actor_ids, people
) -> Shown | None:
    """A grouped notification names its actors still active and not blocked either way; the
    ones who dropped out leave the count too."""
    listed = [int(i) for i in notification.data.get("actors") or []]
    count = int(notification.data.get("count", len(listed)))
    shown_actors = []
    dropped = 0
    for position, actor_id in enumerate(listed):
        if actor_id in hidden_actor_ids:
            dropped += 1
            continue
        if position >= GROUP_NAMES_LOADED:
            continue
        person = people.get(actor_id)
        if person is None or not person.is_active:
            dropped += 1
            continue
        shown_actors.append(person)
    if not shown_actors:
        return None
    if not rule.visible(notification, target):
        return None
    count = max(count - dropped, len(shown_actors))
    names = [_name(person) for person in shown_actors[:2]]
    return Shown(
        notification=notification,
        text=rule.group_text(names, count - len(names), target),
        url=rule.url(notification, target),
        icon=rule.icon,
        detail=rule.detail(notification, target) if rule.detail else "",
        actors=tuple(shown_actors),
    )


def show(
    notification: Notification,
    target: Any,
    *,
    hidden_actor_ids: frozenset[int],
    people: dict[int, Any] | None = None,
) -> Shown | None:
    """The notification as its recipient sees it now, or None if it should no longer appear.
    `people`: the members `group_actor_ids` named, by id (for grouped kinds)."""
    rule = RULES.get(notification.kind)
    if rule is None:
        return None
    if notification.target_type and target is None:
        return None  # what it pointed to is gone
    if rule.group_text is not None and notification.data.get("actors"):
        return _show_group(notification, target, rule, hidden_actor_ids, people or {})
    actor = notification.actor
    if actor is not None:
        if not actor.is_active or actor.pk in hidden_actor_ids:
            return None
    elif rule.needs_actor:
        return None
    if not rule.visible(notification, target):
        return None
    return Shown(
        notification=notification,
        text=rule.text(notification, target),
        url=rule.url(notification, target),
        icon=rule.icon,
        detail=rule.detail(notification, target) if rule.detail else "",
    )
