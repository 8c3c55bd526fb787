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
