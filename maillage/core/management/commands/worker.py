"""`maillage worker`: work the task queue — the database queue, or Redis (RQ) when configured."""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the background task worker for the configured queue."

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="Work what is queued, then exit.")

    def handle(self, *args, **options):
        backend = settings.TASKS["default"]["BACKEND"]
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
