"""Browser end-to-end fixtures: Debian's Chromium driven by Playwright against live_server.

A plugin of the root conftest.py (``pytest_plugins``), used by the apps' test_e2e_*.py modules.

Never downloads a browser: the tests skip, saying why, when /usr/bin/chromium is missing
(scripts/ensure-system-deps installs it). A failed test leaves a screenshot in test-artifacts/.
"""

import os
import re
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item, so fixtures can see whether the test failed."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="module")
def browser():
    """One browser per module. Module scope (not session) stops Playwright's event loop before
    other test modules run, so the async-unsafe allowance below never leaks into them."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing: run scripts/ensure-system-deps to install chromium")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a
    # thread with a running loop unless told that this is deliberate (tests only).
    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = previous


def _screenshot_on_failure(request, page) -> None:
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _new_page(browser, request, **options):
    context = browser.new_context(viewport={"width": 1200, "height": 900}, **options)
    context.set_default_timeout(15_000)
    page = context.new_page()
    return context, page


@pytest.fixture
def page(browser, request, live_server, transactional_db):
    context, page = _new_page(browser, request)
    yield page
    _screenshot_on_failure(request, page)
    context.close()


@pytest.fixture
def nojs_page(browser, request, live_server, transactional_db):
    context, page = _new_page(browser, request, java_script_enabled=False)
    yield page
    _screenshot_on_failure(request, page)
    context.close()
