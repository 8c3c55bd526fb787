"""The profile page at /in/<address>/ — one URL for members and visitors — its vCard and QR code.

What a viewer sees is decided by `selectors.profile_visible_to()` (the profile at all) and
`selectors.profile_for_viewer()` (which sections): this module never reads a section itself.
The search-engine head (OpenGraph, JSON-LD) is always built from the anonymous view, so it can
never carry what only members or connections may see, whoever loads the page.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from .models import AddressHistory, Position, Profile
from .profile_views import profile_view_record, profile_views_count
from .selectors import (
    SECTIONS,
    ProfileForViewer,
    profile_by_address,
    profile_for_viewer,
    profile_public_part,
    profile_visible_to,
)
from .strength import strength_for_owner
from .vcard import vcard_filename, vcard_for
from .work_email import verified_work_domains

VIEW_AS_PUBLIC = "public"
VIEW_AS_MEMBER = "member"


class GenericMember:
    """A logged-in member who is nobody in particular: no connection, no block, no group.

    `audience.can_view_audience` only reads `is_authenticated`, `is_active` and `pk`; the pk
    matches no row, so every relation answers "no" — what any non-connection member sees.
    """

    pk = id = -1
    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False


GENERIC_MEMBER = GenericMember()


# --- Looking a profile up -------------------------------------------------------------------


def _page_url(profile: Profile) -> str:
    return reverse("profile", args=[profile.address])


def absolute_url(path: str) -> str:
    return settings.SITE_URL + path


def _edit_url() -> str | None:
    """The profile editor, once the editing area exists (it is built alongside this page)."""
    try:
        return reverse("profile_edit")
    except NoReverseMatch:
        return None


def _lookup(request: HttpRequest, address: str, suffix: str = "") -> Profile | HttpResponse:
    """The profile at `address`, or a redirect (old address, capitals), or Http404.

    Blocked members get the same 404 as an address that never existed, old address or not.
    """
    viewer = request.user
    if address != address.lower():
        return _redirect_to(request, address.lower(), suffix)
    profile = profile_by_address(address)
    if profile is None:
        old = (
            AddressHistory.objects.select_related("profile__member").filter(address=address).first()
        )
        if (
            old is None
            or not old.profile.address
            or not profile_visible_to_or_login(viewer, old.profile)
        ):
            raise Http404
        return _redirect_to(request, old.profile.address, suffix)
    if not profile_visible_to_or_login(viewer, profile):
        raise Http404
    return profile


def profile_visible_to_or_login(viewer, profile: Profile) -> bool:
    """Visible, or a members-only profile a visitor could see by logging in (name only)."""
    if profile_visible_to(viewer, profile):
        return True
    is_member = viewer is not None and viewer.is_authenticated
    return not is_member and profile.member.is_active


def _redirect_to(request: HttpRequest, address: str, suffix: str) -> HttpResponse:
    target = reverse("profile", args=[address]) + suffix
    query = request.META.get("QUERY_STRING", "")
    return redirect(f"{target}?{query}" if query else target, permanent=True)


# --- Experience, grouped by employer --------------------------------------------------------


@dataclass
class PositionGroup:
    """Consecutive positions at one employer, shown under its name (as LinkedIn does)."""

    organization: str
    positions: list[Position] = field(default_factory=list)

    @property
    def is_group(self) -> bool:
        return len(self.positions) > 1

    @property
    def duration(self) -> str:
        start = min(p.start_date for p in self.positions)
        ends = [p.end_date for p in self.positions]
        end = None if any(e is None for e in ends) else max(ends)
        return duration_label(start, end)


def _same_employer(a: str, b: str) -> bool:
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


def group_positions(positions: list[Position]) -> list[PositionGroup]:
    groups: list[PositionGroup] = []
    for position in positions:
        if groups and _same_employer(groups[-1].organization, position.organization_name):
            groups[-1].positions.append(position)
        else:
            groups.append(PositionGroup(position.organization_name, [position]))
    return groups


def duration_label(start: date, end: date | None) -> str:
    """ "2 years 3 months": both ends counted, as on a CV (Jan–Mar is three months)."""
    end = end or timezone.localdate()
    months = max((end.year - start.year) * 12 + end.month - start.month + 1, 1)
    years, months = divmod(months, 12)
    parts = []
    if years:
        parts.append(ngettext("%(count)d year", "%(count)d years", years) % {"count": years})
    if months:
        parts.append(ngettext("%(count)d month", "%(count)d months", months) % {"count": months})
    return " ".join(parts)


def period_label(start: date | None, end: date | None) -> str:
    if start is None:
        return ""
    first = date_format(start, "YEAR_MONTH_FORMAT")
    last = date_format(end, "YEAR_MONTH_FORMAT") if end else _("Present")
    return _("%(start)s – %(end)s") % {"start": first, "end": last}


# --- The search-engine head -----------------------------------------------------------------

_JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def json_for_script(data: Any) -> SafeString:
    """JSON safe inside a <script> element: `<`, `>` and `&` escaped (as json_script does)."""
    return mark_safe(  # noqa: S308 — the three characters that could end the element are escaped
        json.dumps(data, ensure_ascii=False, sort_keys=True).translate(_JSON_ESCAPES)
    )


def photo_url(profile: Profile) -> str:
    if not profile.photo:
        return ""
    url = profile.photo.url
    return url if "://" in url else absolute_url(url)


def describe(view: ProfileForViewer) -> str:
    """ "Headline · Organization · City, Country": what tells homonyms apart, as visible."""
    parts = [view.profile.headline, view.current_organization, view.location]
    return " · ".join(part for part in parts if part)


def person_json_ld(public: ProfileForViewer, *, url: str) -> dict[str, Any]:
    """schema.org Person from the anonymous view of the profile (and nothing else)."""
    member = public.member
    profile = public.profile
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Person",
        "name": member.get_full_name(),
        "givenName": member.first_name,
        "familyName": member.last_name,
        "url": url,
    }
    if profile.headline:
        data["jobTitle"] = profile.headline
    if image := photo_url(profile):
        data["image"] = image
    if public.about:
        data["description"] = public.about[:500]
    current = public.current_positions
    if current:
        data["worksFor"] = [{"@type": "Organization", "name": p.organization_name} for p in current]
    if public.shows("location") and (profile.city or profile.country):
        address = {"@type": "PostalAddress"}
        if profile.city:
            address["addressLocality"] = profile.city
        if profile.region:
            address["addressRegion"] = profile.region
        if profile.country:
            address["addressCountry"] = profile.country
        data["address"] = address
    if public.education:
        data["alumniOf"] = [
            {"@type": "EducationalOrganization", "name": e.school} for e in public.education
        ]
    if public.skills:
        data["knowsAbout"] = [s.skill.name for s in public.skills]
    if public.languages:
        data["knowsLanguage"] = [language.name for language in public.languages]
    if public.certifications:
        data["hasCredential"] = [
            {"@type": "EducationalOccupationalCredential", "name": c.name}
            for c in public.certifications
        ]
    if public.links:
        data["sameAs"] = [link.url for link in public.links]
    emails = [c.value for c in public.contacts if c.kind == "email"]
    phones = [c.value for c in public.contacts if c.kind == "phone"]
    if emails:
        data["email"] = emails[0]
    if phones:
        data["telephone"] = phones[0]
    return data


def seo_head(
    profile: Profile, *, canonical: str, public: ProfileForViewer | None = None
) -> dict[str, Any]:
    """Description, OpenGraph and JSON-LD, from what an anonymous visitor may see.

    `public` is `profile_for_viewer(None, profile)` when the caller already has it.
    """
    if not profile.public_page:
        return {"noindex": True, "description": profile.headline}
    if public is None:
        public = profile_for_viewer(None, profile)
    description = describe(public)
    return {
        "noindex": False,
        "description": description,
        "og": {
            "title": public.member.get_full_name(),
            "description": description,
            "url": canonical,
            "image": photo_url(profile),
            "first_name": public.member.first_name,
            "last_name": public.member.last_name,
        },
        "json_ld": json_for_script(person_json_ld(public, url=canonical)),
    }


# --- Pages ----------------------------------------------------------------------------------


def _viewer_for(request: HttpRequest, profile: Profile) -> tuple[Any, str | None]:
    """The viewer to evaluate audiences with, and the preview mode when the owner asks one."""
    user = request.user
    is_owner = user.is_authenticated and user.pk == profile.member_id
    mode = request.GET.get("view_as")
    if is_owner and mode == VIEW_AS_PUBLIC:
        return None, VIEW_AS_PUBLIC
    if is_owner and mode == VIEW_AS_MEMBER:
        return GENERIC_MEMBER, VIEW_AS_MEMBER
    return (user if user.is_authenticated else None), None


@require_GET
def profile_page(request: HttpRequest, address: str) -> HttpResponse:
    found = _lookup(request, address)
    if isinstance(found, HttpResponse):
        return found
    profile = found
    viewer, preview = _viewer_for(request, profile)
    page_url = _page_url(profile)
    canonical = absolute_url(page_url)

    if not profile_visible_to(viewer, profile):
        # A visitor (or the owner previewing as one) and the member keeps the page for members.
        response = render(
            request,
            "profiles/page/members_only.html",
            {"profile": profile, "preview": preview, "page_url": page_url, "canonical": canonical},
        )
        response["X-Robots-Tag"] = "noindex"
        return response

    view = profile_for_viewer(viewer, profile)
    owner_mode = view.is_owner and preview is None
    if preview is None:
        # "Who viewed my profile": the service skips visitors and the owner.
        profile_view_record(viewer=request.user, profile=profile)
    strength = strength_for_owner(view) if owner_mode else None
    context = {
        "profile": profile,
        "view": view,
        "member": profile.member,
        "preview": preview,
        "owner_mode": owner_mode,
        "page_url": page_url,
        "canonical": canonical,
        "vcard_url": reverse("profile_vcard", args=[profile.address]),
        "qr_url": reverse("profile_qr", args=[profile.address]),
        "edit_url": _edit_url() if owner_mode else None,
        "position_groups": [
            {
                "group": group,
                "items": [
                    {
                        "position": p,
                        "period": period_label(p.start_date, p.end_date),
                        "duration": duration_label(p.start_date, p.end_date),
                    }
                    for p in group.positions
                ],
            }
            for group in group_positions(view.positions)
        ],
        "subtitle": " · ".join(x for x in (view.current_organization, view.location) if x),
        "sections": _section_flags(view, owner_mode),
        "audience_labels": (
            {s: getattr(profile, f"get_{s}_audience_display")() for s in SECTIONS}
            if owner_mode
            else {}
        ),
        "strength": strength,
        "next_step_url": _next_step_url(strength),
        "verified_domains": verified_work_domains(profile.member),
        "views_count": (profile_views_count(owner_profile=profile) if owner_mode else None),
        "seo": seo_head(
            profile,
            canonical=canonical,
            public=view if viewer is None else profile_public_part(view),
        ),
        **network_context(request, viewer=viewer, view=view, preview=preview),
    }
    response = render(request, "profiles/page/profile.html", context)
    if preview or not profile.public_page:
        response["X-Robots-Tag"] = "noindex"
    return response


# --- The network on the page: degree, connections, mutual, endorsements, recommendations ----

MUTUAL_SHOWN = 3  # avatars and names next to "mutual connections"
RECOMMENDATIONS_SHOWN = 3


def _connections_list_url(profile: Profile) -> str | None:
    """The member's connections list, where the network area provides one."""
    for name, args in (("profile_connections", [profile.address]), ("connections", [])):
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            continue
    return None


def network_context(request: HttpRequest, *, viewer, view: ProfileForViewer, preview) -> dict:
    """What the page shows of the member's network, for `viewer` (or the preview's stand-in).

    A fixed number of queries and cache round trips whatever the number of connections, skills,
    endorsements and recommendations.
    """
    from maillage.network.selectors import (
        connection_count,
        may_see_connections_of,
        people_for_viewer,
    )

    from .endorsements import endorsements_for_skills, endorsements_visible_to, may_endorse
    from .recommendations import recommendation_counts, recommendations_shown_page

    profile = view.profile
    member = profile.member
    real_viewer = viewer if preview is None and getattr(viewer, "is_authenticated", False) else None
    is_owner = real_viewer is not None and real_viewer.pk == member.pk
    context: dict[str, Any] = {"connections_count": None, "mutual": None}
    if real_viewer is not None and not is_owner:
        people_for_viewer(real_viewer, [member], relationships=True)
    member_viewer = getattr(viewer, "is_authenticated", False)
    if member_viewer:
        # Members see how many connections someone has; the list follows the member's setting.
        count = connection_count(member.pk)
        context["connections_count"] = count
        context["connections_label"] = "500+" if count > 500 else str(count)
        if real_viewer is not None and may_see_connections_of(real_viewer, member):
            context["connections_url"] = _connections_list_url(profile)
    if real_viewer is not None and not is_owner:
        context["mutual"] = mutual_summary(real_viewer, member)
    endorsement_viewer = viewer
    context["endorsements_shown"] = endorsements_visible_to(endorsement_viewer, profile)
    endorsements = endorsements_for_skills(endorsement_viewer, profile, view.skills)
    context["skill_items"] = [
        {"item": ps, "endorsements": endorsements[ps.pk]} for ps in view.skills
    ]
    context["may_endorse"] = real_viewer is not None and may_endorse(real_viewer, profile)
    shown = recommendations_shown_page(viewer, member, limit=RECOMMENDATIONS_SHOWN)
    context["recommendations"] = shown.items
    context["recommendations_more"] = shown.has_more
    context["may_recommend"] = getattr(member, "degree", None) == 1 and real_viewer is not None
    context["recommendation_counts"] = (
        recommendation_counts(member) if is_owner and preview is None else None
    )
    return context


@dataclass
class MutualSummary:
    count: int
    people: list
    url: str

    @property
    def others(self) -> int:
        """How many are not named: the sentence names two (the avatars show three)."""
        return max(self.count - min(len(self.people), 2), 0)


def mutual_summary(viewer, member) -> MutualSummary | None:
    """ "Alice, Bob and 10 other mutual connections": the viewer's closest first (one query for
    the few people named)."""
    from maillage.accounts.models import User
    from maillage.network.degrees import mutual_ids_closest_first

    ids = mutual_ids_closest_first(viewer.pk, member.pk)
    if not ids:
        return None
    first = ids[:MUTUAL_SHOWN]
    found = {
        u.pk: u
        for u in User.objects.filter(pk__in=first, is_active=True).select_related("profile")
    }
    people = [found[i] for i in first if i in found]
    return MutualSummary(
        count=len(ids),
        people=people,
        url=reverse("profile_mutual", args=[member.profile.address]),
    )


MUTUAL_PAGE_SIZE = 20


@require_GET
def profile_mutual(request: HttpRequest, address: str) -> HttpResponse:
    """/in/<address>/mutual/: the connections the viewer shares with the member, closest first.

    Only for another member who may see the profile: visitors, the member themself and anyone
    across a block get the 404 of a page that does not exist.
    """
    if not request.user.is_authenticated:
        raise Http404
    from maillage.accounts.models import User
    from maillage.network.degrees import mutual_ids_closest_first
    from maillage.network.selectors import people_for_viewer

    found = _lookup(request, address, "mutual/")
    if isinstance(found, HttpResponse):
        return found
    profile = found
    viewer = request.user
    if viewer.pk == profile.member_id or not profile_visible_to(viewer, profile):
        raise Http404
    page_number = _page_number(request)
    ids = mutual_ids_closest_first(viewer.pk, profile.member_id)
    offset = (page_number - 1) * MUTUAL_PAGE_SIZE
    page_ids = ids[offset : offset + MUTUAL_PAGE_SIZE]
    loaded = {
        u.pk: u
        for u in User.objects.filter(pk__in=page_ids, is_active=True).select_related("profile")
    }
    people = [loaded[i] for i in page_ids if i in loaded]
    people_for_viewer(viewer, people)
    return render(
        request,
        "profiles/page/mutual.html",
        {
            "profile": profile,
            "member": profile.member,
            "people": people,
            "total": len(ids),
            "page_number": page_number,
            "has_more": len(ids) > offset + MUTUAL_PAGE_SIZE,
            "page_url": _page_url(profile),
        },
    )


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, min(int(request.GET.get("page", "1")), 10_000))
    except ValueError:
        return 1


# Where each missing part of the profile is filled in.
NEXT_STEP_TARGETS = {
    "photo": ("profile_photo", ""),
    "headline": ("profile_edit", "#section-intro"),
    "location": ("profile_edit", "#section-intro"),
    "about": ("profile_edit", "#section-about"),
    "experience": ("profile_edit", "#section-experience"),
    "education": ("profile_edit", "#section-education"),
    "skills": ("profile_edit", "#section-skills"),
    "contact": ("profile_edit", "#section-contact"),
}


def _next_step_url(strength) -> str | None:
    if strength is None or strength.next_step is None:
        return None
    name, anchor = NEXT_STEP_TARGETS.get(strength.next_step.section, ("profile_edit", ""))
    return reverse(name) + anchor


def _section_flags(view: ProfileForViewer, owner_mode: bool) -> dict[str, bool]:
    """Which section cards to draw: visible with content; the owner also gets empty ones."""
    content = {
        "about": bool(view.about),
        "experience": bool(view.positions),
        "education": bool(view.education),
        "skills": bool(view.skills),
        "languages": bool(view.languages),
        "certifications": bool(view.certifications),
        "links": bool(view.links),
        "contact": bool(view.contacts),
    }
    return {name: has or owner_mode for name, has in content.items()}


@login_required
def my_profile(request: HttpRequest) -> HttpResponse:
    """/in/me/: the signed-in member's own page (the avatar menu links here)."""
    from .services import profile_ensure

    profile = profile_ensure(member=request.user)
    if not profile.address:
        edit_url = _edit_url()
        if edit_url:
            return redirect(edit_url)
        raise Http404
    return redirect("profile", profile.address)


@require_GET
def profile_vcard(request: HttpRequest, address: str) -> HttpResponse:
    found = _lookup(request, address, "vcard.vcf")
    if isinstance(found, HttpResponse):
        return found
    profile = found
    viewer = request.user if request.user.is_authenticated else None
    if not profile_visible_to(viewer, profile):
        raise Http404
    view = profile_for_viewer(viewer, profile)
    body = vcard_for(view, page_url=absolute_url(_page_url(profile)), photo_url=photo_url(profile))
    response = HttpResponse(body, content_type="text/vcard; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{vcard_filename(view)}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["X-Robots-Tag"] = "noindex"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def profile_qr(request: HttpRequest, address: str) -> HttpResponse:
    """A QR code of the profile's public address, as an SVG we draw ourselves."""
    import qrcode
    import qrcode.image.svg

    found = _lookup(request, address, "qr.svg")
    if isinstance(found, HttpResponse):
        return found
    profile = found
    viewer = request.user if request.user.is_authenticated else None
    if not profile_visible_to(viewer, profile):
        raise Http404
    image = qrcode.make(
        absolute_url(_page_url(profile)),
        image_factory=qrcode.image.svg.SvgPathImage,
        border=2,
    )
    response = HttpResponse(image.to_string(encoding="unicode"), content_type="image/svg+xml")
    response["X-Content-Type-Options"] = "nosniff"
    response["X-Robots-Tag"] = "noindex"
    response["Content-Disposition"] = f'inline; filename="{profile.address}-qr.svg"'
    return response
