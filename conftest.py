"""Fixtures shared by every test."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate limits and cached instance settings must not leak from one test into another.
    cache.clear()
    yield
    cache.clear()
