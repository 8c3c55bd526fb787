"""The composer's pages: write a post (with images, a document or a poll; now, later, or as a
draft), the drafts and scheduled posts, votes on polls, the @mention suggestions, and the post
files, streamed from the private storage only to those who may see the post.

Everything works as plain forms (multipart POST, errors next to the fields, nothing created);
with htmx the composer opens in a dialog and a vote swaps just the poll.
"""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, IntegerField, Prefetch, Value, When
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from maillage.search.forms import PeopleSearchForm
from maillage.search.selectors import people_search

from . import access, polls, services
from .forms import ComposerForm, DraftEditForm, RescheduleForm
from .models import Poll, PollOption, Post, PostImage, PostStatus

MENTION_SUGGESTIONS = 8
MENTION_CANDIDATES = 60  # as the top bar's autocomplete: the closest people answer fast
FILE_CACHE = "private, max-age=600"


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def post_url(post: Post) -> str:
    """The post's permalink once the posts area has one; the home feed until then."""
    try:
        return reverse("post", args=[post.public_id])
    except NoReverseMatch:
        return reverse("home")


def _next_url(request: HttpRequest, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def _done(request: HttpRequest, url: str, message: str | None = None) -> HttpResponse:
    if message:
        messages.success(request, message)
    if _is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def errors_to_form(form, exc: ValidationError) -> None:
    """Put a service's errors next to the fields they name (the rest at the top)."""
    if hasattr(exc, "error_dict"):
        for field_name, errors in exc.error_dict.items():
            target = field_name if field_name in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        form.add_error(None, exc)


# --- Composer --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def compose(request: HttpRequest) -> HttpResponse:
    status = 200
    if request.method == "POST":
        form = ComposerForm(request.POST, request.FILES)
        draft = request.POST.get("action") == "draft"
        if form.is_valid():
            try:
                post = services.post_create(author=request.user, data=form.post_input(draft=draft))
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                if post.status == PostStatus.DRAFT:
                    return _done(request, reverse("drafts"), _("Your draft is saved."))
                if post.status == PostStatus.SCHEDULED:
                    return _done(request, reverse("drafts"), _("Your post is scheduled."))
                return _done(request, _next_url(request, post_url(post)), _("Your post is published."))
        # htmx swaps only successful answers: the form with its errors comes back as a 200.
        status = 200 if _is_htmx(request) else 400
    else:
        form = ComposerForm()
    # With htmx the chosen files stay in their inputs (hx-preserve); a plain form loses them.
    context = {"form": form, "files_sent": bool(request.FILES), "files_kept": _is_htmx(request)}
    template = "feed/_compose_form.html" if _is_htmx(request) else "feed/compose_page.html"
    return render(request, template, context, status=status)


@login_required
@require_GET
def mention_suggest(request: HttpRequest) -> JsonResponse:
    """People the author may mention: those the top-bar search would show them (visible to
    them, nobody blocked either way), closest first. JSON for composer.js."""
    form = PeopleSearchForm({"q": request.GET.get("q", "")[:100]})
    results = []
    if form.is_valid() and form.cleaned_data["q"].strip():
        page = people_search(
            viewer=request.user,
            query=form.people_query(),
            per_page=MENTION_SUGGESTIONS,
            max_candidates=MENTION_CANDIDATES,
        )
        for person in page.results:
            profile = getattr(person, "profile", None)
            results.append(
                {
                    "id": str(person.public_id),
                    "name": person.get_full_name(),
                    "headline": (profile.headline if profile else "") or "",
                    "degree": getattr(person, "degree", None),
                }
            )
    response = JsonResponse({"results": results})
    response["Cache-Control"] = "private, no-store"
    return response


# --- Drafts and scheduled posts ----------------------------------------------------------------


def drafts_for(member):
    """The member's drafts and scheduled posts, scheduled first (soonest first), then drafts
    (latest edit first), with what their cards show, in a fixed number of queries."""
    return list(
        Post.objects.filter(author=member, status__in=[PostStatus.DRAFT, PostStatus.SCHEDULED])
        .select_related("poll")
        .prefetch_related(
            Prefetch("images", queryset=PostImage.objects.order_by("position", "pk")),
            Prefetch("poll__options", queryset=PollOption.objects.order_by("position", "pk")),
        )
        .annotate(
            scheduled_first=Case(
                When(status=PostStatus.SCHEDULED, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("scheduled_first", "publish_at", "-updated_at", "-pk")
    )


@login_required
@require_GET
def drafts(request: HttpRequest) -> HttpResponse:
    posts = drafts_for(request.user)
    return render(
        request,
        "feed/drafts.html",
        {
            "scheduled": [p for p in posts if p.status == PostStatus.SCHEDULED],
            "drafts": [p for p in posts if p.status == PostStatus.DRAFT],
            "reschedule_form": RescheduleForm(),
        },
    )


def _own_unpublished_or_404(request: HttpRequest, public_id) -> Post:
    post = access.own_post_or_404(request.user, public_id)
    if post.status == PostStatus.PUBLISHED:
        raise Http404
    return post


@login_required
@require_http_methods(["GET", "POST"])
def draft_edit(request: HttpRequest, public_id) -> HttpResponse:
    post = _own_unpublished_or_404(request, public_id)
    status = 200
    if request.method == "POST":
        form = DraftEditForm(request.POST)
        action = request.POST.get("action", "save")
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    updated = services.post_update(
                        post=post, editor=request.user, body=data["body"] or "",
                        post_audience=data["audience"],
                    )
                    if action == "publish":
                        services.post_publish(post=updated)
                    elif data.get("publish_at") or updated.status == PostStatus.SCHEDULED:
                        services.post_schedule(post=updated, member=request.user, publish_at=data.get("publish_at"))
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                if action == "publish":
                    return _done(request, post_url(post), _("Your post is published."))
                if data.get("publish_at"):
                    return _done(request, reverse("drafts"), _("Your post is scheduled."))
                return _done(request, reverse("drafts"), _("Your draft is saved."))
        status = 400
    else:
        form = DraftEditForm(
            initial={
                "body": post.body,
                "audience": post.audience,
                "publish_at": post.publish_at,
            }
        )
    return render(request, "feed/draft_edit.html", {"form": form, "post": post}, status=status)


@login_required
@require_POST
def post_publish_now(request: HttpRequest, public_id) -> HttpResponse:
    post = _own_unpublished_or_404(request, public_id)
    try:
        services.post_publish(post=post)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("drafts")
    return _done(request, post_url(post), _("Your post is published."))


@login_required
@require_POST
def draft_schedule(request: HttpRequest, public_id) -> HttpResponse:
    post = _own_unpublished_or_404(request, public_id)
    form = RescheduleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a date and a time."))
        return redirect("drafts")
    try:
        services.post_schedule(post=post, member=request.user, publish_at=form.cleaned_data["publish_at"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("drafts")
    return _done(request, reverse("drafts"), _("Your post is scheduled."))


@login_required
@require_POST
def draft_unschedule(request: HttpRequest, public_id) -> HttpResponse:
    post = _own_unpublished_or_404(request, public_id)
    services.post_schedule(post=post, member=request.user, publish_at=None)
    return _done(request, reverse("drafts"), _("The post is no longer scheduled: it is back in your drafts."))


@login_required
@require_POST
def draft_delete(request: HttpRequest, public_id) -> HttpResponse:
    post = _own_unpublished_or_404(request, public_id)
    services.post_delete(post=post, member=request.user)
    return _done(request, reverse("drafts"), _("The draft is deleted."))


# --- Polls -------------------------------------------------------------------------------------


def poll_context(viewer, post: Post) -> dict:
    poll = Poll.objects.select_related("post").get(post=post)
    polls.poll_results_for(viewer, [poll])
    return {"post": post, "poll": poll}


@login_required
@require_POST
def poll_vote(request: HttpRequest, public_id) -> HttpResponse:
    post = access.post_for_viewer_or_404(request.user, public_id)
    if not Poll.objects.filter(post=post).exists():
        raise Http404
    error = None
    try:
        option_id = int(request.POST.get("option") or 0)
    except ValueError:
        option_id = 0
    try:
        polls.poll_vote(member=request.user, post=post, option=option_id)
    except ValidationError as exc:
        error = " ".join(exc.messages)
    if _is_htmx(request):
        context = poll_context(request.user, post)
        context["poll_error"] = error
        return render(request, "feed/_poll.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Your vote is counted."))
    return redirect(_next_url(request, post_url(post)))


# --- Files ------------------------------------------------------------------------------------


def _stream(field_file, *, content_type: str, download_name: str | None = None) -> FileResponse:
    try:
        handle = field_file.storage.open(field_file.name, "rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        content_type=content_type,
        as_attachment=download_name is not None,
        filename=download_name or "",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = FILE_CACHE
    response["X-Robots-Tag"] = "noindex"
    if download_name is None:
        response["Content-Disposition"] = "inline"
    return response


@require_GET
def post_media_image(request: HttpRequest, public_id, image_id) -> FileResponse:
    post = access.post_for_viewer_or_404(request.user, public_id)
    image = PostImage.objects.filter(post=post, public_id=access._uuid_or_404(image_id)).first()
    if image is None or not image.image:
        raise Http404
    # Every post image was re-encoded as JPEG (media.py): nothing else is ever served.
    return _stream(image.image, content_type="image/jpeg")


@require_GET
def post_document(request: HttpRequest, public_id) -> FileResponse:
    post = access.post_for_viewer_or_404(request.user, public_id)
    if not post.document:
        raise Http404
    return _stream(post.document, content_type="application/pdf", download_name=post.document_name or "document.pdf")


PREVIEW_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp"}


@require_GET
def link_preview_image(request: HttpRequest, public_id) -> FileResponse:
    post = access.post_for_viewer_or_404(request.user, public_id)
    preview = post.link_preview
    if preview is None or not preview.image:
        raise Http404
    extension = "." + preview.image.name.rsplit(".", 1)[-1].lower() if "." in preview.image.name else ""
    content_type = PREVIEW_TYPES.get(extension) or mimetypes.guess_type(preview.image.name)[0] or ""
    if not content_type.startswith("image/") or content_type == "image/svg+xml":
        raise Http404
    return _stream(preview.image, content_type=content_type)
