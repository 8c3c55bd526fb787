"""Fixtures for the kernel's tests."""

import pytest

from maillage.core import audience


@pytest.fixture
def audience_relations():
    """Back the audience relations with the test app's models; put the previous ones back after."""
    from tests.audience_app.relations import RELATIONS

    previous = {name: audience.register_relation(name, rel) for name, rel in RELATIONS.items()}
    yield RELATIONS
    for name, rel in previous.items():
        audience.register_relation(name, rel)


@pytest.fixture
def empty_relations():
    """The state before any app registers a relation: every relation empty."""
    previous = {
        name: audience.register_relation(name, audience.EmptyRelation())
        for name in audience.RELATION_NAMES
    }
    yield
    for name, rel in previous.items():
        audience.register_relation(name, rel)
