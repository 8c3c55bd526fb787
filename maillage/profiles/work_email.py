"""Verified work e-mail: a member proves they receive mail at a work domain ("verified at @x").

The confirmation link carries a signed, expiring token naming the row, its address and its
member: a link only works for the member it was sent to, once, for three days. Later,
organizations use the verified domains to attach members to their page.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.core.models import InstanceSettings
from maillage.core.tasks import enqueue_on_commit, send_email

from .models import WorkEmail

MAX_WORK_EMAILS = 3
# Confirmation mails a member may trigger in an hour (adding, resending): enough for typos,
# too few to use this instance to flood someone's mailbox.
MAX_MAILS_PER_HOUR = 5
TOKEN_SALT = "maillage.profiles.work_email"  # noqa: S105 (a namespace, not a secret)
TOKEN_MAX_AGE = 3 * 24 * 3600  # seconds

# Free and consumer mailbox providers: an address there proves nothing about an employer.
# Matched on the domain and, for the `*` entries, on any country variant (hotmail.fr, yahoo.co.uk).
WEBMAIL_DOMAINS = frozenset(
    """
    gmail.com googlemail.com outlook.com outlook.fr live.com live.fr msn.com icloud.com me.com
    mac.com aol.com aol.fr proton.me protonmail.com protonmail.ch pm.me tutanota.com tuta.io
    gmx.com gmx.fr gmx.de gmx.net web.de mail.com yandex.com yandex.ru zoho.com hey.com
    fastmail.com mailo.com orange.fr wanadoo.fr free.fr sfr.fr neuf.fr laposte.net bbox.fr
    numericable.fr club-internet.fr aliceadsl.fr netcourrier.com skynet.be telenet.be
    bluewin.ch videotron.ca sympatico.ca btinternet.com sky.com qq.com 163.com
    mailinator.com yopmail.com yopmail.fr guerrillamail.com
    """.split()
)
WEBMAIL_PREFIXES = ("hotmail.", "yahoo.", "ymail.", "live.", "outlook.", "gmx.", "aol.")


def _domain_of(email: str) -> str:
    return email.rsplit("@", 1)[-1].lower()


def is_webmail_domain(domain: str) -> bool:
    domain = domain.lower().strip(".")
    if domain in WEBMAIL_DOMAINS:
        return True
    return any(domain.startswith(prefix) for prefix in WEBMAIL_PREFIXES)


def work_email_validate(*, member: User, email: str) -> str:
    """Normalise and check a new work address; raise ValidationError with a clear message."""
    value = (email or "").strip()
    try:
        validate_email(value)
    except ValidationError:
        raise ValidationError(
            _("Enter a valid e-mail address, like name@company.com."), code="invalid"
        ) from None
    local, domain = value.rsplit("@", 1)
    value = f"{local}@{domain.lower()}"
    if is_webmail_domain(domain):
        raise ValidationError(
            _(
                "%(domain)s is a personal mailbox provider. Enter the address your employer "
                "gave you: it is what proves where you work."
            )
            % {"domain": domain.lower()},
            code="webmail",
        )
    existing = list(WorkEmail.objects.filter(member=member).values_list("email", flat=True))
    if any(e.lower() == value.lower() for e in existing):
        raise ValidationError(_("You have already added this address."), code="duplicate")
    if len(existing) >= MAX_WORK_EMAILS:
        raise ValidationError(
            _("You can add up to %(max)d work addresses. Remove one to add another.")
            % {"max": MAX_WORK_EMAILS},
            code="too_many",
        )
    return value


# --- Tokens -----------------------------------------------------------------------------------


def work_email_token(work_email: WorkEmail) -> str:
    return signing.dumps(
        {"id": work_email.pk, "m": work_email.member_id, "e": work_email.email},
        salt=TOKEN_SALT,
        compress=True,
    )


class LinkProblem(enum.Enum):
    INVALID = "invalid"  # tampered, truncated, or the address was removed
    EXPIRED = "expired"
    USED = "used"  # already confirmed
    OTHER_MEMBER = "other_member"  # sent to someone else


@dataclass
class LinkCheck:
    work_email: WorkEmail | None
    problem: LinkProblem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def work_email_check_link(*, member: User, token: str) -> LinkCheck:
    """What a confirmation link points to, for the signed-in `member`, and why it can't be used."""
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.SignatureExpired:
        return LinkCheck(None, LinkProblem.EXPIRED)
    except signing.BadSignature:
        return LinkCheck(None, LinkProblem.INVALID)
    if not isinstance(data, dict) or not {"id", "m", "e"} <= data.keys():
        return LinkCheck(None, LinkProblem.INVALID)
    if data["m"] != member.pk:
        return LinkCheck(None, LinkProblem.OTHER_MEMBER)
    work_email = WorkEmail.objects.filter(pk=data["id"], member=member, email=data["e"]).first()
    if work_email is None:
        return LinkCheck(None, LinkProblem.INVALID)
    if work_email.verified_at is not None:
        return LinkCheck(work_email, LinkProblem.USED)
    return LinkCheck(work_email, None)


# --- Services ---------------------------------------------------------------------------------


def _mail_allowed(member: User) -> bool:
    key = f"profiles:work-email-mails:{member.pk}"
    cache.add(key, 0, 3600)
    try:
        return cache.incr(key) <= MAX_MAILS_PER_HOUR
    except ValueError:  # the key expired between add() and incr()
        cache.set(key, 1, 3600)
        return True


def _too_many_mails() -> ValidationError:
    return ValidationError(
        _("You asked for many confirmation e-mails in a short time. Try again in an hour."),
        code="throttled",
    )


def _send_confirmation(*, work_email: WorkEmail, request) -> None:
    """Render the mail now, in the member's language; the worker delivers it after commit."""
    member = work_email.member
    if not _mail_allowed(member):
        raise _too_many_mails()
    link = request.build_absolute_uri(
        reverse("work_email_confirm", kwargs={"token": work_email_token(work_email)})
    )
    language = member.language or translation.get_language() or "en"
    context = {
        "member": member,
        "work_email": work_email,
        "link": link,
        "instance_name": InstanceSettings.current().name,
        "days": TOKEN_MAX_AGE // 86400,
    }
    with translation.override(language):
        subject = render_to_string("profiles/work_email/mail_confirm_subject.txt", context)
        body = render_to_string("profiles/work_email/mail_confirm.txt", context)
        html = render_to_string("profiles/work_email/mail_confirm.html", context)
    enqueue_on_commit(
        send_email,
        subject=" ".join(subject.split()),
        body=body,
        html=html,
        to=[work_email.email],
    )


def work_email_add(*, member: User, email: str, request) -> WorkEmail:
    """Add a work address (unverified) and mail it a confirmation link."""
    value = work_email_validate(member=member, email=email)
    try:
        with transaction.atomic():
            work_email = WorkEmail.objects.create(
                member=member, email=value, domain=_domain_of(value)
            )
            _send_confirmation(work_email=work_email, request=request)
    except IntegrityError:
        raise ValidationError(_("You have already added this address."), code="duplicate") from None
    return work_email


def work_email_resend(*, member: User, public_id, request) -> WorkEmail | None:
    """Send the confirmation link again, for an address of this member not yet verified.

    Raises ValidationError when the member asked for too many mails this hour.
    """
    work_email = WorkEmail.objects.filter(
        member=member, public_id=public_id, verified_at__isnull=True
    ).first()
    if work_email is not None:
        with transaction.atomic():
            _send_confirmation(work_email=work_email, request=request)
    return work_email


def work_email_confirm(*, member: User, token: str) -> LinkCheck:
    """Mark the address verified if the link is good for `member`; nothing changes otherwise."""
    with transaction.atomic():
        check = work_email_check_link(member=member, token=token)
        if not check.ok:
            return check
        # The conditional update makes a double submit harmless: only the first one verifies.
        updated = WorkEmail.objects.filter(pk=check.work_email.pk, verified_at__isnull=True).update(
            verified_at=timezone.now(), updated_at=timezone.now()
        )
        if not updated:
            return LinkCheck(check.work_email, LinkProblem.USED)
        check.work_email.refresh_from_db()
    return check


def work_email_remove(*, member: User, public_id) -> bool:
    deleted, _per_model = WorkEmail.objects.filter(member=member, public_id=public_id).delete()
    return bool(deleted)


# --- Reads ------------------------------------------------------------------------------------


def work_emails_of(member: User) -> list[WorkEmail]:
    return list(WorkEmail.objects.filter(member=member).order_by("created_at", "pk"))


def verified_work_domains(member: User) -> list[str]:
    """The domains `member` proved they work at, for the "Verified at @domain" badge (1 query)."""
    domains = (
        WorkEmail.objects.filter(member=member, verified_at__isnull=False)
        .order_by("verified_at")
        .values_list("domain", flat=True)
    )
    return list(dict.fromkeys(domains))
