"""Template helpers for the composer's pieces inside post cards: the poll as the viewer sees it,
and days left before it closes."""

from __future__ import annotations

import math

from django import template
from django.utils import timezone
from django.utils.translation import ngettext

from .. import polls
from ..models import Poll

register = template.Library()


@register.simple_tag(takes_context=True)
def poll_state(context, poll) -> polls.PollState | None:
    """The viewer's `PollState` from whatever the card was given: a state already computed (by
    `polls.poll_results_for`, in bulk for a feed page), the feed's poll view carrying one, or a
    bare `Poll` (then computed here, for the request's member)."""
    if poll is None:
        return None
    if isinstance(poll, polls.PollState):
        return poll
    results = getattr(poll, "results", None)
    if isinstance(results, polls.PollState):
        return results
    raw = poll if isinstance(poll, Poll) else getattr(poll, "poll", None)
    if not isinstance(raw, Poll):
        return None
    state = getattr(raw, "viewer_state", None)
    if isinstance(state, polls.PollState):
        return state
    request = context.get("request")
    viewer = getattr(request, "user", None)
    my_option_id = getattr(poll, "my_option_id", polls._UNKNOWN)
    return polls.poll_results_for(viewer, raw, my_option_id=my_option_id)


@register.simple_tag
def poll_time_left(state) -> str:
    """ "3 days left", "5 hours left", "Closing soon" — or "" once closed."""
    if state is None or state.closed:
        return ""
    seconds = (state.poll.closes_at - timezone.now()).total_seconds()
    # Rounded up: a one-week poll just opened has "7 days left", not 6.
    if seconds >= 86400:
        days = math.ceil(seconds / 86400)
        return ngettext("%(count)d day left", "%(count)d days left", days) % {"count": days}
    hours = math.ceil(seconds / 3600)
    if seconds >= 3600:
        return ngettext("%(count)d hour left", "%(count)d hours left", hours) % {"count": hours}
    return ngettext("%(count)d minute left", "%(count)d minutes left", max(1, int(seconds // 60))) % {
        "count": max(1, int(seconds // 60))
    }
