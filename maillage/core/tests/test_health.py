import pytest
from django.test import Client

from maillage.core import views

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_touching_anything(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_checks_every_dependency():
    response = Client().get("/readyz")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"] == {
        "database": "ok",
        "cache": "ok",
        "channel_layer": "ok",
        "task_queue": "ok",
    }


@pytest.mark.parametrize("part", ["database", "cache", "channel_layer", "task_queue"])
def test_readyz_names_the_failing_part(monkeypatch, part):
    def broken():
        raise ConnectionError("down")

    monkeypatch.setitem(views.READINESS_CHECKS, part, broken)
    response = Client().get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == [part]
    assert body["checks"][part] == "failing"


def test_readyz_checks_the_database_queue_when_configured(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend",
                                  "QUEUES": ["default"]}}
    assert Client().get("/readyz").status_code == 200
