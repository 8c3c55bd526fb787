"""Hashtag pages: the posts with a tag that the viewer may see, newest first, and following it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import selectors, services, text
from .models import Hashtag


def _hashtag_or_404(key: str) -> Hashtag:
    return get_object_or_404(Hashtag, key=text.hashtag_key(key))


@require_GET
def hashtag(request: HttpRequest, key: str) -> HttpResponse:
    tag = _hashtag_or_404(key)
    if tag.key != key:
        return redirect("hashtag", tag.key)
    page = selectors.hashtag_posts(request.user, tag, cursor=request.GET.get("cursor", ""))
    return render(
        request,
        "feed/hashtag.html",
        {"hashtag": tag, "page": page, "following": selectors.hashtag_followed(request.user, tag)},
    )


@login_required
@require_POST
def hashtag_follow(request: HttpRequest, key: str) -> HttpResponse:
    tag = _hashtag_or_404(key)
    services.hashtag_follow(member=request.user, hashtag=tag)
    messages.success(request, _("You follow #%(name)s: its posts will show in your feed.") % {"name": tag.name})
    return redirect("hashtag", tag.key)


@login_required
@require_POST
def hashtag_unfollow(request: HttpRequest, key: str) -> HttpResponse:
    tag = _hashtag_or_404(key)
    services.hashtag_unfollow(member=request.user, hashtag=tag)
    messages.success(request, _("You no longer follow #%(name)s.") % {"name": tag.name})
    return redirect("hashtag", tag.key)
