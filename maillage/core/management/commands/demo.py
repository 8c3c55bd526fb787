"""`maillage demo`: create or refresh the demo network (about 220 fictional members)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from maillage.demo import DEMO_LOGINS
from maillage.demo.generate import FIXED_COUNT
from maillage.demo.services import DEFAULT_MEMBERS, demo_network_load


class Command(BaseCommand):
    help = (
        "Create the demo network, or refresh it: members with profiles, careers and education, "
        "and the two documented demo logins. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--members",
            type=int,
            default=DEFAULT_MEMBERS,
            help=f"How many demo members to create or refresh (default {DEFAULT_MEMBERS}).",
        )
        parser.add_argument("--quiet", action="store_true", help="Print nothing.")

    def handle(self, *args, **options):
        count = options["members"]
        if count < FIXED_COUNT:
            raise CommandError(f"--members must be at least {FIXED_COUNT}.")
        quiet = options["quiet"] or options["verbosity"] == 0
        started = time.monotonic()
        result = demo_network_load(members=count)
        if quiet:
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo network ready in {time.monotonic() - started:.1f} s: "
                f"{result.members} members ({result.created} new), "
                f"{result.connections} connections, {result.positions} positions, "
                f"{result.education} education entries."
            )
        )
        self.stdout.write("Demo logins:")
        for login in DEMO_LOGINS:
            self.stdout.write(f"  {login['role']:<8} {login['email']}  /  {login['password']}")
