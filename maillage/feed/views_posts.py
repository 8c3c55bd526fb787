"""A post and everything one does on it: its page, edit and delete, comments, reactions, reposts,
saves, reports (and the staff queue), and a member's posts. Thin: fetch with `access`, read with
`selectors`, write with `services`; every form works without JavaScript (POST, then back to
`next`) and htmx swaps the action bar in place.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from maillage.core.audience import Audience

from . import access, selectors, services, text
from .models import POST_AUDIENCES, Comment, Post, PostKind, ReactionKind, Report, SavedPost


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _next_url(request: HttpRequest, fallback: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback


def _errors(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


def _say_errors(request: HttpRequest, error: ValidationError) -> None:
    for message in _errors(error):
        messages.error(request, message)


def _post_url(post: Post) -> str:
    return reverse("post", args=[post.public_id])


def _audience_choices():
    return [(value, label) for value, label in Audience.choices if value in POST_AUDIENCES]


# --- The post page -----------------------------------------------------------------------------


@require_GET
def post_page(request: HttpRequest, public_id) -> HttpResponse:
    post = access.post_for_viewer_or_404(request.user, public_id)
    if post.kind == PostKind.REPOST and post.repost_of_id:
        # A plain repost has no page of its own: its original is the conversation.
        return redirect("post", post.repost_of.public_id)
    comments = selectors.comments_for_post(request.user, post, cursor=request.GET.get("comments", ""))
    if _is_htmx(request) and request.GET.get("comments"):
        return render(request, "feed/_comments.html", {"item": None, "post": post, "page": comments, "more_only": True})
    item = selectors.post_for_display(request.user, post)
    description = text.plain_text(post.body)[:200] if post.audience == Audience.PUBLIC else ""
    return render(
        request,
        "feed/post_detail.html",
        {"item": item, "post": post, "page": comments, "og_description": description,
         "og_public": post.audience == Audience.PUBLIC},
    )


# --- Edit and delete ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def post_edit(request: HttpRequest, public_id) -> HttpResponse:
    post = access.own_post_or_404(request.user, public_id)
    if post.kind == PostKind.REPOST:
        raise Http404
    body, chosen, errors = post.body, post.audience, []
    if request.method == "POST":
        body = request.POST.get("body", "")
        chosen = request.POST.get("audience", post.audience)
        try:
            services.post_update(post=post, editor=request.user, body=body, post_audience=chosen)
        except ValidationError as error:
            errors = _errors(error)
        else:
            messages.success(request, _("Your post was updated."))
            return redirect(_post_url(post))
    return render(
        request,
        "feed/edit.html",
        {"post": post, "body": body, "chosen": chosen, "errors": errors, "audiences": _audience_choices(),
         "status": 400 if errors else 200},
        status=400 if errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def post_delete(request: HttpRequest, public_id) -> HttpResponse:
    post = access.own_post_or_404(request.user, public_id)
    if request.method == "POST":
        services.post_delete(post=post, member=request.user)
        messages.success(request, _("Your repost was removed.") if post.kind == PostKind.REPOST else _("Your post was deleted."))
        fallback = reverse("member_posts", args=[request.user.profile.address]) if hasattr(request.user, "profile") else "/"
        target = _next_url(request, fallback)
        if target.startswith(_post_url(post)):
            target = fallback
        return redirect(target)
    return render(request, "feed/edit.html", {"post": post, "confirm_delete": True})


# --- Comments ----------------------------------------------------------------------------------


def _comment_anchor(comment: Comment) -> str:
    return f"{_post_url(comment.post)}#comment-{comment.public_id}"


@login_required
@require_POST
def post_comment(request: HttpRequest, public_id) -> HttpResponse:
    post = access.post_for_viewer_or_404(request.user, public_id)
    parent = None
    if request.POST.get("parent"):
        parent = access.comment_for_viewer_or_404(request.user, request.POST["parent"])
        if parent.post_id != post.pk:
            raise Http404
    try:
        comment = services.comment_create(author=request.user, post=post, body=request.POST.get("body", ""), parent=parent)
    except ValidationError as error:
        _say_errors(request, error)
        return redirect(f"{_post_url(post)}#comment-form")
    comment.post = post
    return redirect(_comment_anchor(comment))


@login_required
@require_http_methods(["GET", "POST"])
def comment_edit(request: HttpRequest, public_id) -> HttpResponse:
    comment = access.comment_for_viewer_or_404(request.user, public_id)
    if comment.author_id != request.user.pk:
        raise Http404
    body, errors = comment.body, []
    if request.method == "POST":
        body = request.POST.get("body", "")
        try:
            services.comment_update(comment=comment, editor=request.user, body=body)
        except ValidationError as error:
            errors = _errors(error)
        else:
            return redirect(_comment_anchor(comment))
    return render(request, "feed/edit.html", {"comment": comment, "body": body, "errors": errors},
                  status=400 if errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def comment_delete(request: HttpRequest, public_id) -> HttpResponse:
    comment = access.comment_for_viewer_or_404(request.user, public_id)
    if request.user.pk not in (comment.author_id, comment.post.author_id):
        raise Http404
    if request.method == "POST":
        services.comment_delete(comment=comment, member=request.user)
        messages.success(request, _("The comment was deleted."))
        return redirect(f"{_post_url(comment.post)}#comments")
    return render(request, "feed/edit.html", {"comment": comment, "confirm_delete": True})


# --- Reactions ---------------------------------------------------------------------------------


def _toggle_reaction(request: HttpRequest, *, post: Post | None = None, comment: Comment | None = None) -> bool:
    """Apply the chosen kind; the same kind again takes the reaction back. False on refusal."""
    from .models import Reaction

    kind = request.POST.get("kind", ReactionKind.LIKE)
    target = {"post": post} if post is not None else {"comment": comment}
    current = Reaction.objects.filter(member=request.user, **target).values_list("kind", flat=True).first()
    try:
        if current == kind:
            services.reaction_clear(member=request.user, **target)
        else:
            services.reaction_set(member=request.user, kind=kind, **target)
    except ValidationError as error:
        _say_errors(request, error)
        return False
    return True


def _actions_fragment(request: HttpRequest, post: Post) -> HttpResponse:
    post.refresh_from_db()
    item = selectors.post_for_display(request.user, post)
    return render(request, "feed/_post_actions.html", {"v": item})


@login_required
@require_POST
def post_react(request: HttpRequest, public_id) -> HttpResponse:
    post = access.post_for_viewer_or_404(request.user, public_id)
    ok = _toggle_reaction(request, post=post)
    if _is_htmx(request):
        return _actions_fragment(request, post) if ok else HttpResponse(status=400)
    return redirect(_next_url(request, _post_url(post)))


@login_required
@require_POST
def comment_react(request: HttpRequest, public_id) -> HttpResponse:
    comment = access.comment_for_viewer_or_404(request.user, public_id)
    _toggle_reaction(request, comment=comment)
    return redirect(_next_url(request, _comment_anchor(comment)))


def _reactions_page(request: HttpRequest, target, *, post: Post, comment: Comment | None) -> HttpResponse:
    kind = request.GET.get("kind") or None
    if kind not in ReactionKind.values:
        kind = None
    page = selectors.reactors_for(request.user, target, kind, cursor=request.GET.get("cursor", ""))
    tabs = [(k, label, page.counts.get(k, 0)) for k, label in ReactionKind.choices if page.counts.get(k)]
    return render(
        request,
        "feed/reactions.html",
        {"post": post, "comment": comment, "page": page, "kind": kind, "tabs": tabs},
    )


@require_GET
def post_reactions(request: HttpRequest, public_id) -> HttpResponse:
    post = access.post_for_viewer_or_404(request.user, public_id)
    return _reactions_page(request, post, post=post, comment=None)


@require_GET
def comment_reactions(request: HttpRequest, public_id) -> HttpResponse:
    comment = access.comment_for_viewer_or_404(request.user, public_id)
    return _reactions_page(request, comment, post=comment.post, comment=comment)


# --- Reposts -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def post_repost(request: HttpRequest, public_id) -> HttpResponse:
    original = access.post_for_viewer_or_404(request.user, public_id)
    if original.kind == PostKind.REPOST and original.repost_of_id:
        original = original.repost_of
    body, chosen, errors = "", original.audience, []
    if request.method == "POST":
        body = request.POST.get("body", "")
        chosen = request.POST.get("audience") or original.audience
        try:
            repost = services.repost_create(member=request.user, original=original, body=body, post_audience=chosen)
        except ValidationError as error:
            errors = _errors(error)
            if "body" not in request.POST:  # the plain "Repost" button: say why, go back
                for message in errors:
                    messages.error(request, message)
                return redirect(_next_url(request, _post_url(original)))
        else:
            messages.success(request, _("Reposted.") if not body.strip() else _("Your post was shared."))
            if body.strip():
                return redirect(_post_url(repost))
            return redirect(_next_url(request, _post_url(original)))
    refused = ""
    if original.audience not in (Audience.PUBLIC, Audience.MEMBERS):
        refused = _("Posts shown only to connections cannot be reposted.")
    item = selectors.post_for_display(request.user, original)
    audiences = [(v, label) for v, label in _audience_choices()
                 if POST_AUDIENCES.index(v) >= POST_AUDIENCES.index(original.audience)] if not refused else []
    return render(
        request,
        "feed/repost.html",
        {"item": item, "original": original, "body": body, "chosen": chosen, "errors": errors,
         "refused": refused, "audiences": audiences},
        status=400 if errors else 200,
    )


# --- Saved ---------------------------------------------------------------------------------------


@login_required
@require_POST
def post_save(request: HttpRequest, public_id) -> HttpResponse:
    post = access.post_for_viewer_or_404(request.user, public_id)
    try:
        services.post_save_for_later(member=request.user, post=post)
    except ValidationError as error:
        _say_errors(request, error)
    if _is_htmx(request):
        return _actions_fragment(request, post)
    messages.success(request, _("Saved. Find it in your saved items."))
    return redirect(_next_url(request, _post_url(post)))


@login_required
@require_POST
def post_unsave(request: HttpRequest, public_id) -> HttpResponse:
    # Unsaving works on a post one saved but may no longer see (it only removes one's own row);
    # any other post one may not see answers like a missing one.
    post = Post.objects.filter(public_id=access._uuid_or_404(public_id)).select_related("author").first()
    if post is None or not (
        SavedPost.objects.filter(member=request.user, post=post).exists() or access.can_view_post(request.user, post)
    ):
        raise Http404
    services.post_unsave(member=request.user, post=post)
    if _is_htmx(request) and access.can_view_post(request.user, post):
        return _actions_fragment(request, post)
    if _is_htmx(request):
        return HttpResponse("")
    return redirect(_next_url(request, reverse("saved")))


@login_required
@require_GET
def saved(request: HttpRequest) -> HttpResponse:
    page = selectors.saved_posts(request.user, cursor=request.GET.get("cursor", ""))
    return render(request, "feed/saved.html", {"page": page})


# --- Reports -------------------------------------------------------------------------------------


def _report(request: HttpRequest, *, post: Post, comment: Comment | None) -> HttpResponse:
    reason, note, errors = "", "", []
    if request.method == "POST":
        reason = request.POST.get("reason", "")
        note = request.POST.get("note", "")
        try:
            services.report_create(reporter=request.user, reason=reason, note=note, post=None if comment else post,
                                   comment=comment)
        except ValidationError as error:
            errors = _errors(error)
        else:
            messages.success(request, _("Thank you. Our team will review your report."))
            return redirect(_comment_anchor(comment) if comment else _post_url(post))
    return render(
        request,
        "feed/report.html",
        {"post": post, "comment": comment, "reasons": Report.Reason.choices, "reason": reason, "note": note,
         "errors": errors},
        status=400 if errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def post_report(request: HttpRequest, public_id) -> HttpResponse:
    post = access.post_for_viewer_or_404(request.user, public_id)
    return _report(request, post=post, comment=None)


@login_required
@require_http_methods(["GET", "POST"])
def comment_report(request: HttpRequest, public_id) -> HttpResponse:
    comment = access.comment_for_viewer_or_404(request.user, public_id)
    return _report(request, post=comment.post, comment=comment)


@login_required
@require_http_methods(["GET", "POST"])
def staff_reports(request: HttpRequest) -> HttpResponse:
    if not request.user.is_staff:
        raise Http404
    if request.method == "POST":
        report = get_object_or_404(Report, public_id=access._uuid_or_404(request.POST.get("report")))
        services.report_close(report=report, staff=request.user)
        messages.success(request, _("Report closed."))
        return redirect("staff_reports")
    reports = list(
        Report.objects.filter(status=Report.Status.OPEN)
        .select_related("reporter", "reporter__profile", "post", "post__author", "comment", "comment__author")
        .order_by("-created_at")[:100]
    )
    return render(request, "feed/staff_reports.html", {"reports": reports})


# --- A member's posts ----------------------------------------------------------------------------


@require_GET
def member_posts(request: HttpRequest, address: str) -> HttpResponse:
    from maillage.profiles.selectors import profile_by_address, profile_visible_to

    profile = profile_by_address(address)
    if profile is None or not profile_visible_to(request.user, profile):
        raise Http404
    page = selectors.member_posts(request.user, profile.member, cursor=request.GET.get("cursor", ""))
    return render(request, "feed/member_posts.html", {"profile": profile, "owner": profile.member, "page": page})
