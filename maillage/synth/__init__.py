"""A synthetic professional network of any size, for benchmarks (`maillage generate`).

`plan.py` decides everything as plain data from (members, seed, as-of date) — the same inputs
give the same network, row for row — and `load.py` writes it with bulk inserts (COPY on
PostgreSQL) into an empty database. Names, careers, skills and post texts come from the demo's
catalogues (`maillage.demo`), read-only.
"""

SYNTH_PASSWORD = "maillage-bench"  # noqa: S105 — one shared password for benchmark data
EMAIL_DOMAIN = "synth.maillage.test"
