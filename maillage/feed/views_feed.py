"""The home feed: the page, its next pages (infinite scroll), the sort order, "why am I seeing
this?", "I don't want to see this" (with undo) and the "N new posts" check."""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from maillage.accounts.selectors import member_directory_page, members_count
from maillage.profiles.selectors import profile_card_for

from . import access, services
from .feed import Cursor, explain, feed_order_of, feed_page, new_posts_count
from .models import FeedOrder, Hashtag

COMPOSER_TEMPLATE = "feed/composer.html"
# The sidebar's "N members" counts every member (8 ms with 100,000 of them, on every home page):
# a few minutes late is fine there.
MEMBERS_COUNT_KEY = "feed:home:members_count"
MEMBERS_COUNT_TTL = 300


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _composer_template() -> str | None:
    """The composer box, once the composer area provides it."""
    try:
        get_template(COMPOSER_TEMPLATE)
    except TemplateDoesNotExist:
        return None
    return COMPOSER_TEMPLATE


def _record_shown(viewer, page) -> None:
    """Count impressions for the posts shown, in one buffered call (analytics owns the module)."""
    try:
        from .impressions import record_shown
    except ImportError:  # the analytics area has not landed yet
        return
    if page.items:
        record_shown(viewer, [item.post for item in page.items])


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    viewer = request.user
    order = feed_order_of(viewer)
    page = feed_page(viewer, order=order, cursor=request.GET.get("cursor"), reuse=True)
    _record_shown(viewer, page)
    context = {
        "me": profile_card_for(viewer),
        "members_count": cache.get_or_set(MEMBERS_COUNT_KEY, members_count, MEMBERS_COUNT_TTL),
        "has_2fa": viewer.authenticator_set.exists(),
        "page": page,
        "order": page.order,
        "orders": FeedOrder,
        "composer_template": _composer_template(),
    }
    if page.is_first and not page.items:
        # A feed with nothing in it: people and hashtags to follow instead.
        context["newest_members"] = member_directory_page(
            viewer=viewer, query="", limit=6, with_actions=True
        ).members
        context["hashtags_to_follow"] = list(
            Hashtag.objects.exclude(follows__member=viewer)
            .filter(post_count__gt=0)
            .order_by("-post_count", "key")[:6]
        )
    return render(request, "core/home.html", context)


@login_required
@require_GET
def feed_page_view(request: HttpRequest) -> HttpResponse:
    """The next page, as a fragment for infinite scroll (or the whole home page without htmx)."""
    if not _is_htmx(request):
        cursor = request.GET.get("cursor", "")
        return redirect(reverse("home") + ("?" + urlencode({"cursor": cursor}) if cursor else ""))
    if request.GET.get("cursor") and Cursor.decode(request.GET["cursor"]) is None:
        return HttpResponseBadRequest(_("This page of the feed is no longer available. Reload the page."))
    page = feed_page(
        request.user, order=feed_order_of(request.user), cursor=request.GET.get("cursor"), reuse=True
    )
    _record_shown(request.user, page)
    return render(request, "feed/_feed_page.html", {"page": page})


@login_required
@require_POST
def feed_order(request: HttpRequest) -> HttpResponse:
    try:
        services.feed_order_set(member=request.user, order=request.POST.get("order", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("home")


@login_required
@require_GET
def feed_new(request: HttpRequest) -> HttpResponse:
    """How many posts entered the feed since the page was loaded (the pill)."""
    try:
        since = datetime.fromisoformat(request.GET.get("since", ""))
    except ValueError:
        return HttpResponseBadRequest(_("Reload the page to see new posts."))
    if timezone.is_naive(since):
        return HttpResponseBadRequest(_("Reload the page to see new posts."))
    count = new_posts_count(request.user, since=since)
    return render(request, "feed/_new_posts_pill.html", {"count": count})


@login_required
@require_GET
def post_why(request: HttpRequest, public_id) -> HttpResponse:
    post = access.post_for_viewer_or_404(request.user, public_id)
    explanation = explain(request.user, post)
    return render(request, "feed/why.html", {"explanation": explanation, "post": post})


@login_required
@require_POST
def post_hide(request: HttpRequest, public_id) -> HttpResponse:
    post = access.post_for_viewer_or_404(request.user, public_id)
    try:
        services.post_hide(member=request.user, post=post)
    except ValidationError as exc:
        if _is_htmx(request):
            return HttpResponseBadRequest(" ".join(exc.messages))
        messages.error(request, " ".join(exc.messages))
        return redirect("home")
    if _is_htmx(request):
        return render(request, "feed/_hidden_post.html", {"post": post})
    messages.success(request, _("This post is hidden from your feed."))
    return redirect("home")


@login_required
@require_POST
def post_unhide(request: HttpRequest, public_id) -> HttpResponse:
    post = access.post_for_viewer_or_404(request.user, public_id)
    services.post_unhide(member=request.user, post=post)
    if _is_htmx(request):
        from .selectors import posts_for_display

        item = posts_for_display(request.user, [post])[0]
        return render(request, "feed/_post.html", {"item": item, "in_feed": True})
    messages.success(request, _("The post is back in your feed."))
    return redirect("home")
