"""My network: the overview, invitations, connections, followers, settings, exports — and every
action on a person (connect, accept, ignore, withdraw, remove, follow, block, mute).

Actions answer an htmx request with the person's actions fragment (`includes/person_actions.html`)
and a plain form post with a redirect back to `next` and a flash message. Forbidden looks like
missing: a member on the other side of a block, or an invitation that is not the viewer's, is a 404.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models.functions import Lower
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import TemplateDoesNotExist, select_template
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from maillage.accounts.models import User
from maillage.core import audience

from . import degrees, export, services
from .forms import InvitationForm, NetworkSettingsForm
from .models import Block, Connection, Follow, Invitation, Mute
from .selectors import connection_count, connections_of, people_for_viewer

PAGE_SIZE = 20
SUGGESTIONS_TEMPLATE = "network/suggestions_block.html"


# --- Helpers --------------------------------------------------------------------------------------


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _next_url(request: HttpRequest, fallback: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback


def _member_or_404(viewer: User, public_id, *, across_block: bool = False) -> User:
    """The active member with this public id; a block either way reads as missing unless
    `across_block` (unblock, unmute: acting on one's own list)."""
    member = get_object_or_404(
        User.objects.select_related("profile"), public_id=public_id, is_active=True
    )
    if not across_block and audience.is_blocked(viewer.pk, member.pk):
        raise Http404
    return member


def _fallback_for(member: User) -> str:
    address = getattr(getattr(member, "profile", None), "address", None)
    return reverse("profile", args=[address]) if address else reverse("network")


def _respond(
    request: HttpRequest,
    member: User,
    *,
    message: str = "",
    error: str = "",
) -> HttpResponse:
    """The answer to an action: the refreshed actions fragment (htmx) or a redirect back."""
    next_url = _next_url(request, _fallback_for(member))
    if _is_htmx(request):
        fresh = User.objects.select_related("profile").get(pk=member.pk)
        annotate_people(request.user, [fresh])
        return render(
            request,
            "includes/person_actions.html",
            {
                "member": fresh,
                "actions_next": next_url,
                "action_message": message,
                "action_error": error,
            },
        )
    if error:
        messages.error(request, error)
    elif message:
        messages.success(request, message)
    return redirect(next_url)


def _run(request: HttpRequest, member: User, action: Callable[[], str]) -> HttpResponse:
    """Run a service call; its ValidationError becomes the message shown, nothing changed."""
    try:
        message = action()
    except ValidationError as exc:
        return _respond(request, member, error=" ".join(exc.messages))
    return _respond(request, member, message=message)


def _name(member: User) -> str:
    return member.get_full_name() or member.email


# --- Actions on a person --------------------------------------------------------------------------


@login_required
@require_POST
def invite(request: HttpRequest, public_id) -> HttpResponse:
    member = _member_or_404(request.user, public_id)
    form = InvitationForm(request.POST)
    if not form.is_valid():
        return _respond(request, member, error=" ".join(form.errors["note"]))

    def act() -> str:
        invitation = services.invitation_send(
            sender=request.user, recipient=member, note=form.cleaned_data["note"]
        )
        if invitation.sender_id != request.user.pk:
            return _("You are now connected with %(name)s.") % {"name": _name(member)}
        return _("Invitation sent to %(name)s.") % {"name": _name(member)}

    return _run(request, member, act)


def _invitation_action(request: HttpRequest, public_id, *, as_recipient: bool, verb: str):
    """Accept, ignore (the recipient) or withdraw (the sender): anyone else gets a 404."""
    lookup = {"recipient": request.user} if as_recipient else {"sender": request.user}
    invitation = get_object_or_404(
        Invitation.objects.select_related("sender__profile", "recipient__profile"),
        public_id=public_id,
        **lookup,
    )
    other = invitation.sender if as_recipient else invitation.recipient
    if not other.is_active or audience.is_blocked(request.user.pk, other.pk):
        raise Http404
    name = _name(other)

    def act() -> str:
        if verb == "accept":
            services.invitation_accept(member=request.user, invitation=invitation)
            return _("You are now connected with %(name)s.") % {"name": name}
        if verb == "ignore":
            services.invitation_ignore(member=request.user, invitation=invitation)
            return _("Invitation from %(name)s ignored.") % {"name": name}
        services.invitation_withdraw(member=request.user, invitation=invitation)
        return _("Invitation to %(name)s withdrawn.") % {"name": name}

    return _run(request, other, act)


@login_required
@require_POST
def invitation_accept(request: HttpRequest, public_id) -> HttpResponse:
    return _invitation_action(request, public_id, as_recipient=True, verb="accept")


@login_required
@require_POST
def invitation_ignore(request: HttpRequest, public_id) -> HttpResponse:
    return _invitation_action(request, public_id, as_recipient=True, verb="ignore")


@login_required
@require_POST
def invitation_withdraw(request: HttpRequest, public_id) -> HttpResponse:
    return _invitation_action(request, public_id, as_recipient=False, verb="withdraw")


@login_required
@require_POST
def connection_remove(request: HttpRequest, public_id) -> HttpResponse:
    member = _member_or_404(request.user, public_id)

    def act() -> str:
        if not services.connection_remove(member=request.user, other=member):
            raise ValidationError(_("You are not connected with this member."))
        return _("%(name)s was removed from your connections.") % {"name": _name(member)}

    return _run(request, member, act)


@login_required
@require_POST
def follow(request: HttpRequest, public_id) -> HttpResponse:
    member = _member_or_404(request.user, public_id)

    def act() -> str:
        services.follow_add(follower=request.user, followed=member)
        return _("You now follow %(name)s.") % {"name": _name(member)}

    return _run(request, member, act)


@login_required
@require_POST
def unfollow(request: HttpRequest, public_id) -> HttpResponse:
    member = _member_or_404(request.user, public_id)

    def act() -> str:
        services.follow_remove(follower=request.user, followed=member)
        return _("You no longer follow %(name)s.") % {"name": _name(member)}

    return _run(request, member, act)


@login_required
@require_POST
def block(request: HttpRequest, public_id) -> HttpResponse:
    # Blocking someone who already blocked you changes nothing they could notice: allowed.
    member = _member_or_404(request.user, public_id, across_block=True)
    if Block.objects.filter(blocker=member, blocked=request.user).exists():
        raise Http404

    def act() -> str:
        services.block_add(blocker=request.user, blocked=member)
        return _("You blocked %(name)s. Neither of you will see the other.") % {
            "name": _name(member)
        }

    return _run(request, member, act)


@login_required
@require_POST
def unblock(request: HttpRequest, public_id) -> HttpResponse:
    member = _member_or_404(request.user, public_id, across_block=True)
    if not Block.objects.filter(blocker=request.user, blocked=member).exists():
        raise Http404

    def act() -> str:
        services.block_remove(blocker=request.user, blocked=member)
        return _("You unblocked %(name)s.") % {"name": _name(member)}

    return _run(request, member, act)


@login_required
@require_POST
def mute(request: HttpRequest, public_id) -> HttpResponse:
    member = _member_or_404(request.user, public_id)

    def act() -> str:
        services.mute_add(muter=request.user, muted=member)
        return _("You muted %(name)s: their posts no longer appear in your feed.") % {
            "name": _name(member)
        }

    return _run(request, member, act)


@login_required
@require_POST
def unmute(request: HttpRequest, public_id) -> HttpResponse:
    member = _member_or_404(request.user, public_id, across_block=True)
    if not Mute.objects.filter(muter=request.user, muted=member).exists():
        raise Http404

    def act() -> str:
        services.mute_remove(muter=request.user, muted=member)
        return _("You unmuted %(name)s.") % {"name": _name(member)}

    return _run(request, member, act)


# --- Reads for the pages (bounded queries whatever the number of rows) ---------------------------


@dataclass
class PeoplePage:
    people: list = field(default_factory=list)
    has_more: bool = False


def annotate_people(viewer: User, people: list[User]) -> None:
    """Degree, mutual count, visible location and relationship (including whether the viewer
    muted or blocked each person), for the actions fragment."""
    if not people:
        return
    people_for_viewer(viewer, people, relationships=True)


def _hidden_ids(viewer: User) -> frozenset[int]:
    """People on either side of a block with the viewer: left out of every list."""
    if not getattr(viewer, "is_authenticated", False):
        return frozenset()
    return degrees.blocked_ids(viewer.pk)


def _page(
    rows: list, limit: int, person: Callable, viewer: User, *, actions: bool = True
) -> PeoplePage:
    shown = rows[:limit]
    people = [person(row) for row in shown]
    if actions:
        annotate_people(viewer, people)
    elif people:
        people_for_viewer(viewer, people)
    return PeoplePage(people=people, has_more=len(rows) > limit)


def counts_for(viewer: User) -> dict[str, int]:
    hidden = _hidden_ids(viewer)
    received = Invitation.objects.filter(
        recipient=viewer, status=Invitation.Status.PENDING, sender__is_active=True
    ).exclude(sender_id__in=hidden)
    sent = Invitation.objects.filter(
        services.awaiting_answer_q(), sender=viewer, recipient__is_active=True
    ).exclude(recipient_id__in=hidden)
    followers = Follow.objects.filter(followed=viewer, follower__is_active=True).exclude(
        follower_id__in=hidden
    )
    following = Follow.objects.filter(follower=viewer, followed__is_active=True).exclude(
        followed_id__in=hidden
    )
    return {
        "connections": connection_count(viewer.pk),
        "received": received.count(),
        "sent": sent.count(),
        "followers": followers.count(),
        "following": following.count(),
    }


def _with_invitation(invitation: Invitation, person: User) -> User:
    person.invitation = invitation
    return person


def received_invitations(viewer: User, *, limit: int, offset: int) -> PeoplePage:
    rows = list(
        Invitation.objects.filter(
            recipient=viewer, status=Invitation.Status.PENDING, sender__is_active=True
        )
        .exclude(sender_id__in=_hidden_ids(viewer))
        .select_related("sender", "sender__profile")
        .order_by("-created_at", "-pk")[offset : offset + limit + 1]
    )
    return _page(rows, limit, lambda inv: _with_invitation(inv, inv.sender), viewer)


def sent_invitations(viewer: User, *, limit: int, offset: int) -> PeoplePage:
    rows = list(
        Invitation.objects.filter(services.awaiting_answer_q(), sender=viewer, recipient__is_active=True)
        .exclude(recipient_id__in=_hidden_ids(viewer))
        .select_related("recipient", "recipient__profile")
        .order_by("-created_at", "-pk")[offset : offset + limit + 1]
    )
    return _page(rows, limit, lambda inv: _with_invitation(inv, inv.recipient), viewer)


def follow_page(viewer: User, *, following: bool, limit: int, offset: int) -> PeoplePage:
    hidden = _hidden_ids(viewer)
    if following:
        rows = (
            Follow.objects.filter(follower=viewer, followed__is_active=True)
            .exclude(followed_id__in=hidden)
            .select_related("followed", "followed__profile")
        )
        person = lambda row: row.followed  # noqa: E731
    else:
        rows = (
            Follow.objects.filter(followed=viewer, follower__is_active=True)
            .exclude(follower_id__in=hidden)
            .select_related("follower", "follower__profile")
        )
        person = lambda row: row.follower  # noqa: E731
    found = list(rows.order_by("-created_at", "-pk")[offset : offset + limit + 1])
    return _page(found, limit, person, viewer)


def _with_connected_on(row: Connection) -> User:
    row.other.connected_on = row.created_at
    return row.other


def connections_page(
    viewer: User,
    owner: User,
    *,
    query: str = "",
    sort: str = "recent",
    limit: int,
    offset: int,
) -> PeoplePage:
    """`owner`'s connections as `viewer` sees them (blocked people left out), newest first or
    by last name, filtered by folded name."""
    from maillage.accounts.models import fold_for_search

    rows = connections_of(owner)
    hidden = _hidden_ids(viewer)
    if hidden:
        rows = rows.exclude(other_id__in=hidden)
    for word in fold_for_search(query).split()[:5]:
        rows = rows.filter(other__search_name__contains=word)
    if sort == "name":
        rows = rows.order_by(Lower("other__last_name"), Lower("other__first_name"), "pk")
    found = list(rows[offset : offset + limit + 1])
    # When someone connected is the owner's business: dates only on one's own list.
    person = _with_connected_on if viewer.pk == owner.pk else (lambda row: row.other)
    return _page(found, limit, person, viewer)


def blocked_page(viewer: User, *, limit: int, offset: int) -> PeoplePage:
    rows = list(
        Block.objects.filter(blocker=viewer)
        .select_related("blocked", "blocked__profile")
        .order_by("-created_at", "-pk")[offset : offset + limit + 1]
    )
    return _page(rows, limit, lambda row: row.blocked, viewer, actions=False)


def muted_page(viewer: User, *, limit: int, offset: int) -> PeoplePage:
    rows = list(
        Mute.objects.filter(muter=viewer, muted__is_active=True)
        .exclude(muted_id__in=_hidden_ids(viewer))
        .select_related("muted", "muted__profile")
        .order_by("-created_at", "-pk")[offset : offset + limit + 1]
    )
    return _page(rows, limit, lambda row: row.muted, viewer, actions=False)


# --- Pages ----------------------------------------------------------------------------------------


def _page_number(request: HttpRequest, key: str = "page") -> int:
    try:
        return max(1, min(int(request.GET.get(key, "1")), 10_000))
    except ValueError:
        return 1


def _suggestions_template() -> str | None:
    try:
        select_template([SUGGESTIONS_TEMPLATE])
    except TemplateDoesNotExist:
        return None
    return SUGGESTIONS_TEMPLATE


@login_required
@require_GET
def network_home(request: HttpRequest) -> HttpResponse:
    viewer = request.user
    return render(
        request,
        "network/network.html",
        {
            "counts": counts_for(viewer),
            "invitations": received_invitations(viewer, limit=3, offset=0),
            "connections": connections_page(viewer, viewer, limit=10, offset=0),
            "suggestions_template": _suggestions_template(),
            "current": "network",
        },
    )


@login_required
@require_GET
def network_invitations(request: HttpRequest) -> HttpResponse:
    viewer = request.user
    tab = "sent" if request.GET.get("tab") == "sent" else "received"
    number = _page_number(request)
    offset = (number - 1) * PAGE_SIZE
    if tab == "sent":
        page = sent_invitations(viewer, limit=PAGE_SIZE, offset=offset)
    else:
        page = received_invitations(viewer, limit=PAGE_SIZE, offset=offset)
    return render(
        request,
        "network/invitations.html",
        {
            "tab": tab,
            "page": page,
            "page_number": number,
            "counts": counts_for(viewer),
            "current": "invitations",
        },
    )


@login_required
@require_GET
def network_followers(request: HttpRequest) -> HttpResponse:
    viewer = request.user
    tab = "following" if request.GET.get("tab") == "following" else "followers"
    number = _page_number(request)
    page = follow_page(
        viewer, following=tab == "following", limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE
    )
    return render(
        request,
        "network/followers.html",
        {
            "tab": tab,
            "page": page,
            "page_number": number,
            "counts": counts_for(viewer),
            "current": "followers",
        },
    )


def _sort(request: HttpRequest) -> str:
    return "name" if request.GET.get("sort") == "name" else "recent"


@login_required
@require_GET
def network_connections(request: HttpRequest) -> HttpResponse:
    viewer = request.user
    query = request.GET.get("q", "").strip()[:100]
    sort = _sort(request)
    number = _page_number(request)
    page = connections_page(
        viewer, viewer, query=query, sort=sort, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE
    )
    return render(
        request,
        "network/connections.html",
        {
            "page": page,
            "page_number": number,
            "query": query,
            "sort": sort,
            "owner": viewer,
            "own": True,
            "counts": counts_for(viewer),
            "current": "connections",
        },
    )


@require_GET
def member_connections(request: HttpRequest, address: str) -> HttpResponse:
    from maillage.profiles.selectors import profile_by_address

    from .selectors import may_see_connections_of

    profile = profile_by_address(address)
    if profile is None or not may_see_connections_of(request.user, profile.member):
        raise Http404
    owner = profile.member
    if owner.pk == request.user.pk:
        return redirect("network_connections")
    query = request.GET.get("q", "").strip()[:100]
    sort = _sort(request)
    number = _page_number(request)
    page = connections_page(
        request.user,
        owner,
        query=query,
        sort=sort,
        limit=PAGE_SIZE,
        offset=(number - 1) * PAGE_SIZE,
    )
    return render(
        request,
        "network/connections.html",
        {
            "page": page,
            "page_number": number,
            "query": query,
            "sort": sort,
            "owner": owner,
            "own": False,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def network_settings(request: HttpRequest) -> HttpResponse:
    from .selectors import connections_visibility

    viewer = request.user
    if request.method == "POST":
        form = NetworkSettingsForm(request.POST)
        if form.is_valid():
            services.network_settings_update(
                member=viewer, connections_visibility=form.cleaned_data["connections_visibility"]
            )
            messages.success(request, _("Your network settings were saved."))
            return redirect("network_settings")
    else:
        form = NetworkSettingsForm(
            initial={"connections_visibility": connections_visibility(viewer.pk)}
        )
    blocked_number = _page_number(request, "blocked_page")
    muted_number = _page_number(request, "muted_page")
    return render(
        request,
        "network/settings.html",
        {
            "form": form,
            "blocked": blocked_page(
                viewer, limit=PAGE_SIZE, offset=(blocked_number - 1) * PAGE_SIZE
            ),
            "blocked_number": blocked_number,
            "muted": muted_page(
                viewer, limit=PAGE_SIZE, offset=(muted_number - 1) * PAGE_SIZE
            ),
            "muted_number": muted_number,
            "counts": counts_for(viewer),
            "current": "settings",
        },
    )


@login_required
@require_GET
def connections_export_csv(request: HttpRequest) -> HttpResponse:
    body = export.connections_csv(request.user, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="Connections.csv"'
    return response


@login_required
@require_GET
def connections_export_vcard(request: HttpRequest) -> HttpResponse:
    body = export.connections_vcards(request.user, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(body, content_type="text/vcard; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="connections.vcf"'
    return response
