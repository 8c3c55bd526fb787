"""`maillage generate`: fill an empty database with a synthetic network, for benchmarks."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from maillage.synth import SYNTH_PASSWORD
from maillage.synth.load import NotEmptyError, load_plan
from maillage.synth.plan import as_of_from, plan_all


class Command(BaseCommand):
    help = (
        "Fill an empty, migrated database with a synthetic professional network: members with "
        "profiles, a clustered heavy-tailed graph, posts, comments and reactions over the last "
        "days. The same --members, --seed and --as-of always give the same rows."
    )

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, required=True, help="How many members.")
        parser.add_argument("--seed", default="1", help="Random seed (default 1).")
        parser.add_argument(
            "--days", type=int, default=90, help="Content covers this many days (default 90)."
        )
        parser.add_argument(
            "--as-of",
            default=None,
            help="Every date is relative to this instant (YYYY-MM-DD or ISO; default today "
            "00:00 UTC).",
        )

    def handle(self, *args, **options):
        count, days = options["members"], options["days"]
        if count < 2:
            raise CommandError("--members must be at least 2.")
        if days < 1:
            raise CommandError("--days must be at least 1.")
        from maillage.accounts.models import User

        if User.objects.exists():
            raise CommandError(
                "This database already has members: `generate` only fills an empty database "
                "(create and migrate a new one)."
            )
        as_of = as_of_from(options["as_of"])
        started = time.monotonic()
        last = [started]

        def out(line: str) -> None:
            self.stdout.write(line)
            self.stdout.flush()

        def planned(name: str) -> None:
            now = time.monotonic()
            out(f"{name:<14} {now - last[0]:7.1f} s  (total {now - started:7.1f} s)")
            last[0] = now

        out(f"Generating {count:,} members, seed {options['seed']}, as of {as_of.isoformat()}")
        plan = plan_all(
            members=count, seed=options["seed"], as_of=as_of, days=days, progress=planned
        )
        try:
            report = load_plan(plan, out=out)
        except NotEmptyError as exc:
            raise CommandError(str(exc)) from exc
        total = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"Done in {total:.1f} s."))
        for name, rows in report.rows.items():
            self.stdout.write(f"  {name:<18} {rows:>12,}")
        self.stdout.write(
            f"Every member signs in as member<N>@synth.maillage.test (N from 1 to {count}) "
            f"with the password {SYNTH_PASSWORD}."
        )
