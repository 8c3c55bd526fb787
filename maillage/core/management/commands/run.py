"""`maillage run`: migrate, load the demo network on first start, serve, and work tasks.

One command for the embedded default: the ASGI server (HTTP and WebSockets) runs in this
process and the task worker in a child process; Ctrl-C stops both.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run Maillage: migrate, load demo data on first start, serve HTTP/WebSocket, work tasks."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("MAILLAGE_HOST", "127.0.0.1"))
        parser.add_argument(
            "--port", type=int, default=int(os.environ.get("MAILLAGE_PORT", "8000"))
        )
        parser.add_argument("--no-demo", action="store_true", help="Do not load the demo network.")
        parser.add_argument("--no-worker", action="store_true", help="Do not start a task worker.")
        parser.add_argument("--workers", type=int, default=1, help="Server processes (default 1).")

    def handle(self, *args, **options):
        import uvicorn

        from maillage.accounts.selectors import members_count
        from maillage.demo import DEMO_LOGINS

        call_command("migrate", interactive=False, verbosity=0)
        if settings.PRODUCTION:
            call_command("collectstatic", interactive=False, verbosity=0)
        first_start = members_count() == 0
        if first_start and not options["no_demo"]:
            self.stdout.write("First start: creating the demo network (about 200 members)…")
            call_command("demo", verbosity=0)

        worker = None
        if not options["no_worker"]:
            worker = subprocess.Popen(  # noqa: S603 — our own interpreter and module
                [sys.executable, "-m", "maillage.cli", "worker"],
                env=os.environ.copy(),
                # Its own process group: Ctrl-C reaches the server only, and the server then
                # stops the worker once (a second SIGINT would make it quit mid-task).
                start_new_session=True,
            )

        address = f"http://{options['host']}:{options['port']}/"
        self.stdout.write(self.style.SUCCESS(f"\nMaillage is running at {address}"))
        self.stdout.write(f"Data folder: {settings.DATA_DIR}")
        if not options["no_demo"]:
            self.stdout.write("Demo logins:")
            for login in DEMO_LOGINS:
                self.stdout.write(f"  {login['role']:<8} {login['email']}  /  {login['password']}")
        self.stdout.write("Press Ctrl-C to stop.\n")
        try:
            uvicorn.run(
                "config.asgi:application",
                host=options["host"],
                port=options["port"],
                workers=options["workers"],
                lifespan="off",
                log_level="warning",
                proxy_headers=settings.PRODUCTION,
                # Longer than any client's or proxy's idle time: a keep-alive connection that
                # the server closes just as the client reuses it fails that request
                # ("connection reset"). With uvicorn's 5 s, a load test whose members pause 1 to
                # 5 s between actions had such failures (bench/README.md, "Load test").
                timeout_keep_alive=settings.KEEP_ALIVE_SECONDS,
            )
        finally:
            if worker is not None and worker.poll() is None:
                worker.send_signal(signal.SIGINT)
                try:
                    worker.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    worker.kill()
            self.stdout.write("Maillage stopped.")
