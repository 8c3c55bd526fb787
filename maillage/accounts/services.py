"""Writes about accounts: language, sign-up invitations, staff creation."""

from __future__ import annotations

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from maillage.search.services import member_index_on_commit

from .models import SignupInvitation, User

INVITATION_VALIDITY = timedelta(days=14)


def member_set_language(*, member: User, language: str) -> User:
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"Unsupported language {language!r}")
    if member.language != language:
        member.language = language
        member.save(update_fields=["language"])
    return member


def signup_invitation_create(
    *, invited_by: User | None, email: str = "", valid_for: timedelta = INVITATION_VALIDITY
) -> SignupInvitation:
    return SignupInvitation.objects.create(
        invited_by=invited_by, email=email.strip().lower(), expires_at=timezone.now() + valid_for
    )


def signup_invitation_use(*, code: str, member: User) -> bool:
    """Mark the invitation used by `member`; False if it was already used or has expired."""
    with transaction.atomic():
        updated = SignupInvitation.objects.filter(
            code=code, used_at__isnull=True, expires_at__gt=timezone.now()
        ).update(used_at=timezone.now(), used_by=member)
    return bool(updated)


def member_create_verified(
    *,
    email: str,
    password: str | None,
    first_name: str,
    last_name: str,
    language: str = "",
    is_staff: bool = False,
    is_superuser: bool = False,
) -> User:
    """Create a member whose e-mail address is already verified (operators and demo data)."""
    with transaction.atomic():
        user = User.objects.create_user(
            email=email,
            password=password,
            first_name=first_name,
            last_name=last_name,
            language=language,
            is_staff=is_staff,
            is_superuser=is_superuser,
        )
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        member_index_on_commit(member_id=user.pk)
    return user
