"""How allauth fits this instance: who may sign up, how mail leaves, language on sign-up."""

from __future__ import annotations

import logging
from types import SimpleNamespace

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from maillage.core.models import InstanceSettings, SignupMode
from maillage.core.tasks import enqueue_on_commit, send_email

from .models import SignupInvitation

logger = logging.getLogger(__name__)

INVITATION_SESSION_KEY = "maillage_signup_invitation"


def invitation_from_session(request) -> SignupInvitation | None:
    code = request.session.get(INVITATION_SESSION_KEY) if request is not None else None
    if not code:
        return None
    invitation = SignupInvitation.objects.filter(code=code).first()
    if invitation is None or not invitation.is_usable:
        return None
    return invitation


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        mode = InstanceSettings.current().signup_mode
        if mode == SignupMode.INVITATION:
            return invitation_from_session(request) is not None
        return True

    def clean_email(self, email: str) -> str:
        email = super().clean_email(email).strip()
        instance = InstanceSettings.current()
        domain = email.rsplit("@", 1)[-1].lower()
        if instance.signup_mode == SignupMode.DOMAINS and domain not in instance.allowed_domains:
            raise ValidationError(
                _("Sign-up is reserved for addresses at %(domains)s.")
                % {"domains": ", ".join(f"@{d}" for d in instance.allowed_domains) or "—"}
            )
        if instance.signup_mode == SignupMode.INVITATION:
            invitation = invitation_from_session(self.request)
            if invitation is not None and invitation.email and invitation.email != email.lower():
                raise ValidationError(
                    _("This invitation is for another e-mail address: %(email)s.")
                    % {"email": invitation.email}
                )
        return email

    def save_user(self, request, user, form, commit=True):
        user.language = translation.get_language() or ""
        if user.language not in {"fr", "en"}:
            user.language = ""
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            from maillage.profiles.services import profile_ensure
            from maillage.search.services import member_index_on_commit

            profile_ensure(member=user)
            member_index_on_commit(member_id=user.pk)
        if commit and InstanceSettings.current().signup_mode == SignupMode.INVITATION:
            from .services import signup_invitation_use

            code = request.session.pop(INVITATION_SESSION_KEY, None)
            if not (code and signup_invitation_use(code=code, member=user)):
                # Only a race between two sign-ups on one link gets here: both passed
                # is_open_for_signup a moment ago. Record it rather than fail the request.
                logger.warning("Sign-up %s finished after its invitation was used", user.pk)
        return user

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # Rendered now, in the member's language; delivered by the task worker after commit.
        request = allauth_context.request
        ctx = {
            "request": request,
            "email": email,
            # allauth's mails greet "from {{ current_site.name }}": the instance, not a host name.
            "current_site": SimpleNamespace(
                name=InstanceSettings.current().name,
                domain=request.get_host() if request is not None else "",
            ),
            **context,
        }
        message = self.render_mail(template_prefix, email, ctx)
        html = next(
            (
                content
                for content, mimetype in getattr(message, "alternatives", [])
                if mimetype == "text/html"
            ),
            None,
        )
        enqueue_on_commit(
            send_email,
            subject=str(message.subject),
            body=str(message.body),
            to=list(message.to),
            html=html,
            from_email=message.from_email,
            headers=dict(message.extra_headers),
        )
