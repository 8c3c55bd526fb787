"""The action bar of a post card, rendered in Python.

Every post card on every list of posts (the home feed, a hashtag, a member's posts, saved posts,
a post's page) carries this bar: the counts line, "Like" with its reaction picker, "Comment",
"Repost" with its menu and "Save" — five forms, six reaction buttons and four links a card.
Rendered by the template engine, it was the most expensive part of the home page: 3.6 ms a card,
36 ms of a 10-card page on the benchmark machine (bench/README.md, "Home feed"). Built with
`format_html` it still took 0.9 ms a card, most of it Django's lazy-aware escaping and
translation lookups; built here with f-strings, the stdlib's `html.escape` on every value that
is not ours, and the texts of each language translated once per process, it takes about
0.1 ms. It still has one source: `feed/_post_actions.html` (the fragment htmx swaps in after a
reaction or a save) calls `{% post_actions v %}` like the cards do.

Every text goes through gettext with the msgids the template used, so the catalogues are
unchanged. The output is the template's, byte for byte once whitespace is collapsed (checked
against it in both languages when it was written; the feed's tests check what it shows).
"""

from __future__ import annotations

from functools import cache
from html import escape
from urllib.parse import quote

from django.http import HttpRequest
from django.urls import reverse
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from maillage.core.htmlparts import csrf_input, url_with_id

from .models import ReactionKind


def count_text(kind: str, n: int) -> str:
    """ "3 reactions", "1 comment" — the words read out and shown for a post's counts."""
    if kind == "reactions":
        return ngettext("%(count)s reaction", "%(count)s reactions", n) % {"count": n}
    if kind == "comments":
        return ngettext("%(count)s comment", "%(count)s comments", n) % {"count": n}
    if kind == "reposts":
        return ngettext("%(count)s repost", "%(count)s reposts", n) % {"count": n}
    if kind == "replies":
        return ngettext("%(count)s reply", "%(count)s replies", n) % {"count": n}
    return str(n)


def reaction_label(kind: str | None) -> str:
    try:
        return str(ReactionKind(kind).label)
    except ValueError:
        return ""


@cache
def _texts(language: str | None) -> dict:
    """The bar's fixed texts in one language, and the reaction picker's six buttons for each
    reaction the viewer may have given (None: none). Texts of our own catalogue are not escaped,
    as `{% translate %}` leaves them ("J'aime"); the reactions' labels are, as `{{ label }}` did."""
    texts = {
        "like": _("Like"),
        "choose": _("Choose a reaction"),
        "repost": _("Repost"),
        "repost_thoughts": _("Repost with your thoughts"),
        "repost_refused": _("Posts shown only to connections cannot be reposted."),
        "saved": _("Saved"),
        "save": _("Save"),
        "actions": _("Post actions"),
        "comment": _("Comment"),
        "sign_in": _("Sign in to react, comment or repost"),
        "labels": {kind.value: escape(str(kind.label)) for kind in ReactionKind},
    }
    pickers = {}
    for mine in (None, *ReactionKind.values):
        buttons = []
        for kind in ReactionKind.values:
            on = mine == kind
            label = texts["labels"][kind]
            buttons.append(
                f'<button type="submit" name="kind" value="{kind}" class="picker__kind'
                f'{" picker__kind--on" if on else ""}" title="{label}" aria-pressed="{"true" if on else "false"}">'
                f'<span class="reaction-dot reaction-dot--lg reaction-dot--{kind}" aria-hidden="true">'
                f'<span class="feed-icon feed-icon--{kind}"></span></span>'
                f'<span class="picker__label">{label}</span></button>'
            )
        pickers[mine] = "".join(buttons)
    texts["pickers"] = pickers
    return texts


def _counts_line(v) -> str:
    post = v.post
    if not (post.reaction_count or post.comment_count or post.repost_count):
        return ""
    parts = []
    if post.reaction_count:
        stack = "".join(
            f'<span class="reaction-dot reaction-dot--{escape(kind)}"><span class="feed-icon feed-icon--{escape(kind)}"></span></span>'
            for kind in v.top_reactions
        )
        parts.append(
            f'<a class="post__counts-reactions" href="{escape(url_with_id("post_reactions", v.public_id))}">'
            f'<span class="reaction-stack" aria-hidden="true">{stack}</span>'
            f'<span aria-hidden="true">{escape(str(localize(post.reaction_count)))}</span>'
            f'<span class="sr-only">{escape(count_text("reactions", post.reaction_count))}</span></a>'
        )
    parts.append('<span class="post__counts-rest">')
    if post.comment_count:
        parts.append(f'<a href="{escape(v.url)}#comments">{escape(count_text("comments", post.comment_count))}</a>')
    if post.comment_count and post.repost_count:
        parts.append('<span aria-hidden="true"> · </span>')
    if post.repost_count:
        parts.append(f"<span>{escape(count_text('reposts', post.repost_count))}</span>")
    parts.append("</span>")
    return f'<p class="post__counts">{"".join(parts)}</p>'


def _bar(v, texts: dict, hidden: str) -> str:
    pid = escape(str(v.public_id))
    mine = v.my_reaction if v.my_reaction in texts["labels"] else None
    shown_kind = mine or ReactionKind.LIKE.value
    react_url = escape(url_with_id("post_react", v.public_id))
    swap = f'method="post" action="{react_url}" hx-post="{react_url}" hx-target="#post-actions-{pid}" hx-swap="outerHTML"'
    if v.can_repost:
        repost_url = escape(url_with_id("post_repost", v.public_id))
        repost_panel = (
            f'<ul class="menu__list"><li><form method="post" action="{repost_url}" class="menu__form">{hidden}'
            f'<button type="submit" class="menu__item"><span class="feed-icon feed-icon--repost" aria-hidden="true"></span>{texts["repost"]}</button></form></li>'
            f'<li><a class="menu__item" href="{repost_url}"><span class="icon icon--pencil" aria-hidden="true"></span>{texts["repost_thoughts"]}</a></li></ul>'
        )
    else:
        repost_panel = f'<p class="post__repost-refused">{texts["repost_refused"]}</p>'
    save_url = escape(url_with_id("post_unsave" if v.saved else "post_save", v.public_id))
    return (
        f'<div class="post__bar" role="group" aria-label="{texts["actions"]}">'
        # Like (or the reaction given) and the picker of the six reactions
        f'<div class="post__react"><form {swap}>{hidden}'
        f'<button type="submit" name="kind" value="{shown_kind}" class="post__action'
        f'{f" post__action--on reaction-text--{mine}" if mine else ""}" aria-pressed="{"true" if mine else "false"}">'
        f'<span class="feed-icon feed-icon--{shown_kind}" aria-hidden="true"></span>'
        f'<span class="post__action-label">{texts["labels"][mine] if mine else texts["like"]}</span></button></form>'
        f'<div class="menu post__picker"><button type="button" class="menu__button post__picker-button" '
        f'aria-expanded="false" aria-controls="react-{pid}" data-menu-button>'
        f'<span class="icon icon--sm icon--chevron-up" aria-hidden="true"></span><span class="sr-only">{texts["choose"]}</span></button>'
        f'<div class="menu__panel post__picker-panel" id="react-{pid}" hidden>'
        f'<form {swap} class="picker">{hidden}{texts["pickers"][mine]}</form></div></div></div>'
        # Comment
        f'<a class="post__action" href="{escape(v.url)}#comment-form"><span class="feed-icon feed-icon--comment" aria-hidden="true"></span>'
        f'<span class="post__action-label">{texts["comment"]}</span></a>'
        # Repost, plain or with one's thoughts
        f'<div class="menu post__repost"><button type="button" class="menu__button post__action" aria-expanded="false" '
        f'aria-controls="repost-{pid}" data-menu-button><span class="feed-icon feed-icon--repost" aria-hidden="true"></span>'
        f'<span class="post__action-label">{texts["repost"]}</span></button>'
        f'<div class="menu__panel post__repost-panel" id="repost-{pid}" hidden>{repost_panel}</div></div>'
        # Save
        f'<form method="post" action="{save_url}" hx-post="{save_url}" hx-target="#post-actions-{pid}" hx-swap="outerHTML">{hidden}'
        f'<button type="submit" class="post__action{" post__action--on" if v.saved else ""}" aria-pressed="{"true" if v.saved else "false"}">'
        f'<span class="feed-icon feed-icon--bookmark" aria-hidden="true"></span>'
        f'<span class="post__action-label">{texts["saved"] if v.saved else texts["save"]}</span></button></form>'
        "</div>"
    )


def _hidden_inputs(request: HttpRequest) -> str:
    """The CSRF token and the page to come back to, for forms that work without JavaScript
    (once per request)."""
    hidden = getattr(request, "_post_actions_hidden", None)
    if hidden is None:
        hidden = (
            csrf_input(request)
            + f'<input type="hidden" name="next" value="{escape(request.get_full_path())}">'
        )
        request._post_actions_hidden = hidden
    return hidden


def post_actions(v, request: HttpRequest) -> SafeString:
    """The counts line and the action bar of a post (`v`, a selectors.PostView), swapped in place
    by htmx after a reaction or a save; without JavaScript every form posts and the view
    redirects back (`next`)."""
    texts = _texts(get_language())
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        bar = _bar(v, texts, _hidden_inputs(request))
    else:
        bar = (
            f'<p class="post__signin"><a href="{escape(reverse("account_login"))}?next={escape(quote(v.url, safe="/"))}">'
            f'{texts["sign_in"]}</a></p>'
        )
    html = f'<div class="post__actions" id="post-actions-{escape(str(v.public_id))}">{_counts_line(v)}{bar}</div>'
    return mark_safe(html)  # noqa: S308 (every value above is escaped; the texts are our catalogue's)


# --- The header of a post: its author, its time and audience, and its "…" menu -------------------


@cache
def _header_texts(language: str | None) -> dict:
    return {
        "member": escape(str(_("Member"))),
        "edited": _("Edited"),
        "more_actions": _("More actions for the post by %(name)s"),
        "edit": _("Edit post"),
        "analytics": _("View analytics"),
        "delete": _("Delete post"),
        "open": _("Open the post"),
        "report": _("Report post"),
        "why": _("Why am I seeing this?"),
        "hide": _("I don't want to see this"),
        "unfollow": _("Unfollow %(name)s"),
    }


def _feed_menu(item, texts: dict, request: HttpRequest) -> str:
    """The home feed's entries of the menu; `item` is the feed's PostView (for a plain repost:
    the repost, as ranked)."""
    pid = escape(str(item.public_id))
    entries = [
        f'<li><a class="menu__item" href="{escape(url_with_id("post_why", item.public_id))}">'
        f'<span class="icon icon--info" aria-hidden="true"></span>{texts["why"]}</a></li>'
    ]
    if not item.is_author:
        csrf = csrf_input(request)
        hide_url = escape(url_with_id("post_hide", item.public_id))
        entries.append(
            f'<li><form method="post" action="{hide_url}" hx-post="{hide_url}" hx-target="#post-{pid}" hx-swap="outerHTML">{csrf}'
            f'<button type="submit" class="menu__item"><span class="icon icon--eye" aria-hidden="true"></span>{texts["hide"]}</button></form></li>'
        )
        if getattr(item, "feed_follows_author", False):
            unfollow = texts["unfollow"] % {"name": escape(item.author.get_full_name())}
            entries.append(
                f'<li><form method="post" action="{escape(url_with_id("unfollow", item.author.public_id))}">{csrf}'
                f'<input type="hidden" name="next" value="{escape(reverse("home"))}">'
                f'<button type="submit" class="menu__item"><span class="icon icon--user" aria-hidden="true"></span>{unfollow}</button></form></li>'
            )
    return "".join(entries)


def post_header(v, request: HttpRequest, *, card_id, nested: bool = False, feed_item=None) -> SafeString:
    """The header of a post (`v`, a selectors.PostView): avatar, name and degree, headline, time,
    "edited", audience, and — unless `nested` in another card — the "…" menu, with the home
    feed's entries when `feed_item` (the feed's PostView) is given."""
    # Here, not at the top: these template tag modules import this one's neighbours.
    from maillage.core.templatetags.maillage import avatar
    from maillage.network.templatetags.network import degree_badge

    from .templatetags.feed_posts import audience_icon, post_time

    texts = _header_texts(get_language())
    author, post = v.author, v.post
    profile = author.profile
    card = escape(str(card_id))
    picture = avatar(author, "sm" if nested else "md")
    name = escape(author.get_full_name()) or texts["member"]
    if profile.address:
        profile_url = escape(reverse("profile", args=[profile.address]))
        picture = f'<a class="post__avatar" href="{profile_url}" tabindex="-1" aria-hidden="true">{picture}</a>'
        name = f'<a href="{profile_url}">{name}</a>'
    else:
        picture = f'<span class="post__avatar">{picture}</span>'
    by_id = "" if nested else f' id="post-{card}-by"'
    headline = (
        f'<p class="post__headline">{escape(profile.headline)}</p>' if profile.headline and not nested else ""
    )
    edited = (
        f'<span class="post__dot" aria-hidden="true">·</span><span class="post__edited">{texts["edited"]}</span>'
        if post.edited_at
        else ""
    )
    html = (
        f'<header class="post__head">{picture}<div class="post__who">'
        f'<h3 class="post__author"{by_id}>{name}{degree_badge(author)}</h3>{headline}'
        f'<p class="post__meta"><a class="post__time" href="{escape(v.url)}">{post_time(post.published_at)}</a>{edited}'
        f'<span class="post__dot" aria-hidden="true">·</span>{audience_icon(post.audience)}</p></div>'
    )
    if not nested:
        pub = post.public_id
        entries = []
        if v.can_edit:
            entries.append(
                f'<li><a class="menu__item" href="{escape(url_with_id("post_edit", pub))}"><span class="icon icon--pencil" aria-hidden="true"></span>{texts["edit"]}</a></li>'
            )
        if v.analytics_url:
            entries.append(
                f'<li><a class="menu__item" href="{escape(v.analytics_url)}"><span class="icon feed-icon--chart" aria-hidden="true"></span>{texts["analytics"]}</a></li>'
            )
        if v.can_delete:
            entries.append(
                f'<li><a class="menu__item menu__item--danger" href="{escape(url_with_id("post_delete", pub))}"><span class="icon feed-icon--trash" aria-hidden="true"></span>{texts["delete"]}</a></li>'
            )
        entries.append(
            f'<li><a class="menu__item" href="{escape(v.url)}"><span class="icon feed-icon--link" aria-hidden="true"></span>{texts["open"]}</a></li>'
        )
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not v.is_author:
            entries.append(
                f'<li><a class="menu__item" href="{escape(url_with_id("post_report", pub))}"><span class="icon icon--flag" aria-hidden="true"></span>{texts["report"]}</a></li>'
            )
        if feed_item is not None:
            entries.append(_feed_menu(feed_item, texts, request))
        more = texts["more_actions"] % {"name": escape(author.get_full_name())}
        html += (
            f'<div class="menu post__menu"><button type="button" class="menu__button post__menu-button" aria-expanded="false" '
            f'aria-controls="post-menu-{card}" data-menu-button><span class="icon feed-icon--more" aria-hidden="true"></span>'
            f'<span class="sr-only">{more}</span></button>'
            f'<div class="menu__panel post__menu-panel" id="post-menu-{card}" hidden><ul class="menu__list">{"".join(entries)}</ul></div></div>'
        )
    return mark_safe(html + "</header>")  # noqa: S308 (every value above is escaped; the texts are our catalogue's)
