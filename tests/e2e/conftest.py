"""Browser tests: Playwright driving Debian's Chromium against the live test server.

Locally, without /usr/bin/chromium, they are skipped; CI sets MAILLAGE_REQUIRE_BROWSER=1 so a
missing browser fails the run instead of skipping it silently.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("MAILLAGE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE_JS = Path(__file__).parent / "vendor" / "axe.min.js"

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


# The modules whose tests each take half a minute or more (pages in both languages at two
# widths), longest first; measured with `pytest --durations` in CI's two passes.
LONGEST_FIRST = (
    "test_home_feed",
    "test_account_journey",
    "test_messaging_pages",
    "test_post_pages",
    "test_network_a11y",
    "test_feed_xss",
    "test_feed_analytics",
    "test_messaging_files_pages",
    "test_composer_journey",
)


def _browser_test_rank(item) -> int:
    module = Path(str(item.fspath)).stem
    return LONGEST_FIRST.index(module) if module in LONGEST_FIRST else len(LONGEST_FIRST)


def pytest_collection_modifyitems(config, items):
    browser_tests = []
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)
            browser_tests.append(item)
    # Browser tests run after every other test: Playwright leaves an event loop running in the
    # process, and the socket tests (which start their own) cannot run after it. Among them the
    # longest go first: pytest-xdist hands the next test to whichever worker is free, so short
    # ones at the end keep both cores busy, where a long one last would leave one idle.
    if browser_tests:
        chosen = set(map(id, browser_tests))
        others = [item for item in items if id(item) not in chosen]
        items[:] = others + sorted(browser_tests, key=_browser_test_rank)
    if CHROMIUM.exists():
        return
    if os.environ.get("MAILLAGE_REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(f"Browser tests must run but {CHROMIUM} is missing.")
    skip = pytest.mark.skip(reason=f"{CHROMIUM} not installed (apt-get install chromium)")
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser):
    contexts = []

    def make(locale: str = "fr-FR", width: int = 1280, height: int = 900):
        context = browser.new_context(
            locale=locale, viewport={"width": width, "height": height}, bypass_csp=False
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.js_errors = errors  # type: ignore[attr-defined]
        return page

    yield make
    for context in contexts:
        context.close()


def run_axe(page) -> list[dict]:
    """Run axe-core on the page; return violations of serious or critical impact."""
    # Evaluated as a function body, not an inline <script>, so the page's CSP stays untouched.
    page.evaluate(AXE_JS.read_text(encoding="utf-8") + "\n;window.__axe = axe;")
    result = page.evaluate(
        "async () => { const r = await window.__axe.run(document, "
        "{resultTypes: ['violations']}); return r.violations.map(v => ({id: v.id, "
        "impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' '))"
        ".slice(0, 5)})); }"
    )
    return [v for v in result if v["impact"] in ("serious", "critical")]


def htmx_settled(page) -> None:
    """Wait until htmx has finished its requests and swaps.

    htmx settles a swapped form for a few milliseconds; a test that types in that window can see
    its input replaced (a person cannot type that fast).
    """
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')"
    )
