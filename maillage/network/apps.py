from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "maillage.network"
    label = "network"
    verbose_name = _("Network")

    def ready(self) -> None:
        # The audience rules "connections" and "blocked" now read the real graph.
        from maillage.core import audience

        from . import degrees

        audience.register_relation(audience.CONNECTIONS, degrees.ConnectionsRelation())
        audience.register_relation(audience.BLOCKED, degrees.BlockedRelation())
