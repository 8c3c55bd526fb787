"""The viewer's buttons next to a person (Connect, Message, Follow, the "•••" menu), rendered in
Python.

Every list of people carries them: suggestions (20 a page), search results, connections, the
directory, a profile. Rendered by the template engine they cost 1.5 ms a person on the
benchmark machine, 31 ms of the 81 ms of "people you may know" (`docs/scaling.md`); built here
with f-strings they cost a tenth of that. `includes/person_actions.html` (the fragment htmx
swaps in after an action) calls `{% person_actions member %}`, so it still has one source.

The output is the template's (checked against it for every relationship state in both
languages when it was written; the network's tests check what it shows). Texts of our own
catalogue are left unescaped as `{% translate %}` leaves them; names, addresses and the page
address are escaped.
"""

from __future__ import annotations

from functools import cache
from html import escape

from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from maillage.core.htmlparts import csrf_input, url_with_id


@cache
def _texts(language: str | None) -> dict:
    return {
        "blocked": _("Blocked"),
        "unblock": _("Unblock"),
        "connected": _("Connected"),
        "accept": _("Accept"),
        "ignore": _("Ignore"),
        "invitation_from": _("the invitation from %(name)s"),
        "pending": _("Pending"),
        "withdraw": _("Withdraw"),
        "invitation_to": _("your invitation to %(name)s"),
        "connect": _("Connect"),
        "with": _("with %(name)s"),
        "add_note": _("Add a note (optional)"),
        "say_how": _("Say how you know %(name)s — 300 characters at most."),
        "send_invitation": _("Send invitation"),
        "message": _("Message"),
        "stop_following": _("Stop following"),
        "following": _("Following"),
        "stop_following_name": _("%(name)s — stop following"),
        "follow": _("Follow"),
        "more_actions": _("More actions for %(name)s"),
        "unfollow": _("Unfollow"),
        "remove_confirm": _("Remove your connection with %(name)s?"),
        "remove": _("Remove connection"),
        "unmute": _("Unmute"),
        "mute": _("Mute"),
        "mute_hint": _("Hide their posts from your feed"),
        "block_confirm": _("Block %(name)s? You will no longer see each other anywhere."),
        "block": _("Block"),
        "block_hint": _("Neither of you will see the other"),
    }


def person_actions(
    member,
    *,
    user,
    request,
    actions_next: str = "",
    action_message: str = "",
    action_error: str = "",
) -> SafeString:
    """The buttons for `member` (a User annotated by network.selectors.people_for_viewer(viewer,
    members, relationships=True): `member.relationship`), seen by `user`. `member.muted` /
    `member.blocked` (or the same names on the relationship) switch Mute and Block to Unmute and
    Unblock. Nothing for oneself or visitors."""
    rel = getattr(member, "relationship", None) if member else None
    if not (member and rel and user is not None and user.is_authenticated and member.pk != user.pk):
        return mark_safe("")  # noqa: S308 (a constant)
    t = _texts(get_language())
    pid = escape(str(member.public_id))
    name = escape(member.get_full_name() or member.email)
    named = {"name": name}
    next_ = escape(actions_next or request.get_full_path())
    hidden = (
        csrf_input(request)
        + f'<input type="hidden" name="next" value="{next_}">'
    )
    swap = 'hx-target="closest .person-actions" hx-swap="outerHTML"'

    def url(name_: str, public_id=None) -> str:
        return escape(url_with_id(name_, member.public_id if public_id is None else public_id))

    def form(action: str, inner: str, *, css: str = 'class="person-actions__form" ', extra: str = "") -> str:
        return f'<form {css}method="post" action="{action}" hx-post="{action}" {swap}{extra}>{hidden}{inner}</form>'

    parts = []
    if getattr(member, "blocked", False) or getattr(rel, "blocked", False):
        parts.append(
            f'<span class="person-actions__state"><span class="icon icon--lock" aria-hidden="true"></span>{t["blocked"]}</span>'
        )
        parts.append(
            form(
                url("unblock"),
                f'<button type="submit" class="btn btn--secondary btn--sm">{t["unblock"]}<span class="sr-only"> {name}</span></button>',
            )
        )
    else:
        received, sent = rel.invitation_received, rel.invitation_sent
        if rel.connected:
            parts.append(
                '<span class="person-actions__state person-actions__state--connected"><span class="icon icon--check" aria-hidden="true"></span>'
                f'{t["connected"]}</span>'
            )
        elif received:
            from_ = t["invitation_from"] % named
            parts.append(
                form(
                    url("invitation_accept", received.public_id),
                    f'<button type="submit" class="btn btn--primary btn--sm">{t["accept"]}<span class="sr-only"> {from_}</span></button>',
                )
            )
            parts.append(
                form(
                    url("invitation_ignore", received.public_id),
                    f'<button type="submit" class="btn btn--quiet btn--sm">{t["ignore"]}<span class="sr-only"> {from_}</span></button>',
                )
            )
        elif sent:
            parts.append(
                f'<span class="person-actions__state"><span class="icon icon--todo" aria-hidden="true"></span>{t["pending"]}</span>'
            )
            parts.append(
                form(
                    url("invitation_withdraw", sent.public_id),
                    f'<button type="submit" class="btn btn--quiet btn--sm">{t["withdraw"]}<span class="sr-only"> {t["invitation_to"] % named}</span></button>',
                )
            )
        else:
            parts.append(
                '<details class="person-actions__connect">'
                f'<summary class="btn btn--primary btn--sm"><span class="icon icon--user-plus" aria-hidden="true"></span>{t["connect"]}'
                f'<span class="sr-only"> {t["with"] % named}</span></summary>'
                + form(
                    url("network_invite"),
                    f'<div class="field"><label class="field__label" for="note-{pid}">{t["add_note"]}</label>'
                    f'<textarea id="note-{pid}" name="note" rows="3" maxlength="300" aria-describedby="note-{pid}_helptext"></textarea>'
                    f'<p class="field__help" id="note-{pid}_helptext">{t["say_how"] % named}</p></div>'
                    f'<button type="submit" class="btn btn--primary btn--sm">{t["send_invitation"]}</button>',
                    css='class="person-actions__panel person-actions__invite" ',
                )
                + "</details>"
            )
        parts.append(
            f'<a class="btn btn--secondary btn--sm" href="{escape(reverse("message_new"))}?to={pid}">'
            f'<span class="icon icon--messages" aria-hidden="true"></span>{t["message"]}<span class="sr-only"> {name}</span></a>'
        )
        if not rel.connected:
            if rel.following:
                parts.append(
                    form(
                        url("unfollow"),
                        f'<button type="submit" class="btn btn--secondary btn--sm" title="{t["stop_following"]}">'
                        f'<span class="icon icon--check" aria-hidden="true"></span>{t["following"]}'
                        f'<span class="sr-only"> {t["stop_following_name"] % named}</span></button>',
                    )
                )
            else:
                parts.append(
                    form(
                        url("follow"),
                        f'<button type="submit" class="btn btn--secondary btn--sm">{t["follow"]}<span class="sr-only"> {name}</span></button>',
                    )
                )
        menu = []
        if rel.connected:
            follow_url = url("unfollow" if rel.following else "follow")
            menu.append(
                "<li>"
                + form(
                    follow_url,
                    f'<button type="submit" class="menu__item">{t["unfollow"] if rel.following else t["follow"]}</button>',
                    css="",
                )
                + "</li>"
            )
            menu.append(
                "<li>"
                + form(
                    url("connection_remove"),
                    f'<button type="submit" class="menu__item">{t["remove"]}</button>',
                    css="",
                    extra=f' hx-confirm="{t["remove_confirm"] % named}"',
                )
                + "</li>"
            )
        if getattr(member, "muted", False) or getattr(rel, "muted", False):
            mute = form(url("unmute"), f'<button type="submit" class="menu__item">{t["unmute"]}</button>', css="")
        else:
            mute = form(
                url("mute"),
                f'<button type="submit" class="menu__item">{t["mute"]}<span class="person-actions__hint">{t["mute_hint"]}</span></button>',
                css="",
            )
        menu.append(f"<li>{mute}</li>")
        menu.append(
            "<li>"
            + form(
                url("block"),
                f'<button type="submit" class="menu__item person-actions__danger">{t["block"]}<span class="person-actions__hint">{t["block_hint"]}</span></button>',
                css="",
                extra=f' hx-confirm="{t["block_confirm"] % named}"',
            )
            + "</li>"
        )
        parts.append(
            '<details class="person-actions__more"><summary class="btn btn--quiet btn--sm"><span aria-hidden="true">•••</span>'
            f'<span class="sr-only">{t["more_actions"] % named}</span></summary>'
            f'<ul class="person-actions__panel person-actions__menu">{"".join(menu)}</ul></details>'
        )
    status = ""
    if action_message:
        status += f'<p class="person-actions__status" role="status">{conditional_escape(action_message)}</p>'
    if action_error:
        status += f'<p class="person-actions__status person-actions__status--error" role="alert">{conditional_escape(action_error)}</p>'
    html = (
        f'<div class="person-actions" id="actions-{pid}"><div class="person-actions__buttons">{"".join(parts)}</div>'
        f"{status}</div>"
    )
    return mark_safe(html)  # noqa: S308 (every value above is escaped; the texts are our catalogue's)
