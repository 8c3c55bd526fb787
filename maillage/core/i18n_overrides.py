"""Strings from Django and allauth whose French we word differently, for consistency.

Our catalogue is searched before theirs (LOCALE_PATHS), so translating these ids here makes the
whole interface say "e-mail" (never "courriel"), as docs/design.md asks.
"""

from django.utils.translation import gettext_noop

OVERRIDDEN = [
    gettext_noop("Enter a valid email address."),
    gettext_noop(
        "We have sent an email to you for\nverification. Please click on the link inside that "
        "email. If you do not see the verification email in your main inbox, check your spam "
        "folder. Otherwise\ncontact us if you do not receive it within a few minutes."
    ),
]
