from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "maillage.messaging"
    label = "messaging"
    verbose_name = _("Messaging")

    def ready(self) -> None:
        # Sockets answer typing and read events, and close when their session ends.
        from . import consumers, receivers  # noqa: F401

        consumers.register()
