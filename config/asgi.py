"""ASGI entry point: HTTP through Django, WebSockets through Channels."""

import gc
import os

import django
from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler
from django.http import FileResponse

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


class SyncChainASGIHandler(ASGIHandler):
    """Django's ASGI handler, with the middleware and the view run in one hop to a thread.

    Django's own handler builds an asynchronous middleware chain, and a synchronous middleware
    in it (WhiteNoise's, allauth's, ours) or a synchronous view makes a request cross between
    the event loop and its thread several times — each crossing waits for the loop, which
    also serves every open socket, and for the interpreter lock. Here the whole chain is
    synchronous (every middleware here can run so) and a request crosses once, to its own thread
    (thread-sensitive: every synchronous part of one request runs on the same thread, as
    before, so its database connection stays with it).
    """

    def load_middleware(self, is_async=False):
        super().load_middleware(is_async=False)

    async def run_get_response(self, request):
        response = await sync_to_async(self.get_response, thread_sensitive=True)(request)
        response._handler_class = self.__class__
        if isinstance(response, FileResponse):  # larger chunks, as Django's handler does
            response.block_size = self.chunk_size
        return response


# Set Django up first: the routing imports rely on the app registry.
django.setup(set_prefix=False)
django_asgi_app = SyncChainASGIHandler()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.urls import get_resolver  # noqa: E402

from maillage.core.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)


GC_YOUNG_THRESHOLD = 20_000  # new container objects between young collections (Python: 700)


def _settle_garbage_collector() -> None:
    """Keep Python's collector from stalling the process — its event loop serves every open
    socket — for hundreds of milliseconds.

    A full collection walks every tracked object, and most of a server's are the modules, URL
    patterns and settings loaded at start-up, which live as long as the process. Measured with
    200 sockets, PostgreSQL and Redis on two busy cores (bench/message_delivery.py), the full
    collections took 150 to 365 ms each and most of the slowest deliveries waited for one.
    Objects alive after start-up are moved out of the collector's sight (`gc.freeze`), and the
    young generation is collected after 20,000 new objects instead of 700: far fewer objects
    of requests in flight get promoted to the older generations, so full collections, which
    wait until those have grown by a quarter, became rare (none in a 1,200-message run). The price:
    a young collection takes 10 to 20 ms of processor time here, a middle one up to 60 ms.
    """
    # Import every URLconf and build the URL names now, with the rest of start-up.
    resolver = get_resolver()
    resolver.check()
    len(resolver.reverse_dict)
    gc.collect()
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(GC_YOUNG_THRESHOLD, older, oldest)


_settle_garbage_collector()
