"""People you may know, and introductions through a mutual connection.

Thin views over `suggestions.py` and `introductions.py`. Forbidden looks like missing: an
introduction is a 404 for anyone but the three people involved (and for them across a block).
Actions answer htmx with a fragment and plain form posts with a redirect and a flash message.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from maillage.accounts.models import User
from maillage.core import audience
from maillage.profiles.models import Profile

from . import introductions as intro
from . import services
from .models import INVITATION_NOTE_MAX, Introduction
from .suggestions import suggestions_page

PAGE_SIZE = 20
BLOCK_SIZES = {"home": 3, "network": 6}


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _next_url(request: HttpRequest, fallback: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, min(int(request.GET.get("page", "1")), 10_000))
    except ValueError:
        return 1


def _name(member: User) -> str:
    return member.get_full_name() or member.email


# --- People you may know ---------------------------------------------------------------------


@login_required
@require_GET
def network_suggestions(request: HttpRequest) -> HttpResponse:
    number = _page_number(request)
    people, has_more = suggestions_page(
        request.user, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE
    )
    return render(
        request,
        "network/suggestions.html",
        {
            "people": people,
            "has_more": has_more,
            "page_number": number,
            "current": "suggestions",
        },
    )


@login_required
@require_GET
def network_suggestions_block(request: HttpRequest) -> HttpResponse:
    """A few suggestions for another page (home: 3 in a list, network: 6 in a grid), loaded by
    htmx after the page; without JavaScript those pages link to the full list instead."""
    layout = request.GET.get("layout")
    if layout not in BLOCK_SIZES:
        layout = "network"
    people, has_more = suggestions_page(request.user, limit=BLOCK_SIZES[layout], offset=0)
    # Actions inside the block come back to the page that holds it (htmx says which).
    fallback = reverse("home") if layout == "home" else reverse("network")
    current = urlsplit(request.headers.get("HX-Current-URL", ""))
    here = current.path + (f"?{current.query}" if current.query else "")
    if not here.startswith("/") or here.startswith("//"):
        here = fallback
    return render(
        request,
        "network/suggestions_block_items.html",
        {"suggestions": people, "has_more": has_more, "layout": layout, "next": here},
    )


@login_required
@require_POST
def suggestion_dismiss(request: HttpRequest, public_id) -> HttpResponse:
    member = get_object_or_404(User, public_id=public_id, is_active=True)
    if member.pk == request.user.pk or audience.is_blocked(request.user.pk, member.pk):
        raise Http404
    services.suggestion_dismiss(member=request.user, dismissed=member)
    if _is_htmx(request):
        # The card goes; a polite live region tells screen readers what happened.
        return render(
            request,
            "network/suggestions_dismissed.html",
            {"message": _("%(name)s will not be suggested again.") % {"name": _name(member)}},
        )
    messages.success(request, _("%(name)s will not be suggested again.") % {"name": _name(member)})
    return redirect(_next_url(request, reverse("network_suggestions")))


# --- Introductions ---------------------------------------------------------------------------


def _target_or_404(viewer: User, address: str) -> User:
    profile = get_object_or_404(
        Profile.objects.select_related("member"), address=address, member__is_active=True
    )
    target = profile.member
    if target.pk == viewer.pk or audience.is_blocked(viewer.pk, target.pk):
        raise Http404
    return target


@login_required
@require_http_methods(["GET", "POST"])
def introduction_request(request: HttpRequest, address: str) -> HttpResponse:
    viewer = request.user
    target = _target_or_404(viewer, address)
    connected = services.are_connected(viewer.pk, target.pk)
    intermediaries = [] if connected else intro.introduction_intermediaries(viewer, target)
    chosen = ""
    note = ""
    errors: dict[str, str] = {}
    if request.method == "POST" and not connected:
        chosen = request.POST.get("intermediary", "")
        note = request.POST.get("note", "")
        by_id = {str(m.public_id): m for m in intermediaries}
        intermediary = by_id.get(chosen)
        if intermediary is None:
            errors["intermediary"] = _("Choose who should introduce you.")
        if not note.strip():
            errors["note"] = _("Say why you would like to meet: the note is required.")
        elif len(note.strip()) > INVITATION_NOTE_MAX:
            errors["note"] = _("Your note is too long: %(max)d characters at most.") % {
                "max": INVITATION_NOTE_MAX
            }
        if not errors:
            try:
                intro.introduction_request(
                    requester=viewer, intermediary=intermediary, target=target, note=note
                )
            except ValidationError as exc:
                errors["form"] = " ".join(exc.messages)
            else:
                messages.success(
                    request,
                    _("Your request was sent to %(intermediary)s.")
                    % {"intermediary": _name(intermediary)},
                )
                return redirect(reverse("introductions") + "?tab=asked")
    status = 400 if errors else 200
    return render(
        request,
        "network/introduction_request.html",
        {
            "target": target,
            "connected": connected,
            "intermediaries": intermediaries,
            "chosen": chosen,
            "note": note,
            "errors": errors,
            "note_max": INVITATION_NOTE_MAX,
        },
        status=status,
    )


TABS = {
    "forward": intro.introductions_to_forward,
    "received": intro.introductions_received,
    "asked": intro.introductions_asked,
}


@login_required
@require_GET
def introductions(request: HttpRequest) -> HttpResponse:
    viewer = request.user
    tab = request.GET.get("tab")
    counts = intro.introductions_open_counts(viewer)
    if tab not in TABS:
        tab = "received" if counts["received"] and not counts["forward"] else "forward"
    number = _page_number(request)
    offset = (number - 1) * PAGE_SIZE
    rows = list(TABS[tab](viewer)[offset : offset + PAGE_SIZE + 1])
    has_more = len(rows) > PAGE_SIZE
    return render(
        request,
        "network/introductions.html",
        {
            "tab": tab,
            "items": intro.seen_by(viewer, rows[:PAGE_SIZE]),
            "has_more": has_more,
            "page_number": number,
            "counts": counts,
            "note_max": INVITATION_NOTE_MAX,
            "current": "introductions",
        },
    )


@login_required
@require_GET
def introduction_detail(request: HttpRequest, public_id) -> HttpResponse:
    item = intro.introduction_for_viewer_or_404(request.user, public_id)
    intro.seen_by(request.user, [item])
    return render(
        request,
        "network/introduction_detail.html",
        {"item": item, "note_max": INVITATION_NOTE_MAX, "current": "introductions"},
    )


# Who may take each step: the role is checked before anything else, and anyone else — even one
# of the other two people involved — gets the same 404 as a stranger.
ACTIONS = {
    "forward": ("intermediary", intro.introduction_forward),
    "decline": ("intermediary", intro.introduction_decline),
    "accept": ("target", intro.introduction_accept),
    "ignore": ("target", intro.introduction_ignore),
    "withdraw": ("requester", intro.introduction_withdraw),
}


def _done_message(action: str, item: Introduction) -> str:
    if action == "forward":
        return _("You introduced %(requester)s to %(target)s.") % {
            "requester": _name(item.requester),
            "target": _name(item.target),
        }
    if action == "decline":
        return _("You declined to introduce %(requester)s.") % {"requester": _name(item.requester)}
    if action == "accept":
        return _("You are now connected with %(name)s.") % {"name": _name(item.requester)}
    if action == "ignore":
        return _("Introduction to %(name)s ignored.") % {"name": _name(item.requester)}
    return _("Your introduction request was withdrawn.")


def _introduction_action(request: HttpRequest, public_id, action: str) -> HttpResponse:
    role, service = ACTIONS[action]
    item = intro.introduction_for_viewer_or_404(request.user, public_id)
    if getattr(item, f"{role}_id") != request.user.pk:
        raise Http404
    kwargs = {"member": request.user, "introduction": item}
    if action == "forward":
        kwargs["note"] = request.POST.get("note", "")
    message = error = ""
    try:
        updated = service(**kwargs)
    except ValidationError as exc:
        error = " ".join(exc.messages)
        updated = item
    else:
        message = _done_message(action, item)
    if _is_htmx(request):
        fresh = intro.introduction_for_viewer_or_404(request.user, updated.public_id)
        intro.seen_by(request.user, [fresh])
        return render(
            request,
            "network/introduction_item.html",
            {
                "item": fresh,
                "note_max": INVITATION_NOTE_MAX,
                "action_message": message,
                "action_error": error,
            },
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, message)
    return redirect(_next_url(request, reverse("introduction_detail", args=[item.public_id])))


def _make_action(action: str):
    @login_required
    @require_POST
    def view(request: HttpRequest, public_id) -> HttpResponse:
        return _introduction_action(request, public_id, action)

    view.__name__ = f"introduction_{action}"
    view.__doc__ = f"POST: {action} an introduction."
    return view


introduction_forward = _make_action("forward")
introduction_decline = _make_action("decline")
introduction_accept = _make_action("accept")
introduction_ignore = _make_action("ignore")
introduction_withdraw = _make_action("withdraw")
