"""The demo network loaded on first start (`maillage demo` refreshes it)."""

DEMO_PASSWORD = "maillage-demo-2026"  # noqa: S105 — public demo data, documented in the README

# Shown by `maillage run` and in the README; keep the three in step.
DEMO_LOGINS = [
    {"role": "member", "email": "camille.martin@demo.maillage.test", "password": DEMO_PASSWORD},
    {"role": "admin", "email": "admin@demo.maillage.test", "password": DEMO_PASSWORD},
]
