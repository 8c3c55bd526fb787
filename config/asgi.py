"""ASGI entry point: HTTP through Django, WebSockets through Channels."""

import asyncio
import gc
import os
from contextvars import ContextVar

import django
from asgiref.sync import sync_to_async
from django.core.exceptions import RequestAborted
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

    async def __call__(self, scope, receive, send):
        served = _RequestServed()
        token = _request_served.set(served)
        try:
            await super().__call__(scope, receive, send)
        finally:
            _request_served.reset(token)
            if served.answered:
                served.request.__dict__.clear()

    def create_request(self, scope, body_file):
        request, error_response = super().create_request(scope, body_file)
        served = _request_served.get(None)
        if served is not None:
            served.request = request
        return request, error_response

    async def run_get_response(self, request):
        response = await sync_to_async(self.get_response, thread_sensitive=True)(request)
        served = _request_served.get(None)
        if served is not None and served.request is request:
            served.answered = True
        response._handler_class = self.__class__
        if isinstance(response, FileResponse):  # larger chunks, as Django's handler does
            response.block_size = self.chunk_size
        return response

    async def listen_for_disconnect(self, receive):
        # Django's listener raises RequestAborted when the client goes (uvicorn says so as soon
        # as the response is complete) and is cancelled when the response comes first; the
        # handler then re-raises that exception in its own frame, whose traceback keeps the
        # frame — its tasks, the request — in a reference cycle. Returning instead tells the
        # handler the same thing (it ignores both) without the cycle.
        try:
            await super().listen_for_disconnect(receive)
        except (RequestAborted, asyncio.CancelledError):
            return


class _RequestServed:
    """The request one `SyncChainASGIHandler` call made, and whether its view returned.

    A Django request lives in reference cycles (`request.user` is a lazy object whose function
    holds the request, `request.auser` and the message storage too), so only the cycle
    collector frees it — and everything it reaches: session, member, forms, rows. Measured on
    the message benchmark, 540 objects per message were left to the collector, whose young
    collections (one every 40 messages) each stopped the process for 25 to 70 ms, the event
    loop and every socket with it. Once the view has returned and the response is sent, the
    request's attributes are dropped, which breaks those cycles: 47 objects per message are
    left. A request whose view did not return (the client left first) is left as it is.
    """

    __slots__ = ("request", "answered")

    def __init__(self) -> None:
        self.request = None
        self.answered = False


# Set in the handler's own task; the request's tasks inherit it (the same object).
_request_served: ContextVar[_RequestServed] = ContextVar("maillage_request_served")


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
    What the collections find is mostly requests, which Django leaves in reference cycles:
    `SyncChainASGIHandler` takes each answered request apart (`_RequestServed`), which made
    them less than half as frequent (the same 1,200-message run: 13–14 young collections instead of
    32–33, 0.5 s of collection instead of 1.6 s).
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
