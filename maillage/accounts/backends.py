from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth import get_user_model


class MemberBackend(AuthenticationBackend):
    """allauth's backend, loading the member's profile with the member on every request.

    The top bar shows the member's photo on every page; without this, each page would spend one
    more query on it.
    """

    def get_user(self, user_id):
        user_model = get_user_model()
        try:
            user = user_model._default_manager.select_related("profile").get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
