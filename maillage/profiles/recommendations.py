"""Recommendations: requested from a connection, written, approved by the recipient, shown.

Life of one recommendation::

    REQUESTED ──(author writes)──▶ PENDING ──(recipient approves)──▶ VISIBLE ◀──▶ HIDDEN
        │                            └──(recipient rejects)──▶ REJECTED
        └──(author declines)──▶ DECLINED

A connection may also write one unrequested (it starts PENDING). Only the two people involved
ever see a request or a pending recommendation; everyone who may see the recipient's profile
sees the VISIBLE ones (a blocked author's are left out for the viewer).

Writes raise `ValidationError` with a message for the member and change nothing then.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.network import degrees
from maillage.notifications.models import Kind
from maillage.notifications.services import notification_create

from .models import Recommendation, RecommendationRelationship

BODY_MAX = 3000
MESSAGE_MAX = 1000
CONTEXT_MAX = 200
Status = Recommendation.Status


def relationship_sentence(recommendation: Recommendation) -> str:
    """ "Alice Martin managed Bob Durand directly": the relationship label with both names."""
    label = RecommendationRelationship(recommendation.relationship).label
    return str(label) % {
        "author": recommendation.author.get_full_name(),
        "recipient": recommendation.recipient.get_full_name(),
    }


def relationship_choices(*, author: User, recipient: User) -> list[tuple[str, str]]:
    """The relationship options with the two names filled in, for forms."""
    names = {"author": author.get_full_name(), "recipient": recipient.get_full_name()}
    return [(value, str(label) % names) for value, label in RecommendationRelationship.choices]


# --- Checks -------------------------------------------------------------------------------------


def _check_connected(a: User, b: User) -> None:
    if a.pk == b.pk:
        raise ValidationError(_("You cannot recommend yourself."), code="self")
    if not b.is_active or degrees.degree_of(a.pk, b.pk) != degrees.FIRST:
        raise ValidationError(
            _("Recommendations are only between 1st-degree connections."), code="not_connected"
        )


def _clean_relationship(relationship: str) -> str:
    if relationship not in RecommendationRelationship.values:
        raise ValidationError(_("Choose how you know each other."), code="relationship")
    return relationship


def _clean_text(value: str, *, limit: int, message: str) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise ValidationError(message, code="too_long")
    return value


def _clean_body(body: str) -> str:
    body = _clean_text(
        body,
        limit=BODY_MAX,
        message=_("A recommendation is at most %(max)d characters.") % {"max": BODY_MAX},
    )
    if not body:
        raise ValidationError(_("Write the recommendation."), code="empty")
    return body


def _clean_context(context: str) -> str:
    return _clean_text(
        context,
        limit=CONTEXT_MAX,
        message=_("The position is at most %(max)d characters.") % {"max": CONTEXT_MAX},
    )


def _locked(recommendation: Recommendation) -> Recommendation:
    return Recommendation.objects.select_for_update().get(pk=recommendation.pk)


# --- Writes -------------------------------------------------------------------------------------


def recommendation_request(
    *, recipient: User, author: User, relationship: str, context: str = "", message: str = ""
) -> Recommendation:
    """`recipient` asks their connection `author` to write them a recommendation."""
    _check_connected(recipient, author)
    relationship = _clean_relationship(relationship)
    context = _clean_context(context)
    message = _clean_text(
        message,
        limit=MESSAGE_MAX,
        message=_("The message is at most %(max)d characters.") % {"max": MESSAGE_MAX},
    )
    open_one = Q(status__in=[Status.REQUESTED, Status.PENDING])
    with transaction.atomic():
        if Recommendation.objects.filter(open_one, recipient=recipient, author=author).exists():
            raise ValidationError(
                _("You already have an open request with %(name)s.")
                % {"name": author.get_full_name()},
                code="open",
            )
        try:
            with transaction.atomic():
                recommendation = Recommendation.objects.create(
                    recipient=recipient,
                    author=author,
                    relationship=relationship,
                    context=context,
                    request_message=message,
                    status=Status.REQUESTED,
                )
        except IntegrityError as exc:
            raise ValidationError(
                _("You already have an open request with %(name)s.")
                % {"name": author.get_full_name()},
                code="open",
            ) from exc
        notification_create(
            recipient_id=author.pk,
            kind=Kind.RECOMMENDATION_REQUESTED,
            actor_id=recipient.pk,
            target=recommendation,
        )
    return recommendation


def recommendation_write(
    *,
    author: User,
    recipient: User,
    relationship: str,
    body: str,
    context: str = "",
    request: Recommendation | None = None,
) -> Recommendation:
    """`author` writes a recommendation for `recipient` — answering `request` (or an open request
    from them), or unrequested. It waits for the recipient's approval (PENDING)."""
    _check_connected(author, recipient)
    relationship = _clean_relationship(relationship)
    context = _clean_context(context)
    body = _clean_body(body)
    now = timezone.now()
    with transaction.atomic():
        if request is None:
            request = Recommendation.objects.filter(
                recipient=recipient, author=author, status__in=[Status.REQUESTED, Status.PENDING]
            ).first()
            if request is not None and request.status == Status.PENDING:
                raise ValidationError(
                    _("Your recommendation for %(name)s is waiting for their approval.")
                    % {"name": recipient.get_full_name()},
                    code="pending",
                )
        if request is not None:
            request = _locked(request)
            if (
                request.author_id != author.pk
                or request.recipient_id != recipient.pk
                or request.status != Status.REQUESTED
            ):
                raise ValidationError(_("This request is no longer open."), code="closed")
            request.relationship = relationship
            request.context = context
            request.body = body
            request.status = Status.PENDING
            request.written_at = now
            request.save(
                update_fields=[
                    "relationship",
                    "context",
                    "body",
                    "status",
                    "written_at",
                    "updated_at",
                ]
            )
            recommendation = request
        else:
            try:
                with transaction.atomic():
                    recommendation = Recommendation.objects.create(
                        recipient=recipient,
                        author=author,
                        relationship=relationship,
                        context=context,
                        body=body,
                        status=Status.PENDING,
                        written_at=now,
                    )
            except IntegrityError as exc:  # a second submit raced the first
                raise ValidationError(
                    _("Your recommendation for %(name)s is waiting for their approval.")
                    % {"name": recipient.get_full_name()},
                    code="pending",
                ) from exc
        notification_create(
            recipient_id=recipient.pk,
            kind=Kind.RECOMMENDATION_RECEIVED,
            actor_id=author.pk,
            target=recommendation,
        )
    return recommendation


def _move(
    recommendation: Recommendation, *, actor: User, as_author: bool, source: str, target: str
) -> Recommendation:
    """One state change by one of the two people involved; any other state is an error."""
    with transaction.atomic():
        current = _locked(recommendation)
        owner_id = current.author_id if as_author else current.recipient_id
        if owner_id != actor.pk:
            raise ValidationError(_("This recommendation is not yours to change."), code="owner")
        if current.status != source:
            raise ValidationError(
                _("This recommendation can no longer be changed that way."), code="state"
            )
        current.status = target
        current.decided_at = timezone.now()
        current.save(update_fields=["status", "decided_at", "updated_at"])
    recommendation.status = current.status
    recommendation.decided_at = current.decided_at
    return current


def recommendation_decline(*, author: User, recommendation: Recommendation) -> Recommendation:
    """The author declines a request (the requester is not notified)."""
    return _move(
        recommendation,
        actor=author,
        as_author=True,
        source=Status.REQUESTED,
        target=Status.DECLINED,
    )


def recommendation_approve(*, recipient: User, recommendation: Recommendation) -> Recommendation:
    return _move(
        recommendation,
        actor=recipient,
        as_author=False,
        source=Status.PENDING,
        target=Status.VISIBLE,
    )


def recommendation_reject(*, recipient: User, recommendation: Recommendation) -> Recommendation:
    return _move(
        recommendation,
        actor=recipient,
        as_author=False,
        source=Status.PENDING,
        target=Status.REJECTED,
    )


def recommendation_hide(*, recipient: User, recommendation: Recommendation) -> Recommendation:
    return _move(
        recommendation,
        actor=recipient,
        as_author=False,
        source=Status.VISIBLE,
        target=Status.HIDDEN,
    )


def recommendation_show(*, recipient: User, recommendation: Recommendation) -> Recommendation:
    return _move(
        recommendation,
        actor=recipient,
        as_author=False,
        source=Status.HIDDEN,
        target=Status.VISIBLE,
    )


# --- Reads --------------------------------------------------------------------------------------


def recommendation_for_party_or_404(viewer, public_id) -> Recommendation:
    """A recommendation the viewer is one of the two people of; 404 for anyone else (and for
    the other party once a block stands between them)."""
    if not getattr(viewer, "is_authenticated", False):
        raise Http404
    try:
        found = (
            Recommendation.objects.select_related(
                "author", "author__profile", "recipient", "recipient__profile"
            )
            .filter(Q(author=viewer) | Q(recipient=viewer))
            .get(public_id=public_id)
        )
    except (Recommendation.DoesNotExist, ValidationError, ValueError) as exc:
        raise Http404 from exc
    other_id = found.recipient_id if found.author_id == viewer.pk else found.author_id
    if other_id in degrees.blocked_ids(viewer.pk):
        raise Http404
    return found


def _shown_to(viewer, recipient_id: int) -> QuerySet[Recommendation]:
    rows = Recommendation.objects.filter(
        recipient_id=recipient_id, status=Status.VISIBLE, author__is_active=True
    )
    viewer_id = viewer.pk if getattr(viewer, "is_authenticated", False) else None
    if viewer_id is None:
        # Visitors see a recommendation only when its author shows their own page publicly:
        # the author's name is theirs to show.
        rows = rows.filter(author__profile__public_page=True)
    else:
        blocked = degrees.blocked_ids(viewer_id)
        if blocked:
            rows = rows.exclude(author_id__in=blocked)
    return rows.select_related("author", "author__profile").order_by("-written_at", "-pk")


@dataclass
class RecommendationsPage:
    items: list[Recommendation]
    has_more: bool


def _page(rows: QuerySet[Recommendation], *, limit: int, offset: int) -> RecommendationsPage:
    found = list(rows[offset : offset + limit + 1])
    return RecommendationsPage(items=found[:limit], has_more=len(found) > limit)


def recommendations_shown_page(
    viewer, recipient: User, *, limit: int = 3, offset: int = 0
) -> RecommendationsPage:
    """The VISIBLE recommendations of `recipient` the viewer may see, newest first (one query).

    Call `profile_visible_to()` first: this assumes the viewer may see the recipient's profile.
    """
    page = _page(_shown_to(viewer, recipient.pk), limit=limit, offset=offset)
    for item in page.items:
        item.recipient = recipient
        item.sentence = relationship_sentence(item)
    return page


TABS = ("received", "given", "requests")


def recommendations_tab_page(
    member: User, tab: str, *, limit: int = 20, offset: int = 0
) -> RecommendationsPage:
    """The member's own lists on /recommendations/ (one query; blocked people left out).

    * received: written for them (waiting, shown, hidden, not accepted);
    * given: what they wrote (waiting, shown; hidden and rejected ones read "not shown");
    * requests: requests they were asked to answer, and those they sent still open.
    """
    blocked = degrees.blocked_ids(member.pk)
    if tab == "received":
        rows = Recommendation.objects.filter(
            recipient=member,
            status__in=[Status.PENDING, Status.VISIBLE, Status.HIDDEN, Status.REJECTED],
        ).exclude(author_id__in=blocked)
        order = ("-written_at", "-pk")
    elif tab == "given":
        rows = Recommendation.objects.filter(
            author=member,
            status__in=[Status.PENDING, Status.VISIBLE, Status.HIDDEN, Status.REJECTED],
        ).exclude(recipient_id__in=blocked)
        order = ("-written_at", "-pk")
    else:
        rows = (
            Recommendation.objects.filter(status=Status.REQUESTED)
            .filter(Q(author=member) | Q(recipient=member))
            .exclude(author_id__in=blocked)
            .exclude(recipient_id__in=blocked)
        )
        order = ("-created_at", "-pk")
    rows = rows.filter(author__is_active=True, recipient__is_active=True)
    rows = rows.select_related(
        "author", "author__profile", "recipient", "recipient__profile"
    ).order_by(*order)
    page = _page(rows, limit=limit, offset=offset)
    for item in page.items:
        item.sentence = relationship_sentence(item)
    return page


def recommendation_counts(member: User) -> dict[str, int]:
    """What waits for the member: pending approvals and requests to answer (one query)."""
    blocked = degrees.blocked_ids(member.pk)
    rows = (
        Recommendation.objects.filter(
            Q(recipient=member, status=Status.PENDING) | Q(author=member, status=Status.REQUESTED)
        )
        .exclude(author_id__in=blocked)
        .exclude(recipient_id__in=blocked)
        .values_list("recipient_id", "status")
    )
    counts = {"to_approve": 0, "to_write": 0}
    for recipient_id, status in rows:
        if status == Status.PENDING and recipient_id == member.pk:
            counts["to_approve"] += 1
        elif status == Status.REQUESTED:
            counts["to_write"] += 1
    return counts
