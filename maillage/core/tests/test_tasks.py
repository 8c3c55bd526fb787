"""Tasks are enqueued after commit and executed by the real worker (database queue or Redis)."""

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse

from maillage.core import mail as outbox_mail
from maillage.core.tasks import enqueue_on_commit, send_email

DB_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
RQ_QUEUE = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}


@pytest.fixture
def file_outbox(settings, tmp_path):
    # Files, not locmem: a worker may run the task in another process.
    settings.EMAIL_BACKEND = "maillage.core.mail.OutboxEmailBackend"
    settings.EMAIL_OUTBOX_DIR = tmp_path
    return tmp_path


def signup(client):
    return client.post(
        reverse("account_signup"),
        {
            "first_name": "Loïc",
            "last_name": "Bernard",
            "email": "loic.bernard@example.org",
            "password1": "Tilleul-Ardoise-42!",
            "password2": "Tilleul-Ardoise-42!",
        },
    )


@pytest.mark.django_db(transaction=True)
def test_signup_mail_waits_in_the_database_queue_until_the_worker_runs(settings, file_outbox):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DB_QUEUE
    assert signup(Client()).status_code == 302
    assert outbox_mail.outbox_list() == []
    assert DBTaskResult.objects.count() == 1

    call_command("worker", "--batch")

    [message] = outbox_mail.outbox_list()
    assert message.to == "loic.bernard@example.org"
    assert "/accounts/confirm-email/" in message.text
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


@pytest.mark.django_db(transaction=True)
def test_nothing_is_enqueued_when_the_transaction_rolls_back(settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DB_QUEUE
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue_on_commit(send_email, subject="s", body="b", to=["x@example.org"])
        assert DBTaskResult.objects.count() == 0  # not before the commit either
        raise RuntimeError("rolled back")
    assert DBTaskResult.objects.count() == 0


@pytest.mark.skipif(not django_settings.REDIS_URL, reason="Redis runs only when REDIS_URL is set")
@pytest.mark.django_db(transaction=True)
def test_redis_queue_is_worked_by_the_rq_worker(settings, file_outbox):
    import django_rq

    settings.TASKS = RQ_QUEUE
    queue = django_rq.get_queue("default")
    queue.empty()
    with transaction.atomic():
        enqueue_on_commit(send_email, subject="Par Redis", body="corps", to=["r@example.org"])
        assert queue.count == 0
    assert queue.count == 1
    call_command("worker", "--batch")
    [message] = outbox_mail.outbox_list()
    assert message.subject == "Par Redis"
    assert queue.count == 0
