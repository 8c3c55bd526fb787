"""The messaging pages: the inbox, an open conversation, starting one, and the small actions
(send, edit, delete, accept, mute, archive, leave, rename, add and remove people, settings).

Thin views: every conversation or message is fetched through `access` (not a participant =
404), every write goes through `services`, whose `ValidationError` is shown next to the form
with status 400 and nothing changed. Every page works without JavaScript (plain posts and
redirects); with htmx the same URLs answer fragments, and messaging.js keeps the page live.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from maillage.accounts.models import User
from maillage.core import audience

from . import access, selectors, services
from .forms import EditForm, MessageForm, NewConversationForm, RenameForm, SettingsForm
from .models import Conversation, ConversationKind, MessageKind, Participant, RequestState

PICKER_RESULTS = 10


def _htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _int_or_none(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 <= number < 2**62 else None


def _errors_of(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


def _filter_of(request: HttpRequest) -> str:
    which = request.GET.get("filter", "all")
    return which if which in selectors.INBOX_FILTERS else "all"


def _before_of(request: HttpRequest):
    from django.utils.dateparse import parse_datetime

    try:
        return parse_datetime(request.GET.get("before", "")[:40])
    except ValueError:
        return None


def _inbox_context(request: HttpRequest, which: str, *, open_id=None, before=None) -> dict:
    rows = selectors.inbox(request.user, which=which, before=before, limit=selectors.INBOX_PAGE)
    more = len(rows) > selectors.INBOX_PAGE
    rows = rows[: selectors.INBOX_PAGE]
    return {
        "rows": rows,
        "more_before": rows[-1].conversation.last_message_at.isoformat() if more else "",
        "filter": which,
        "open_id": str(open_id) if open_id else "",
        "filters": [
            ("all", _("All")),
            ("unread", _("Unread")),
            ("requests", _("Requests")),
            ("archived", _("Archived")),
        ],
    }


# --- Inbox ----------------------------------------------------------------------------------------


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    which = _filter_of(request)
    context = _inbox_context(
        request, which, open_id=request.GET.get("open", ""), before=_before_of(request)
    )
    if _htmx(request) and request.GET.get("fragment") == "list":
        return render(request, "messaging/_conversation_list_items.html", context)
    return render(request, "messaging/inbox.html", context)


@login_required
@require_GET
def nav_badge(request: HttpRequest) -> HttpResponse:
    """The top bar's messaging entry, for messaging.js to refresh the unread badge."""
    return render(
        request, "messaging/_nav.html", {"nav_current": request.GET.get("current") == "1"}
    )


# --- The open conversation ----------------------------------------------------------------------


def _message_context(request: HttpRequest, conversation: Conversation, found: list) -> dict:
    """What rendering messages needs beside the messages: who the event messages name, and
    which message carries "Seen" (read receipts on for the reader and someone else)."""
    people = selectors.event_people(found)
    now = timezone.now()
    for message in found:
        message.is_mine = message.sender_id == request.user.pk
        message.can_edit = (
            message.is_mine
            and message.kind == MessageKind.TEXT
            and message.deleted_at is None
            and now - message.created_at <= services.EDIT_WINDOW
        )
        if message.kind == MessageKind.EVENT:
            message.event_text = _event_text(message, people)
    return {"conversation": conversation, "people": people}


def _event_text(message, people: dict) -> str:
    actor = message.sender.get_full_name() or message.sender.email
    event = message.event or {}
    what = event.get("what")
    other = people.get(event.get("member") or "")
    other_name = (
        (other.get_full_name() or other.email) if other is not None else _("a former member")
    )
    if what == "created":
        if event.get("name"):
            return _("%(actor)s started the conversation “%(name)s”.") % {
                "actor": actor,
                "name": event["name"],
            }
        return _("%(actor)s started the conversation.") % {"actor": actor}
    if what == "renamed":
        if event.get("name"):
            return _("%(actor)s named the conversation “%(name)s”.") % {
                "actor": actor,
                "name": event["name"],
            }
        return _("%(actor)s removed the conversation name.") % {"actor": actor}
    if what == "added":
        return _("%(actor)s added %(other)s.") % {"actor": actor, "other": other_name}
    if what == "removed":
        return _("%(actor)s removed %(other)s.") % {"actor": actor, "other": other_name}
    if what == "left":
        return _("%(actor)s left the conversation.") % {"actor": actor}
    return _("The conversation changed.")


def _seen_message_id(
    request: HttpRequest, me: Participant, rows: list[Participant], found: list
) -> int | None:
    """The id of the viewer's newest message someone else has read, when both share receipts."""
    others = [r for r in rows if r.member_id != request.user.pk]
    if not others:
        return None
    settings_of = selectors.receipts_on_for([request.user.pk, *[r.member_id for r in others]])
    if not settings_of[request.user.pk]:
        return None
    read_up_to = max(
        (r.last_read_message_id for r in others if settings_of[r.member_id]), default=0
    )
    mine = [m.pk for m in found if m.sender_id == request.user.pk and m.pk <= read_up_to]
    return max(mine) if mine else None


def _conversation_page(
    request: HttpRequest,
    conversation: Conversation,
    me: Participant,
    *,
    form: MessageForm | None = None,
    status: int = 200,
    rename_form: RenameForm | None = None,
) -> HttpResponse:
    before = _int_or_none(request.GET.get("before"))
    found, has_older = selectors.thread(conversation, request.user, before=before)
    rows = selectors.participants(conversation)
    others = [r.member for r in rows if r.member_id != request.user.pk]
    blocked = set(audience.relation(audience.BLOCKED).ids_for(request.user.pk))
    visible_others = [o for o in others if o.pk not in blocked]
    context = _inbox_context(
        request,
        "requests" if me.request_state != RequestState.ACCEPTED else _filter_of(request),
        open_id=conversation.public_id,
    )
    context.update(_message_context(request, conversation, found))
    if conversation.name:
        title = conversation.name
    else:
        title = ", ".join(o.get_full_name() or o.email for o in visible_others) or _("Conversation")
    pending_for_me = me.request_state in (RequestState.PENDING, RequestState.DECLINED)
    context.update(
        {
            "me": me,
            "messages_list": found,
            "has_older": has_older,
            "older_than": found[0].pk if found else None,
            # Opened at an older message (a search result): the newest are a link away.
            "viewing_older": before is not None,
            "last_id": max((m.pk for m in found), default=0),
            "rows": context["rows"],
            "participants": rows,
            "others": visible_others,
            "title": title,
            "pending_for_me": pending_for_me,
            "is_group": conversation.kind == ConversationKind.GROUP,
            # Nobody's receipt crosses a block.
            "seen_id": _seen_message_id(
                request, me, [r for r in rows if r.member_id not in blocked], found
            ),
            "form": form or MessageForm(),
            "rename_form": rename_form or RenameForm(initial={"name": conversation.name}),
            "edit_minutes": int(services.EDIT_WINDOW.total_seconds() // 60),
        }
    )
    return render(request, "messaging/conversation.html", context, status=status)


@login_required
@require_GET
def conversation(request: HttpRequest, public_id) -> HttpResponse:
    conversation, me = access.conversation_for_member_or_404(request.user, public_id)
    if me.request_state == RequestState.ACCEPTED:
        # Opening the page reads it (a request is read once accepted: the sender is not told
        # it was seen before the recipient decides).
        me = services.conversation_mark_read(member=request.user, conversation=conversation)
    return _conversation_page(request, conversation, me)


@login_required
@require_GET
def conversation_messages(request: HttpRequest, public_id) -> HttpResponse:
    """A fragment for messaging.js and "load older": `?after=<id>` (newer, oldest first) or
    `?before=<id>` (the page of older messages, with the next "load older" control)."""
    conversation, me = access.conversation_for_member_or_404(request.user, public_id)
    after = _int_or_none(request.GET.get("after"))
    before = _int_or_none(request.GET.get("before"))
    if after is not None:
        found, has_older = selectors.thread(conversation, request.user, after=after)
    else:
        found, has_older = selectors.thread(conversation, request.user, before=before)
    context = _message_context(request, conversation, found)
    context.update(
        {
            "messages_list": found,
            "older": before is not None,
            "has_older": has_older,
            "older_than": found[0].pk if found else None,
            "seen_id": None,
        }
    )
    return render(request, "messaging/_messages.html", context)


@login_required
@require_POST
def message_send(request: HttpRequest, public_id) -> HttpResponse:
    conversation, me = access.conversation_for_member_or_404(request.user, public_id)
    form = MessageForm(request.POST)
    error = None
    if form.is_valid():
        try:
            message = services.message_send(
                sender=request.user,
                conversation=conversation,
                body=form.cleaned_data["body"],
                client_id=form.cleaned_data["client_id"],
                attachments=request.FILES.getlist("files"),
            )
        except ValidationError as exc:
            error = exc
        else:
            if _htmx(request):
                found = [message]
                context = _message_context(request, conversation, found)
                context.update({"messages_list": found, "seen_id": None})
                response = render(request, "messaging/_messages.html", context)
                response["X-Next-Client-Id"] = str(uuid.uuid4())
                return response
            return redirect(reverse("conversation", args=[conversation.public_id]) + "#composer")
    if error is not None:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                for e in errors:
                    form.add_error(field if field in form.fields else None, e)
        else:
            form.add_error(None, error)
    if _htmx(request):
        return render(request, "messaging/_form_errors.html", {"form": form}, status=400)
    me.refresh_from_db()
    return _conversation_page(request, conversation, me, form=form, status=400)


def _own_message_or_404(request: HttpRequest, public_id):
    message = access.message_for_member_or_404(request.user, public_id)
    conversation, me = access.conversation_for_member_or_404(
        request.user, message.conversation.public_id
    )
    return message, conversation, me


def _message_fragment(request: HttpRequest, conversation, message) -> HttpResponse:
    found = [message]
    context = _message_context(request, conversation, found)
    context.update({"messages_list": found, "seen_id": None})
    return render(request, "messaging/_messages.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def message_edit(request: HttpRequest, public_id) -> HttpResponse:
    message, conversation, me = _own_message_or_404(request, public_id)
    if message.sender_id != request.user.pk or message.kind != MessageKind.TEXT:
        raise Http404
    status = 200
    if request.method == "POST":
        form = EditForm(request.POST)
        if form.is_valid():
            try:
                services.message_edit(
                    member=request.user, message=message, body=form.cleaned_data["body"]
                )
            except ValidationError as exc:
                for text in _errors_of(exc):
                    form.add_error("body" if hasattr(exc, "error_dict") else None, text)
            else:
                if _htmx(request):
                    return _message_fragment(request, conversation, message)
                messages.success(request, _("Your message is updated."))
                return redirect(
                    reverse("conversation", args=[conversation.public_id]) + f"#m{message.pk}"
                )
        status = 400
    else:
        form = EditForm(initial={"body": message.body})
        if (
            message.deleted_at is None
            and timezone.now() - message.created_at > services.EDIT_WINDOW
        ):
            form.add_error(None, _("A message can be edited for 15 minutes after it was sent."))
            status = 400
    return render(
        request,
        "messaging/message_edit.html",
        {"form": form, "message": message, "conversation": conversation},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def message_delete(request: HttpRequest, public_id) -> HttpResponse:
    message, conversation, me = _own_message_or_404(request, public_id)
    if message.sender_id != request.user.pk or message.kind != MessageKind.TEXT:
        raise Http404
    if request.method == "POST":
        try:
            services.message_delete(member=request.user, message=message)
        except ValidationError as exc:
            messages.error(request, " ".join(_errors_of(exc)))
            return redirect("conversation", conversation.public_id)
        if _htmx(request):
            return _message_fragment(request, conversation, message)
        messages.success(request, _("Your message is deleted."))
        return redirect(reverse("conversation", args=[conversation.public_id]) + f"#m{message.pk}")
    return render(
        request, "messaging/message_delete.html", {"message": message, "conversation": conversation}
    )


# --- Requests and the small actions ----------------------------------------------------------


def _act(
    request: HttpRequest, public_id, action, *, done: str = "", to_inbox: bool = False
) -> HttpResponse:
    """Run one service on the conversation; back to the conversation (or the inbox) with a
    message, or with the service's refusal."""
    conversation, me = access.conversation_for_member_or_404(request.user, public_id)
    try:
        action(conversation)
    except ValidationError as exc:
        messages.error(request, " ".join(_errors_of(exc)))
        target = reverse("conversation", args=[conversation.public_id])
        if _htmx(request):
            response = HttpResponse(status=400)
            response["HX-Redirect"] = target
            return response
        return redirect(target)
    if done:
        messages.success(request, done)
    target = (
        reverse("messaging") if to_inbox else reverse("conversation", args=[conversation.public_id])
    )
    if _htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = target
        return response
    return redirect(target)


def _flag(request: HttpRequest) -> bool:
    return request.POST.get("on", "1") not in ("0", "false", "")


@login_required
@require_POST
def request_accept(request: HttpRequest, public_id) -> HttpResponse:
    def accept(conversation):
        services.request_accept(member=request.user, conversation=conversation)
        services.conversation_mark_read(member=request.user, conversation=conversation)

    return _act(request, public_id, accept, done=_("Request accepted. You can now reply."))


@login_required
@require_POST
def request_decline(request: HttpRequest, public_id) -> HttpResponse:
    return _act(
        request,
        public_id,
        lambda c: services.request_decline(member=request.user, conversation=c),
        done=_("Request declined. The sender is not told."),
        to_inbox=True,
    )


@login_required
@require_POST
def conversation_read(request: HttpRequest, public_id) -> HttpResponse:
    return _act(
        request,
        public_id,
        lambda c: services.conversation_mark_read(member=request.user, conversation=c),
    )


@login_required
@require_POST
def conversation_unread(request: HttpRequest, public_id) -> HttpResponse:
    # Back to the inbox: opening the conversation again would read it.
    return _act(
        request,
        public_id,
        lambda c: services.conversation_mark_unread(member=request.user, conversation=c),
        done=_("Marked as unread."),
        to_inbox=True,
    )


@login_required
@require_POST
def conversation_mute(request: HttpRequest, public_id) -> HttpResponse:
    on = _flag(request)
    return _act(
        request,
        public_id,
        lambda c: services.conversation_set_muted(member=request.user, conversation=c, muted=on),
        done=_("Conversation muted: no more notifications from it.")
        if on
        else _("Conversation unmuted."),
    )


@login_required
@require_POST
def conversation_archive(request: HttpRequest, public_id) -> HttpResponse:
    on = _flag(request)
    return _act(
        request,
        public_id,
        lambda c: services.conversation_set_archived(
            member=request.user, conversation=c, archived=on
        ),
        done=_("Conversation archived. A new message brings it back.")
        if on
        else _("Conversation moved back to your inbox."),
        to_inbox=on,
    )


@login_required
@require_POST
def conversation_leave(request: HttpRequest, public_id) -> HttpResponse:
    return _act(
        request,
        public_id,
        lambda c: services.conversation_leave(member=request.user, conversation=c),
        done=_("You left the conversation."),
        to_inbox=True,
    )


@login_required
@require_POST
def conversation_rename(request: HttpRequest, public_id) -> HttpResponse:
    conversation, me = access.conversation_for_member_or_404(request.user, public_id)
    form = RenameForm(request.POST)
    if form.is_valid():
        try:
            services.conversation_rename(
                member=request.user, conversation=conversation, name=form.cleaned_data["name"]
            )
        except ValidationError as exc:
            for text in _errors_of(exc):
                form.add_error("name", text)
        else:
            messages.success(request, _("Conversation renamed."))
            return redirect("conversation", conversation.public_id)
    return _conversation_page(request, conversation, me, rename_form=form, status=400)


def _members_by_uuid(values) -> list[User]:
    ids = []
    for value in values[:60]:
        try:
            ids.append(uuid.UUID(str(value)))
        except ValueError:
            continue
    return list(User.objects.filter(public_id__in=ids, is_active=True).select_related("profile"))


def _picker_results(
    request: HttpRequest, query: str, *, exclude: set[int], connections_only: bool = False
) -> list[User]:
    """People matching `query` the member may write to, as the people search finds them."""
    from maillage.search.forms import PeopleSearchForm
    from maillage.search.selectors import people_search

    form = PeopleSearchForm({"q": query[:100]})
    if not form.is_valid() or not form.cleaned_data["q"].strip():
        return []
    page = people_search(
        viewer=request.user, query=form.people_query(), per_page=PICKER_RESULTS + len(exclude)
    )
    people = [p for p in page.results if p.pk not in exclude]
    if connections_only:
        people = [p for p in people if getattr(p, "degree", None) == 1]
    return people[:PICKER_RESULTS]


@login_required
@require_http_methods(["GET", "POST"])
def participants_add(request: HttpRequest, public_id) -> HttpResponse:
    """Add connections to a group (its admin): a search, then the chosen people."""
    conversation, me = access.conversation_for_member_or_404(request.user, public_id)
    if conversation.kind != ConversationKind.GROUP or not me.is_admin:
        raise Http404
    current = {r.member_id for r in selectors.participants(conversation)}
    query = (request.POST.get("q") if request.method == "POST" else request.GET.get("q")) or ""
    chosen = _members_by_uuid(request.POST.getlist("to")) if request.method == "POST" else []
    errors: list[str] = []
    status = 200
    if request.method == "POST" and request.POST.get("action") != "search":
        if not chosen:
            errors.append(_("Choose at least one person to add."))
        else:
            try:
                services.participants_add(
                    member=request.user, conversation=conversation, others=chosen
                )
            except ValidationError as exc:
                errors = _errors_of(exc)
            else:
                messages.success(request, _("People added to the conversation."))
                return redirect("conversation", conversation.public_id)
        status = 400
    chosen_ids = {c.pk for c in chosen}
    results = _picker_results(request, query, exclude=current | chosen_ids, connections_only=True)
    context = {
        "conversation": conversation,
        "query": query,
        "chosen": chosen,
        "results": results,
        "errors": errors,
        "picker_url": reverse("participants_add", args=[conversation.public_id]),
    }
    if _htmx(request) and request.method == "GET":
        return render(request, "messaging/_picker_results.html", context)
    return render(request, "messaging/participants_add.html", context, status=status)


@login_required
@require_POST
def participant_remove(request: HttpRequest, public_id) -> HttpResponse:
    others = _members_by_uuid([request.POST.get("member", "")])

    def remove(conversation):
        if not others:
            raise ValidationError(_("Choose the person to remove."))
        services.participant_remove(member=request.user, conversation=conversation, other=others[0])

    return _act(request, public_id, remove, done=_("Removed from the conversation."))


# --- Starting a conversation ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def message_new(request: HttpRequest) -> HttpResponse:
    """Write to one person (anyone you may reach: a request if not a connection) or to several
    connections (a group). An existing one-to-one conversation is opened instead of a new one."""
    source = request.POST if request.method == "POST" else request.GET
    chosen = [c for c in _members_by_uuid(source.getlist("to")) if c.pk != request.user.pk]
    blocked = set(audience.relation(audience.BLOCKED).ids_for(request.user.pk))
    chosen = [c for c in chosen if c.pk not in blocked]
    query = source.get("q", "")
    if request.method == "GET" and len(chosen) == 1 and not query and not _htmx(request):
        existing = _existing_direct(request.user, chosen[0])
        if existing is not None:
            return redirect("conversation", existing.public_id)
    form = NewConversationForm(request.POST or None)
    errors: list[str] = []
    status = 200
    if request.method == "POST" and request.POST.get("action") != "search":
        status = 400
        if not chosen:
            errors.append(_("Choose who to write to."))
        elif form.is_valid():
            try:
                conversation = _start(request, chosen, form.cleaned_data)
            except ValidationError as exc:
                errors = _errors_of(exc)
            else:
                return redirect("conversation", conversation.public_id)
    chosen_ids = {c.pk for c in chosen}
    results = _picker_results(request, query, exclude=chosen_ids | {request.user.pk})
    context = {
        "form": form,
        "query": query,
        "chosen": chosen,
        "results": results,
        "errors": errors,
        "picker_url": reverse("message_new"),
    }
    if _htmx(request) and request.method == "GET":
        return render(request, "messaging/_picker_results.html", context)
    return render(request, "messaging/new.html", context, status=status)


def _existing_direct(member: User, other: User) -> Conversation | None:
    low, high = sorted((member.pk, other.pk))
    conversation = Conversation.objects.filter(direct_key=f"{low}:{high}").first()
    if conversation is None or not access.is_participant(member, conversation.pk):
        return None
    if access.blocked_direct(member.pk, conversation):
        return None
    return conversation


def _start(request: HttpRequest, chosen: list[User], data: dict) -> Conversation:
    body = data.get("body") or ""
    files = request.FILES.getlist("files")
    if len(chosen) == 1:
        other = chosen[0]
        if body.strip() or files:
            message = services.message_send_to(
                sender=request.user,
                recipient=other,
                body=body,
                client_id=data.get("client_id"),
                attachments=files,
            )
            return message.conversation
        return services.conversation_direct(member=request.user, other=other)
    # One transaction: a first message that is refused (too long, too fast…) leaves no empty group.
    with transaction.atomic():
        conversation = services.conversation_group_create(
            creator=request.user, others=chosen, name=data.get("name") or ""
        )
        if body.strip() or files:
            services.message_send(
                sender=request.user,
                conversation=conversation,
                body=body,
                client_id=data.get("client_id"),
                attachments=files,
            )
    return conversation


# --- Settings -------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def messaging_settings(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = SettingsForm(request.POST)
        if form.is_valid():
            services.messaging_settings_update(
                member=request.user, read_receipts=form.cleaned_data["read_receipts"]
            )
            messages.success(request, _("Your messaging settings are saved."))
            return redirect("messaging_settings")
    else:
        form = SettingsForm(initial={"read_receipts": selectors.receipts_on(request.user.pk)})
    return render(request, "messaging/settings.html", {"form": form})
