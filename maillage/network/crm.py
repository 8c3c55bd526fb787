"""The personal CRM: what a member writes about the people they know, for their eyes only.

A `Contact` belongs to its owner and is about a fellow member (created on demand, the first time
the owner writes something about them) or an outside person (added by hand or imported). Nobody
but the owner ever reads any of it: every read here filters on the owner, and every view answers
404 to anyone else. The member a contact is about is never told.

Writes (`*_add`, `*_update`, `*_delete`…) are keyword-only services inside one transaction that
raise `ValidationError` with a message for the member; reads are the selectors at the end.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts.models import User, fold_for_search
from maillage.core import audience

from .models import Connection, Contact, ContactNote, ContactTag, Introduction, Invitation, Reminder

NOTE_MAX = 5000
TAG_MAX = 40
TAGS_PER_CONTACT = 20
NOTES_PER_CONTACT = 100  # every note is shown on the contact's page: bounded
OPEN_REMINDERS_PER_CONTACT = 20
REMINDER_TEXT_MAX = 200
MEETING_WHERE_MAX = 200
MEETING_WHY_MAX = 300
CONTACTS_PAGE_SIZE = 25

QUICK_DELAYS = {
    "week": timedelta(weeks=1),
    "month": timedelta(days=30),
    "quarter": timedelta(days=91),
}


# --- Names and links -----------------------------------------------------------------------------


def contact_display_name(contact: Contact) -> str:
    if contact.member_id is not None and contact.member is not None:
        return contact.member.get_full_name() or contact.member.email
    name = f"{contact.first_name} {contact.last_name}".strip()
    return name or contact.email or _("Unnamed contact")


def contact_url(contact: Contact) -> str:
    """Where the owner reads about this contact: the relationship page for a member (while the
    member has a profile address), the contact's own page otherwise."""
    if contact.member_id is not None:
        profile = getattr(contact.member, "profile", None)
        if profile is not None and profile.address:
            return reverse("crm_relationship", args=[profile.address])
    return reverse("crm_contact", args=[contact.public_id])


# --- Who may keep notes on whom ------------------------------------------------------------------


def may_keep_notes_on(owner: User, member: User) -> bool:
    """A member keeps notes on any other active member they may see (no block either way)."""
    return (
        owner.is_authenticated
        and member.pk != owner.pk
        and member.is_active
        and not audience.is_blocked(owner.pk, member.pk)
    )


# --- Writes -------------------------------------------------------------------------------------


def _clean_text(value: str, *, limit: int, label: str) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise ValidationError(
            _("%(label)s is too long: %(max)d characters at most.") % {"label": label, "max": limit},
            code="too_long",
        )
    return value


def contact_for_member_ensure(*, owner: User, member: User) -> Contact:
    """The owner's contact row about `member`, created on first use."""
    if not may_keep_notes_on(owner, member):
        raise ValidationError(_("You cannot keep notes about this member."), code="unreachable")
    with transaction.atomic():
        contact, _created = Contact.objects.get_or_create(
            owner=owner,
            member=member,
            defaults={"first_name": member.first_name[:80], "last_name": member.last_name[:80]},
        )
    return contact


def _check_owner(owner: User, contact: Contact) -> None:
    if contact.owner_id != owner.pk:
        # Never reached through the views (they fetch by owner); a guard for other callers.
        raise ValidationError(_("This contact does not exist."), code="missing")


def contact_create(
    *,
    owner: User,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    phone: str = "",
    organization: str = "",
    position: str = "",
    url: str = "",
    source: str = Contact.Source.MANUAL,
    connected_elsewhere_on: date | None = None,
) -> Contact:
    """Add an outside person to the owner's contacts."""
    values = _clean_contact_fields(
        first_name=first_name,
        last_name=last_name,
        email=email,
        phone=phone,
        organization=organization,
        position=position,
        url=url,
    )
    if not (values["first_name"] or values["last_name"] or values["email"]):
        raise ValidationError(_("Give at least a name or an e-mail address."), code="empty")
    with transaction.atomic():
        return Contact.objects.create(
            owner=owner, source=source, connected_elsewhere_on=connected_elsewhere_on, **values
        )


def contact_update(
    *,
    owner: User,
    contact: Contact,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    phone: str = "",
    organization: str = "",
    position: str = "",
    url: str = "",
) -> Contact:
    """Change an outside contact's details (a member's come from their profile)."""
    _check_owner(owner, contact)
    if contact.member_id is not None:
        raise ValidationError(_("A member's details come from their profile."), code="member")
    values = _clean_contact_fields(
        first_name=first_name,
        last_name=last_name,
        email=email,
        phone=phone,
        organization=organization,
        position=position,
        url=url,
    )
    if not (values["first_name"] or values["last_name"] or values["email"]):
        raise ValidationError(_("Give at least a name or an e-mail address."), code="empty")
    with transaction.atomic():
        for name, value in values.items():
            setattr(contact, name, value)
        contact.save(update_fields=[*values.keys(), "updated_at"])
    return contact


def _clean_contact_fields(**fields: str) -> dict[str, str]:
    limits = {
        "first_name": (80, _("The first name")),
        "last_name": (80, _("The last name")),
        "email": (254, _("The e-mail address")),
        "phone": (40, _("The phone number")),
        "organization": (150, _("The organization")),
        "position": (150, _("The position")),
        "url": (500, _("The address")),
    }
    cleaned = {}
    for name, value in fields.items():
        limit, label = limits[name]
        cleaned[name] = _clean_text(value, limit=limit, label=label)
    if cleaned["email"]:
        try:
            EmailValidator()(cleaned["email"])
        except ValidationError as exc:
            raise ValidationError(_("Enter a valid e-mail address."), code="email") from exc
        cleaned["email"] = cleaned["email"].lower()
    if cleaned["url"]:
        try:
            URLValidator(schemes=["http", "https"])(cleaned["url"])
        except ValidationError as exc:
            raise ValidationError(_("Enter a valid web address."), code="url") from exc
    return cleaned


def contact_delete(*, owner: User, contact: Contact) -> None:
    """Forget a contact with its notes, tags and reminders."""
    _check_owner(owner, contact)
    with transaction.atomic():
        contact.delete()


def contact_meeting_update(
    *, owner: User, contact: Contact, met_where: str, met_on: date | None, met_why: str
) -> Contact:
    """Where, when and why the owner met this person."""
    _check_owner(owner, contact)
    met_where = _clean_text(met_where, limit=MEETING_WHERE_MAX, label=_("Where you met"))
    met_why = _clean_text(met_why, limit=MEETING_WHY_MAX, label=_("Why you met"))
    if met_on is not None and met_on > timezone.localdate():
        raise ValidationError(_("The meeting date cannot be in the future."), code="future")
    with transaction.atomic():
        contact.met_where = met_where
        contact.met_on = met_on
        contact.met_why = met_why
        contact.save(update_fields=["met_where", "met_on", "met_why", "updated_at"])
    return contact


def contact_tag_add(*, owner: User, contact: Contact, name: str) -> ContactTag:
    """Put one of the owner's own tags on a contact (created if new, matched by folded name)."""
    _check_owner(owner, contact)
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError(_("Write a tag."), code="empty")
    if len(name) > TAG_MAX:
        raise ValidationError(
            _("A tag is %(max)d characters at most.") % {"max": TAG_MAX}, code="too_long"
        )
    key = fold_for_search(name)[:TAG_MAX]
    with transaction.atomic():
        tag, _created = ContactTag.objects.get_or_create(
            owner=owner, key=key, defaults={"name": name}
        )
        if contact.tags.filter(pk=tag.pk).exists():
            return tag
        if contact.tags.count() >= TAGS_PER_CONTACT:
            raise ValidationError(
                _("A contact has %(max)d tags at most.") % {"max": TAGS_PER_CONTACT},
                code="too_many",
            )
        contact.tags.add(tag)
    return tag


def contact_tag_remove(*, owner: User, contact: Contact, key: str) -> bool:
    """Take a tag off a contact; a tag no contact uses any more is forgotten."""
    _check_owner(owner, contact)
    with transaction.atomic():
        tag = ContactTag.objects.filter(owner=owner, key=key).first()
        if tag is None:
            return False
        contact.tags.remove(tag)
        if not tag.contacts.exists():
            tag.delete()
    return True


def contact_note_add(*, owner: User, contact: Contact, body: str) -> ContactNote:
    _check_owner(owner, contact)
    body = _clean_text(body, limit=NOTE_MAX, label=_("The note"))
    if not body:
        raise ValidationError(_("Write something in the note."), code="empty")
    with transaction.atomic():
        if contact.notes.count() >= NOTES_PER_CONTACT:
            raise ValidationError(
                _("A contact has %(max)d notes at most: delete or edit an older one.")
                % {"max": NOTES_PER_CONTACT},
                code="too_many",
            )
        return ContactNote.objects.create(contact=contact, body=body)


def contact_note_update(*, owner: User, note: ContactNote, body: str) -> ContactNote:
    _check_owner(owner, note.contact)
    body = _clean_text(body, limit=NOTE_MAX, label=_("The note"))
    if not body:
        raise ValidationError(_("Write something in the note."), code="empty")
    with transaction.atomic():
        note.body = body
        note.save(update_fields=["body", "updated_at"])
    return note


def contact_note_delete(*, owner: User, note: ContactNote) -> None:
    _check_owner(owner, note.contact)
    with transaction.atomic():
        note.delete()


def reminder_due_at(*, when: str, on: date | None, now: datetime | None = None) -> datetime:
    """The moment a reminder is due: a quick choice counted from now, or 9:00 on a chosen day
    in the member's time zone."""
    now = now or timezone.now()
    if when in QUICK_DELAYS:
        return now + QUICK_DELAYS[when]
    if when == "date":
        if on is None:
            raise ValidationError(_("Choose the day of the reminder."), code="no_date")
        if on < timezone.localdate(now):
            raise ValidationError(_("Choose a day from today on."), code="past")
        return timezone.make_aware(datetime.combine(on, datetime.min.time()).replace(hour=9))
    raise ValidationError(_("Choose when to be reminded."), code="no_choice")


def reminder_add(*, owner: User, contact: Contact, text: str, due_at: datetime) -> Reminder:
    _check_owner(owner, contact)
    text = _clean_text(text, limit=REMINDER_TEXT_MAX, label=_("The reminder"))
    if not text:
        raise ValidationError(_("Write what to be reminded of."), code="empty")
    with transaction.atomic():
        if contact.reminders.filter(done_at__isnull=True).count() >= OPEN_REMINDERS_PER_CONTACT:
            raise ValidationError(
                _("A contact has %(max)d open reminders at most.")
                % {"max": OPEN_REMINDERS_PER_CONTACT},
                code="too_many",
            )
        return Reminder.objects.create(contact=contact, text=text, due_at=due_at)


def reminder_done(*, owner: User, reminder: Reminder) -> Reminder:
    """Mark a reminder done (it will not fire any more if it has not yet)."""
    _check_owner(owner, reminder.contact)
    with transaction.atomic():
        if reminder.done_at is None:
            reminder.done_at = timezone.now()
            reminder.save(update_fields=["done_at", "updated_at"])
    return reminder


def reminder_delete(*, owner: User, reminder: Reminder) -> None:
    _check_owner(owner, reminder.contact)
    with transaction.atomic():
        reminder.delete()


# --- Reads --------------------------------------------------------------------------------------


def owned_contacts(owner: User) -> QuerySet[Contact]:
    """The owner's contacts; members one may no longer see (blocked, gone) are left out."""
    hidden = audience.relation(audience.BLOCKED).ids_for(owner.pk)
    return (
        Contact.objects.filter(owner=owner)
        .exclude(member__is_active=False)
        .exclude(member_id__in=list(hidden))
    )


def contact_for_member(owner: User, member: User) -> Contact | None:
    return Contact.objects.filter(owner=owner, member=member).first()


def contact_of_owner(owner: User, public_id) -> Contact | None:
    """An outside contact (or a member contact) of `owner` by its public id, or None."""
    try:
        return (
            owned_contacts(owner)
            .select_related("member", "member__profile")
            .filter(public_id=public_id)
            .first()
        )
    except (ValidationError, ValueError):
        return None


def owner_tags(owner: User) -> list[ContactTag]:
    return list(ContactTag.objects.filter(owner=owner).annotate(used=Count("contacts")))


@dataclass
class ContactsPage:
    contacts: list[Contact]
    number: int
    has_previous: bool
    has_next: bool


def contacts_page(
    *, owner: User, query: str = "", tag_key: str = "", page: int = 1
) -> ContactsPage:
    """The owner's contacts by name (members and outside people), with their tags: two queries
    whatever the page size."""
    rows = owned_contacts(owner).select_related("member", "member__profile")
    for word in fold_for_search(query).split()[:5]:
        rows = rows.filter(
            Q(member__search_name__contains=word)
            | Q(member__isnull=True, first_name__icontains=word)
            | Q(member__isnull=True, last_name__icontains=word)
            | Q(member__isnull=True, organization__icontains=word)
            | Q(member__isnull=True, email__icontains=word)
        )
    if tag_key:
        rows = rows.filter(tags__owner=owner, tags__key=tag_key)
    rows = rows.prefetch_related(Prefetch("tags", queryset=ContactTag.objects.order_by("name")))
    rows = rows.order_by("last_name", "first_name", "pk")
    page = max(1, page)
    offset = (page - 1) * CONTACTS_PAGE_SIZE
    found = list(rows[offset : offset + CONTACTS_PAGE_SIZE + 1])
    return ContactsPage(
        contacts=found[:CONTACTS_PAGE_SIZE],
        number=page,
        has_previous=page > 1,
        has_next=len(found) > CONTACTS_PAGE_SIZE,
    )


@dataclass
class ContactFile:
    """Everything the owner wrote about one contact."""

    contact: Contact | None
    notes: list[ContactNote] = field(default_factory=list)
    tags: list[ContactTag] = field(default_factory=list)
    reminders_open: list[Reminder] = field(default_factory=list)
    reminders_done: list[Reminder] = field(default_factory=list)


def contact_file(contact: Contact | None) -> ContactFile:
    if contact is None:
        return ContactFile(contact=None)
    # Open reminders and notes are capped per contact; done reminders pile up: the last ten.
    done = list(contact.reminders.filter(done_at__isnull=False).order_by("-due_at", "-pk")[:10])
    return ContactFile(
        contact=contact,
        notes=list(contact.notes.order_by("-created_at", "-pk")[:NOTES_PER_CONTACT]),
        tags=list(contact.tags.order_by("name")),
        reminders_open=list(contact.reminders.filter(done_at__isnull=True).order_by("due_at")),
        reminders_done=done[::-1],
    )


@dataclass
class SharedHistory:
    connected_at: datetime | None
    mutual_count: int
    shared_employers: list[str]
    shared_schools: list[str]
    invitations: list[Invitation]
    introductions: list[Introduction]


def _names(values) -> dict[str, str]:
    return {fold_for_search(v): v for v in values if v}


def shared_history(owner: User, member: User) -> SharedHistory:
    """What the owner and `member` have in common, as the owner may see it: when they connected,
    mutual connections, employers and schools both list (the other's sections only when the
    owner may see them, through `profile_for_viewer`), invitations between them, and
    introductions involving both."""
    from maillage.profiles.models import Profile
    from maillage.profiles.selectors import profile_for_viewer

    from . import degrees

    connected_at = (
        Connection.objects.filter(member=owner, other=member)
        .values_list("created_at", flat=True)
        .first()
    )
    mutual = degrees.mutual_counts(owner.pk, [member.pk]).get(member.pk, 0)
    employers: list[str] = []
    schools: list[str] = []
    theirs_profile = getattr(member, "profile", None)
    mine_profile = Profile.objects.filter(member=owner).first()
    if theirs_profile is not None and mine_profile is not None:
        theirs = profile_for_viewer(owner, theirs_profile)
        mine = profile_for_viewer(owner, mine_profile)
        my_orgs = _names(p.organization_name for p in mine.positions)
        their_orgs = _names(p.organization_name for p in theirs.positions)
        employers = sorted(my_orgs[k] for k in my_orgs.keys() & their_orgs.keys())
        my_schools = _names(e.school for e in mine.education)
        their_schools = _names(e.school for e in theirs.education)
        schools = sorted(my_schools[k] for k in my_schools.keys() & their_schools.keys())
    invitations = list(
        Invitation.objects.filter(
            Q(sender=owner, recipient=member) | Q(sender=member, recipient=owner)
        )
        # Ignoring is silent: the sender is never told their invitation was ignored.
        .exclude(sender=owner, status=Invitation.Status.IGNORED)
        .order_by("-created_at")[:10]
    )
    # Introductions where both took part (as requester, intermediary or target).
    both = Q()
    for a, b in ((owner, member), (member, owner)):
        both |= Q(requester=a, intermediary=b) | Q(requester=a, target=b)
        both |= Q(intermediary=a, target=b)
    introductions = list(
        Introduction.objects.filter(both)
        # The target learns of a request only once the intermediary forwards it.
        .exclude(target=owner, forwarded_at__isnull=True)
        .select_related("requester", "intermediary", "target")
        .order_by("-created_at")[:10]
    )
    blocked = degrees.blocked_ids(owner.pk)
    introductions = [
        i
        for i in introductions
        if not ({i.requester_id, i.intermediary_id, i.target_id} & blocked)
    ]
    return SharedHistory(
        connected_at=connected_at,
        mutual_count=mutual,
        shared_employers=employers,
        shared_schools=schools,
        invitations=invitations,
        introductions=introductions,
    )


# --- Import -------------------------------------------------------------------------------------


def contacts_import(*, owner: User, rows: list[dict], source: str) -> tuple[int, int]:
    """Add imported people to the owner's contacts, all or nothing; a person already there
    (same e-mail, or same name when there is no e-mail) is updated, not duplicated. Returns
    (created, updated)."""
    created = updated = 0
    with transaction.atomic():
        existing = list(Contact.objects.filter(owner=owner, member__isnull=True))
        by_email = {c.email.lower(): c for c in existing if c.email}
        by_name = {
            fold_for_search(f"{c.first_name} {c.last_name}"): c
            for c in existing
            if (c.first_name or c.last_name)
        }
        for row in rows:
            values = _clean_contact_fields(
                first_name=row.get("first_name", ""),
                last_name=row.get("last_name", ""),
                email=row.get("email", ""),
                phone=row.get("phone", ""),
                organization=row.get("organization", ""),
                position=row.get("position", ""),
                url=row.get("url", "") if _valid_url(row.get("url", "")) else "",
            )
            if not (values["first_name"] or values["last_name"] or values["email"]):
                continue
            connected_on = row.get("connected_on") or None
            if isinstance(connected_on, str):
                connected_on = date.fromisoformat(connected_on)
            name_key = fold_for_search(f"{values['first_name']} {values['last_name']}")
            found = (by_email.get(values["email"]) if values["email"] else None) or (
                by_name.get(name_key) if name_key else None
            )
            if found is None:
                contact = Contact.objects.create(
                    owner=owner,
                    source=source,
                    connected_elsewhere_on=connected_on,
                    **values,
                )
                created += 1
            else:
                contact = found
                for name, value in values.items():
                    if value:
                        setattr(contact, name, value)
                if connected_on and not contact.connected_elsewhere_on:
                    contact.connected_elsewhere_on = connected_on
                contact.save()
                updated += 1
            if contact.email:
                by_email[contact.email] = contact
            if name_key:
                by_name[name_key] = contact
    return created, updated


def _valid_url(value: str) -> bool:
    if not value:
        return False
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        return False
    return len(value) <= 500


@dataclass
class ImportMatch:
    index: int  # the row's place in the parsed file
    member: User
    row: dict


def import_matches(*, owner: User, rows: list[dict]) -> tuple[list[ImportMatch], list[int]]:
    """Split imported rows: members found by a **verified** e-mail address (one query per 500
    addresses), and the indexes of everyone else. The owner, inactive members and members on
    either side of a block are never matched (they stay outside contacts)."""
    from allauth.account.models import EmailAddress
    from django.db.models.functions import Lower

    emails = sorted({r["email"].lower() for r in rows if r.get("email")})
    found: dict[str, User] = {}
    hidden = set(audience.relation(audience.BLOCKED).ids_for(owner.pk))
    for start in range(0, len(emails), 500):
        chunk = emails[start : start + 500]
        addresses = (
            EmailAddress.objects.annotate(folded=Lower("email"))
            .filter(folded__in=chunk, verified=True, user__is_active=True)
            .exclude(user_id=owner.pk)
            .select_related("user", "user__profile")
        )
        for address in addresses:
            if address.user_id not in hidden:
                found.setdefault(address.folded, address.user)
    matches: list[ImportMatch] = []
    others: list[int] = []
    seen: set[int] = set()
    for index, row in enumerate(rows):
        member = found.get((row.get("email") or "").lower())
        if member is None:
            others.append(index)
        elif member.pk not in seen:
            seen.add(member.pk)
            matches.append(ImportMatch(index=index, member=member, row=row))
    return matches, others
