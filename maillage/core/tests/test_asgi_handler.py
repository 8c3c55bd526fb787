"""The ASGI handler (config/asgi.py) frees each request as soon as it is answered, by reference
counting: nothing of it is left for the cycle collector, whose pauses stop the event loop and
every socket it serves."""

from __future__ import annotations

import gc

import pytest
from asgiref.sync import async_to_sync
from asgiref.testing import ApplicationCommunicator

from config.asgi import application

pytestmark = pytest.mark.django_db(transaction=True)


def _scope(path: str, cookie: str = "") -> dict:
    headers = [(b"host", b"testserver")]
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    return {
        "type": "http",
        "http_version": "1.1",
        "method": "GET",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "scheme": "http",
        "headers": headers,
        "server": ("testserver", 80),
        "client": ("127.0.0.1", 12345),
    }


async def _get(path: str, *, disconnect_after_response: bool, cookie: str = "") -> int:
    communicator = ApplicationCommunicator(application, _scope(path, cookie))
    await communicator.send_input({"type": "http.request", "body": b""})
    start = await communicator.receive_output(10)
    while (await communicator.receive_output(10)).get("more_body"):
        pass
    if disconnect_after_response:
        # What uvicorn tells the handler once the response is complete.
        await communicator.send_input({"type": "http.disconnect"})
    await communicator.wait(10)
    return start["status"]


def _member_cookie() -> str:
    """A logged-in member's session cookie (the session made directly, as a login would)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from maillage.accounts.tests.factories import UserFactory

    user = UserFactory()
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


# Objects per request that only the collector frees, at most. Django itself leaves a few dozen
# (the request's database wrapper, the template context); before the handler took the request
# apart, and before allauth's layout elements had templates, it was 500 to 750 per request.
CYCLIC_OBJECTS_PER_REQUEST = 150


@pytest.mark.parametrize("disconnect_after_response", [True, False])
@pytest.mark.parametrize(
    ("path", "logged_in"),
    [
        ("/healthz", False),
        # allauth's entrance page: its elements' layout templates (core/template_loaders.py)
        ("/accounts/login/", False),
        ("/home/", True),
        ("/messaging/", True),
    ],
)
def test_an_answered_request_leaves_little_to_the_cycle_collector(
    path, logged_in, disconnect_after_response
):
    cookie = _member_cookie() if logged_in else ""
    get = async_to_sync(_get)
    get(path, disconnect_after_response=disconnect_after_response, cookie=cookie)  # warm
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)  # what the collector finds is kept in gc.garbage
    try:
        for _ in range(3):
            status = get(path, disconnect_after_response=disconnect_after_response, cookie=cookie)
            assert status == 200
        gc.collect()
        left = list(gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    # No stack of frames (an exception's traceback keeps every caller's locals alive)...
    frames = [o for o in left if type(o).__name__ == "frame"]
    assert frames == [], [f.f_code.co_name for f in frames][:10]
    # ... and little else.
    assert len(left) / 3 <= CYCLIC_OBJECTS_PER_REQUEST, len(left) / 3


def test_a_client_gone_before_the_answer_is_handled_as_before():
    """A client that leaves before the request is complete: nothing is answered, nothing is
    taken apart (a view may still be running on its thread), and the next request is served."""

    async def leave_early() -> None:
        communicator = ApplicationCommunicator(application, _scope("/healthz"))
        await communicator.send_input({"type": "http.request", "body": b"", "more_body": True})
        await communicator.send_input({"type": "http.disconnect"})
        await communicator.wait(10)

    async_to_sync(leave_early)()
    assert async_to_sync(_get)("/healthz", disconnect_after_response=True) == 200
