"""Fixtures shared by every test."""

import pytest
from django.core.cache import cache
from django.utils import translation


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate limits and cached instance settings must not leak from one test into another.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    # A request through the test client leaves its language active in the thread; code called
    # directly afterwards (selectors rendering text) must start from the default each test.
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_channel_layer():
    yield
    # A server runs one event loop for its whole life; tests run one per socket test. The
    # channel layer instance outlives them and keeps state made on them (channels_redis: each
    # channel's receive lock, the receive lock and its loop, a connection pool per loop): a
    # socket test's loop that ended with a receive cut short left a lock held, and the socket
    # tests after it in the same process failed on taking it ("Lock ... is bound to a different
    # event loop", CI's PostgreSQL + Redis pass). Each test gets a new instance instead.
    from channels.layers import channel_layers

    channel_layers.backends.clear()
