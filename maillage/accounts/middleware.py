from django.utils import translation


class MemberLanguageMiddleware:
    """A logged-in member's chosen language wins over the cookie and the browser's preference.

    Sits after AuthenticationMiddleware; LocaleMiddleware has already picked a language for
    visitors (cookie, then Accept-Language).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)
