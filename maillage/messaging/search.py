"""Search your messages: the words a member wrote or read, in their own conversations only.

What a member may find is exactly what they may read: text messages (not conversation events),
not deleted, of conversations they take part in — or took part in, then only what was said up to
the moment they left — never a message from someone on the other side of a block, and nothing of
a one-to-one conversation with such a person (it is gone for both), nor of a message request they
declined.

Matching is case- and accent-insensitive, every word of the query must be found, each as a word
or the start of one ("recrut" finds "Recrutement"). It uses the database's full-text index,
like people search (`maillage/search/backends.py`), created by migration 0002 of this app:

* SQLite: an FTS5 table over the messages' bodies (tokenizer `unicode61 remove_diacritics 2`,
  which folds case and accents of the text *and* of the query), kept in step by triggers;
* PostgreSQL: a GIN index on `to_tsvector('simple', messaging_fold(body))`, where
  `messaging_fold` is an immutable wrapper of `unaccent` + `lower` (unaccent alone may not be
  indexed); the query words go through the same function, so both sides fold alike.

The full-text match and the member's scope are one SQL statement; results come newest first,
paged by message id (keyset: `before` is the id of the last message shown).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.db import connection
from django.db.models import F, Q
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from maillage.accounts.models import fold_for_search

from .models import ConversationKind, Message, MessageKind, Participant, RequestState

MAX_QUERY_CHARS = 200
MAX_TERMS = 8
MAX_TERM_CHARS = 40
EXCERPT_CHARS = 160
_WORD = re.compile(r"[^\W_]+")


def query_terms(query: str) -> list[str]:
    """The query's words, as typed (NFC), lower-cased, at most MAX_TERMS of them, each cut to
    MAX_TERM_CHARS. Only letters and digits: nothing of the full-text syntax gets through."""
    text = unicodedata.normalize("NFC", (query or "")[:MAX_QUERY_CHARS]).lower()
    terms: list[str] = []
    for word in _WORD.findall(text):
        word = word[:MAX_TERM_CHARS]
        if word not in terms:
            terms.append(word)
    return terms[:MAX_TERMS]


def _matching_ids(terms: list[str]) -> RawSQL:
    """Ids of the text messages, not deleted, containing every term (as a word or its start)."""
    if connection.vendor == "sqlite":
        expression = " AND ".join(f'"{t}"*' for t in terms)
        return RawSQL(
            "SELECT rowid FROM messaging_message_fts WHERE messaging_message_fts MATCH %s",
            [expression],
        )
    if connection.vendor == "postgresql":
        expression = " & ".join(f"'{t}':*" for t in terms)
        # "OFFSET 0" keeps the match a subquery the planner runs first, on the GIN index:
        # pulled up into the outer query, PostgreSQL walked the member's messages newest first
        # instead and tested each (a rare word: 150-230 ms on 100,000 messages, 34-46 ms so).
        return RawSQL(
            "SELECT id FROM (SELECT id FROM messaging_message WHERE kind = 'text' "
            "AND deleted_at IS NULL "
            "AND to_tsvector('simple'::regconfig, messaging_fold(body)) "
            "@@ to_tsquery('simple'::regconfig, messaging_fold(%s)) OFFSET 0) AS matched",
            [expression],
        )
    raise RuntimeError(f"Message search does not support {connection.vendor!r}")


def _blocked_ids(member_id: int) -> list[int]:
    from maillage.core import audience

    return list(audience.relation(audience.BLOCKED).ids_for(member_id))


def searchable_messages(member, terms: list[str], *, blocked: list[int] | None = None):
    """The messages `member` may find, matching every term (a queryset, not evaluated)."""
    mine = Q(conversation__participants__member_id=member.pk) & Q(
        conversation__participants__request_state__in=[RequestState.ACCEPTED, RequestState.PENDING]
    )
    # A former participant finds only what was said before they left (same join as `mine`).
    in_time = Q(conversation__participants__left_at__isnull=True) | Q(
        created_at__lte=F("conversation__participants__left_at")
    )
    messages = Message.objects.filter(
        mine & in_time,
        pk__in=_matching_ids(terms),
        kind=MessageKind.TEXT,
        deleted_at__isnull=True,
    )
    blocked = _blocked_ids(member.pk) if blocked is None else blocked
    if blocked:
        blocked_direct = Participant.objects.filter(
            member_id__in=blocked, conversation__kind=ConversationKind.DIRECT
        ).values("conversation_id")
        messages = messages.exclude(sender_id__in=blocked).exclude(
            conversation_id__in=blocked_direct
        )
    return messages


@dataclass
class SearchResult:
    message: Message
    title: str  # the conversation's name, or the other people's names
    excerpt: SafeString  # escaped, the matching words in <mark>
    url: str | None  # None when the member has left the conversation (they cannot open it)
    left: bool
    mine: bool  # the member wrote it


@dataclass
class SearchPage:
    results: list[SearchResult]
    next_before: int | None  # pass as `before` for the next page; None on the last page


def messages_search(
    member, query: str, *, limit: int = 20, before: int | None = None
) -> SearchPage:
    """Messages of `member`'s conversations matching `query`, newest first, `limit` a page."""
    terms = query_terms(query)
    if not terms or member is None or not getattr(member, "is_authenticated", False):
        return SearchPage([], None)
    blocked = _blocked_ids(member.pk)
    messages = searchable_messages(member, terms, blocked=blocked)
    if before is not None:
        messages = messages.filter(pk__lt=before)
    found = list(
        messages.select_related("conversation", "sender", "sender__profile").order_by("-pk")[
            : limit + 1
        ]
    )
    has_more = len(found) > limit
    found = found[:limit]
    return SearchPage(
        _results(member, found, terms, set(blocked)), found[-1].pk if has_more and found else None
    )


def _results(
    member, found: list[Message], terms: list[str], blocked: set[int]
) -> list[SearchResult]:
    if not found:
        return []
    conversation_ids = {m.conversation_id for m in found}
    others: dict[int, list] = {cid: [] for cid in conversation_ids}
    left: dict[int, bool] = {}
    for row in (
        Participant.objects.filter(conversation_id__in=conversation_ids)
        .filter(Q(left_at__isnull=True) | Q(member_id=member.pk))
        .select_related("member")
        .order_by("joined_at", "pk")
    ):
        if row.member_id == member.pk:
            left[row.conversation_id] = row.left_at is not None
        elif row.member_id not in blocked:
            others[row.conversation_id].append(row.member)
    results = []
    for message in found:
        conversation = message.conversation
        gone = left.get(conversation.pk, True)
        url = None
        if not gone:
            # The page of messages ending with this one, scrolled to it (older and newer
            # ones are a click away, and arrive live with JavaScript).
            url = reverse("conversation", args=[conversation.public_id]) + f"?before={message.pk + 1}#m{message.pk}"
        results.append(
            SearchResult(
                message=message,
                title=conversation_title(conversation, others[conversation.pk]),
                excerpt=excerpt(message.body, terms),
                url=url,
                left=gone,
                mine=message.sender_id == member.pk,
            )
        )
    return results


def conversation_title(conversation, others: list) -> str:
    if conversation.name:
        return conversation.name
    names = [o.get_full_name() or o.email for o in others]
    return ", ".join(names[:3]) + (f" +{len(names) - 3}" if len(names) > 3 else "")


def excerpt(body: str, terms: list[str], *, width: int = EXCERPT_CHARS) -> SafeString:
    """A piece of `body` around the first matching word, escaped, each word that starts with a
    term (compared case- and accent-insensitively) wrapped in <mark>."""
    body = " ".join((body or "").split())
    folded_terms = [fold_for_search(t) for t in terms]
    spans = [
        (m.start(), m.end())
        for m in _WORD.finditer(body)
        if any(fold_for_search(m.group()).startswith(t) for t in folded_terms if t)
    ]
    start, end = 0, len(body)
    if len(body) > width:
        first = spans[0][0] if spans else 0
        start = max(0, first - width // 3)
        if start:
            space = body.find(" ", start)
            start = space + 1 if 0 <= space < first else start
        end = min(len(body), start + width)
        if end < len(body):
            space = body.rfind(" ", start, end)
            end = space if space > (spans[0][1] if spans else start) else end
    parts: list[str] = ["… " if start else ""]
    position = start
    for span_start, span_end in spans:
        if span_end <= start or span_start >= end:
            continue
        span_start, span_end = max(span_start, start), min(span_end, end)
        parts.append(str(conditional_escape(body[position:span_start])))
        parts.append(f"<mark>{conditional_escape(body[span_start:span_end])}</mark>")
        position = span_end
    parts.append(str(conditional_escape(body[position:end])))
    if end < len(body):
        parts.append(" …")
    return mark_safe("".join(parts))  # noqa: S308 — every piece of member text was escaped above
