from django.utils.cache import patch_cache_control


class PrivateCacheMiddleware:
    """Pages rendered for a logged-in member are never stored by browsers or proxies.

    A shared computer's back button or a caching proxy must not replay someone's inbox.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response
