"""The author's reach and engagement: one post's analytics, and their activity over 90 days.
Only the author sees them: anyone else — logged in or not — gets the same 404 as for a post that
does not exist."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import access, analytics
from .models import PostKind, PostStatus


@require_GET
def post_analytics(request: HttpRequest, public_id) -> HttpResponse:
    post = access.own_post_or_404(request.user, public_id)
    if post.status != PostStatus.PUBLISHED or post.kind == PostKind.REPOST:
        raise Http404  # nothing was shown yet; a plain repost's reach is its original's
    return render(request, "feed/analytics.html", {"stats": analytics.post_analytics(post)})


@login_required
@require_GET
def activity(request: HttpRequest) -> HttpResponse:
    data = analytics.activity(author=request.user, sort=request.GET.get("sort", "date"))
    sorts = list(analytics.ACTIVITY_SORT_LABELS.items())
    return render(request, "feed/activity.html", {"activity": data, "sorts": sorts})
