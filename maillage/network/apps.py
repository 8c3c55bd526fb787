from django.apps import AppConfig
from django.core.signals import request_finished, request_started
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
        # Degree sets are read once per request (see degrees.py).
        request_started.connect(degrees.request_memo_start, dispatch_uid="degrees_memo_start")
        request_finished.connect(degrees.request_memo_end, dispatch_uid="degrees_memo_end")
