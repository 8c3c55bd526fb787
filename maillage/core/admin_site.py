"""The Django admin, protected like the rest of the site.

Staff log in through the same login page as everyone (so two-factor authentication and login
throttling apply), and when MAILLAGE_STAFF_REQUIRE_2FA is on, a staff member without two-factor
authentication is sent to set it up before any admin page opens.
"""

from __future__ import annotations

from functools import wraps

from allauth.account.decorators import secure_admin_login
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import admin, messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


def staff_lacks_required_2fa(user) -> bool:
    return bool(
        settings.MAILLAGE_STAFF_REQUIRE_2FA
        and user.is_authenticated
        and user.is_staff
        and not is_mfa_enabled(user)
    )


class MaillageAdminSite(admin.AdminSite):
    site_header = gettext_lazy("Maillage administration")
    site_title = gettext_lazy("Maillage administration")
    index_title = gettext_lazy("Instance administration")

    def login(self, request, extra_context=None):
        return secure_admin_login(super().login)(request, extra_context)

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        @wraps(view)
        def guarded(request, *args, **kwargs):
            if staff_lacks_required_2fa(request.user):
                messages.warning(
                    request,
                    _("Turn on two-factor authentication to use the administration."),
                )
                return redirect("mfa_activate_totp")
            return inner(request, *args, **kwargs)

        return guarded
