"""Polls: 2 to 4 options, open 1, 3, 7 or 14 days; one vote per member, changeable until the
poll closes; results shown to those who voted, to the author, and to everyone once closed.

`poll_prepare` checks without writing and `poll_store` writes inside the post's transaction (see
services.post_create). A draft's or a scheduled post's poll is stored with its duration counted
from the post's creation; `poll_restart` starts the clock again when the post is published, so a
poll never opens already half-spent. Counts live on the rows (`Poll.vote_count`,
`PollOption.vote_count`) and change only under the poll's row lock.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.accounts.models import User, fold_for_search
from maillage.core import audience
from maillage.core.text import without_nul

from . import access
from .models import (
    POLL_MAX_OPTIONS,
    POLL_MIN_OPTIONS,
    POLL_OPTION_MAX,
    POLL_QUESTION_MAX,
    Poll,
    PollOption,
    PollVote,
    Post,
    PostStatus,
)

DURATION_DAYS = (1, 3, 7, 14)
DEFAULT_DURATION_DAYS = 7


@dataclass
class PollInput:
    question: str = ""
    options: Sequence[str] = ()
    duration_days: int = DEFAULT_DURATION_DAYS


@dataclass(frozen=True)
class PreparedPoll:
    question: str
    options: tuple[str, ...]
    duration_days: int


def _error(field_name: str, message, code: str) -> ValidationError:
    return ValidationError({field_name: ValidationError(message, code=code)})


def poll_prepare(data: PollInput) -> PreparedPoll:
    """Check a poll; raise ValidationError naming the field at fault (`poll_question`,
    `poll_option_<n>`, `poll_duration`). Writes nothing."""
    errors: dict[str, list[ValidationError]] = {}

    def add(field_name: str, message, code: str) -> None:
        errors.setdefault(field_name, []).append(ValidationError(message, code=code))

    question = " ".join(without_nul(data.question).split())
    if not question:
        add("poll_question", _("Ask a question for your poll."), "question_empty")
    elif len(question) > POLL_QUESTION_MAX:
        add(
            "poll_question",
            _("A poll question can be at most %(limit)s characters long (this one has %(count)s).")
            % {"limit": POLL_QUESTION_MAX, "count": len(question)},
            "question_too_long",
        )

    options = [" ".join(without_nul(option).split()) for option in (data.options or ())]
    if len(options) > POLL_MAX_OPTIONS:
        add(
            "poll_option_1",
            _("A poll can have at most %(limit)s options.") % {"limit": POLL_MAX_OPTIONS},
            "too_many_options",
        )
    seen: dict[str, int] = {}
    for number, option in enumerate(options[:POLL_MAX_OPTIONS], start=1):
        name = f"poll_option_{number}"
        if not option:
            add(name, _("Option %(number)s is empty: write it or remove it.") % {"number": number}, "option_empty")
            continue
        if len(option) > POLL_OPTION_MAX:
            add(
                name,
                _("An option can be at most %(limit)s characters long (this one has %(count)s).")
                % {"limit": POLL_OPTION_MAX, "count": len(option)},
                "option_too_long",
            )
            continue
        key = fold_for_search(option)
        if key in seen:
            add(
                name,
                _("Option %(number)s is the same as option %(other)s. Each option must be different.")
                % {"number": number, "other": seen[key]},
                "option_duplicate",
            )
            continue
        seen[key] = number
    if len(options) < POLL_MIN_OPTIONS:
        add(
            f"poll_option_{max(len(options) + 1, 2)}",
            _("A poll needs at least %(limit)s options.") % {"limit": POLL_MIN_OPTIONS},
            "too_few_options",
        )
    try:
        duration = int(data.duration_days)
    except (TypeError, ValueError):
        duration = 0
    if duration not in DURATION_DAYS:
        add("poll_duration", _("Choose how long the poll stays open: 1 day, 3 days, 1 week or 2 weeks."), "duration")
    if errors:
        raise ValidationError(errors)
    return PreparedPoll(question=question, options=tuple(options), duration_days=duration)


def poll_store(post: Post, prepared: PreparedPoll) -> Poll:
    """Create the poll of `post` (inside the post's transaction)."""
    start = post.published_at or post.created_at or timezone.now()
    poll = Poll.objects.create(
        post=post, question=prepared.question, closes_at=start + timedelta(days=prepared.duration_days)
    )
    PollOption.objects.bulk_create(
        [PollOption(poll=poll, position=i, label=label) for i, label in enumerate(prepared.options)]
    )
    return poll


def _chosen_days(poll: Poll, start: datetime) -> int:
    """The duration the author chose (one of DURATION_DAYS), read back from the closing time."""
    days = round((poll.closes_at - start).total_seconds() / 86400)
    return min(DURATION_DAYS, key=lambda choice: abs(choice - days))


def poll_restart(poll: Poll, *, now: datetime) -> None:
    """A draft's or a scheduled post's poll opens when the post is published: run its full
    duration from `now`. Unpublished posts' polls were stored counting from the post's creation
    (see poll_store), so that is where the duration is read from."""
    poll.closes_at = now + timedelta(days=_chosen_days(poll, poll.post.created_at))
    Poll.objects.filter(pk=poll.pk).update(closes_at=poll.closes_at)


def poll_is_closed(poll: Poll, now: datetime | None = None) -> bool:
    return (now or timezone.now()) >= poll.closes_at


def poll_vote(*, member: User, post: Post, option: PollOption | int) -> PollVote:
    """Vote (or change one's vote) on the poll of `post`. Refused when the member may not see
    the post, across a block, and once the poll has closed."""
    if (
        not getattr(member, "is_authenticated", False)
        or post.status != PostStatus.PUBLISHED
        or not access.can_view_post(member, post)
        or audience.is_blocked(member.pk, post.author_id)
    ):
        raise ValidationError(_("This post is not available."), code="not_visible")
    option_id = option.pk if isinstance(option, PollOption) else option
    with transaction.atomic():
        poll = Poll.objects.select_for_update().filter(post_id=post.pk).first()
        if poll is None:
            raise ValidationError(_("This post has no poll."), code="no_poll")
        if poll_is_closed(poll):
            raise ValidationError(
                _("This poll is closed: votes are no longer accepted."), code="poll_closed"
            )
        chosen = PollOption.objects.filter(poll=poll, pk=option_id).first() if option_id else None
        if chosen is None:
            raise ValidationError(_("Choose one of the poll's options."), code="option")
        vote = PollVote.objects.filter(poll=poll, voter=member).first()
        if vote is None:
            try:
                with transaction.atomic():
                    vote = PollVote.objects.create(poll=poll, voter=member, option=chosen)
            except IntegrityError:  # pragma: no cover — the row lock makes this a safety net
                vote = PollVote.objects.get(poll=poll, voter=member)
            else:
                PollOption.objects.filter(pk=chosen.pk).update(vote_count=F("vote_count") + 1)
                Poll.objects.filter(pk=poll.pk).update(vote_count=F("vote_count") + 1)
                return vote
        if vote.option_id != chosen.pk:
            PollOption.objects.filter(pk=vote.option_id, vote_count__gt=0).update(
                vote_count=F("vote_count") - 1
            )
            PollOption.objects.filter(pk=chosen.pk).update(vote_count=F("vote_count") + 1)
            vote.option = chosen
            vote.save(update_fields=["option", "updated_at"])
    return vote


# --- Reading ---------------------------------------------------------------------------------


@dataclass
class OptionResult:
    option: PollOption
    votes: int
    percent: int  # rounded, for display
    mine: bool
    leading: bool


@dataclass
class PollState:
    """A poll as one viewer sees it: `show_results` says whether the counts may be shown."""

    poll: Poll
    options: list[OptionResult] = field(default_factory=list)
    closed: bool = False
    voted_option_id: int | None = None
    show_results: bool = False
    can_vote: bool = False
    total: int = 0

    @property
    def voted(self) -> bool:
        return self.voted_option_id is not None


_UNKNOWN = object()


def poll_results_for(viewer, polls: Iterable[Poll] | Poll, *, my_option_id=_UNKNOWN):
    """The state of each poll for `viewer`: a dict by poll id, in at most two queries whatever
    the number of polls (options, unless prefetched, and the viewer's votes). Each poll also
    gets its state as `poll.viewer_state` for the templates.

    Given one `Poll` instead of several, return its `PollState`; a caller that already knows the
    viewer's vote passes it as `my_option_id` (None: no vote) and saves the votes query."""
    if isinstance(polls, Poll):
        states = _poll_states(viewer, [polls], known_vote=my_option_id)
        return states[polls.pk]
    return _poll_states(viewer, list(polls), known_vote=_UNKNOWN)


def _poll_states(viewer, polls: list[Poll], *, known_vote) -> dict[int, PollState]:
    polls = [p for p in polls if p is not None]
    if not polls:
        return {}
    viewer_id = viewer.pk if getattr(viewer, "is_authenticated", False) else None
    options_of: dict[int, list[PollOption]] = {}
    missing = []
    for poll in polls:
        cached = getattr(poll, "_prefetched_objects_cache", {}).get("options")
        if cached is not None:
            options_of[poll.pk] = list(cached)
        else:
            options_of[poll.pk] = []
            missing.append(poll.pk)
    if missing:
        for option in PollOption.objects.filter(poll_id__in=missing).order_by("position", "pk"):
            options_of[option.poll_id].append(option)
    votes: dict[int, int] = {}
    if known_vote is not _UNKNOWN:
        if known_vote is not None:
            votes = {polls[0].pk: known_vote}
    elif viewer_id is not None:
        votes = dict(
            PollVote.objects.filter(poll__in=polls, voter_id=viewer_id).values_list("poll_id", "option_id")
        )
    post_field = Poll._meta.get_field("post")
    uncached = [p.post_id for p in polls if not post_field.is_cached(p)]
    authors = dict(Post.objects.filter(pk__in=uncached).values_list("pk", "author_id")) if uncached else {}
    for p in polls:
        if post_field.is_cached(p):
            authors[p.post_id] = p.post.author_id
    now = timezone.now()
    states: dict[int, PollState] = {}
    for poll in polls:
        options = options_of[poll.pk]
        closed = poll_is_closed(poll, now)
        mine = votes.get(poll.pk)
        is_author = viewer_id is not None and authors.get(poll.post_id) == viewer_id
        total = sum(o.vote_count for o in options)
        top = max((o.vote_count for o in options), default=0)
        state = PollState(
            poll=poll,
            closed=closed,
            voted_option_id=mine,
            show_results=closed or mine is not None or is_author,
            can_vote=viewer_id is not None and not closed,
            total=total,
            options=[
                OptionResult(
                    option=o,
                    votes=o.vote_count,
                    percent=round(100 * o.vote_count / total) if total else 0,
                    mine=o.pk == mine,
                    leading=closed and top > 0 and o.vote_count == top,
                )
                for o in options
            ],
        )
        poll.viewer_state = state
        states[poll.pk] = state
    return states
