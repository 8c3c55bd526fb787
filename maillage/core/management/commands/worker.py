"""`maillage worker`: work the task queue — the database queue, or Redis (RQ) when configured.

Periodic work: neither queue runs anything on a schedule by itself (the database backend has no
scheduler, and RQ's `--with-scheduler` only runs jobs enqueued for a given time). So the worker
starts a small daemon thread, the ticker, that enqueues each periodic task every minute
(`periodic_tasks()`); the tasks are idempotent, so several workers each ticking is harmless. With
`--batch`, each periodic task runs once, in this process, before the queue is worked, so a cron
job running `maillage worker --batch` does the periodic work too.
"""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connections

logger = logging.getLogger(__name__)

TICK_SECONDS = 60


def periodic_tasks():
    """The tasks to enqueue every tick (imported late: apps are ready by then)."""
    from maillage.core.tasks import database_optimize
    from maillage.feed.tasks_composer import posts_publish_due_task
    from maillage.network.reminders import reminders_fire_task
    from maillage.notifications.tasks import notifications_mail_tick

    return [reminders_fire_task, posts_publish_due_task, notifications_mail_tick, database_optimize]


def enqueue_periodic() -> None:
    for task_obj in periodic_tasks():
        try:
            task_obj.enqueue()
        except Exception:  # noqa: BLE001 — a failed tick must not stop the worker; next one retries
            logger.exception("Could not enqueue the periodic task %s", task_obj)


def run_periodic_now() -> None:
    for task_obj in periodic_tasks():
        try:
            task_obj.call()
        except Exception:  # noqa: BLE001 — one failing periodic task must not stop the others
            logger.exception("The periodic task %s failed", task_obj)


def _tick_forever(stop: threading.Event, interval: float) -> None:
    while not stop.wait(interval):
        close_old_connections()
        enqueue_periodic()
        connections.close_all()


def start_ticker(interval: float = TICK_SECONDS) -> threading.Event:
    """Enqueue the periodic tasks now, then every `interval` seconds, from a daemon thread.
    Set the returned event to stop it."""
    stop = threading.Event()
    enqueue_periodic()
    thread = threading.Thread(
        target=_tick_forever, args=(stop, interval), name="maillage-ticker", daemon=True
    )
    thread.start()
    return stop


class Command(BaseCommand):
    help = "Run the background task worker for the configured queue."

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="Work what is queued, then exit.")

    def handle(self, *args, **options):
        backend = settings.TASKS["default"]["BACKEND"]
        stop = None
        if options["batch"]:
            run_periodic_now()
        else:
            stop = start_ticker()
        try:
            if backend.startswith("django_tasks_rq"):
                rq_args = ["default", "--job-class", "django_tasks_rq.Job", "--with-scheduler"]
                if options["batch"]:
                    rq_args.append("--burst")
                call_command("rqworker", *rq_args)
            elif backend.startswith("django_tasks_db"):
                db_args = ["--queue-name", "*", "--no-startup-delay", "--no-reload"]
                if options["batch"]:
                    db_args.append("--batch")
                call_command("db_worker", *db_args)
            else:
                self.stdout.write(f"Tasks run in-process with {backend}; no worker needed.")
        finally:
            if stop is not None:
                stop.set()
