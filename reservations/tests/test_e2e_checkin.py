"""Browser check of the staff check-in page: a USB scanner types the QR link and presses Enter."""

import shutil

import pytest

from reservations.models import Reservation
from reservations.qr import checkin_url
from reservations.tests.factories import make_reservation

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def scan_in_browser(base_url: str, session: str, code: str) -> dict:
    """Drive the page like a scanner. No ORM calls in here: while Playwright's sync API is active
    an event loop runs in this thread and Django would use (and leak) a separate connection."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.context.add_cookies([{"name": "sessionid", "value": session, "url": base_url}])
            page.goto(f"{base_url}/staff/checkin/")
            focused = page.evaluate("document.activeElement.name")
            page.keyboard.type(code)
            page.keyboard.press("Enter")
            page.wait_for_selector("#checkin-result")
            return {
                "focused": focused,
                "result": page.inner_text("#checkin-result"),
                "today": page.inner_text("#checkin-today"),
                "errors": errors,
            }
        finally:
            browser.close()


@pytest.mark.skipif(CHROMIUM is None, reason="system Chromium is not installed")
def test_scanner_input_checks_the_member_in(live_server, client, staff, member):
    pytest.importorskip("playwright")
    booking = make_reservation(user=member)
    client.force_login(staff)

    seen = scan_in_browser(live_server.url, client.cookies["sessionid"].value, checkin_url(booking))

    assert seen["focused"] == "token"
    assert "Maria Member" in seen["result"]
    assert "Maria Member" in seen["today"]
    assert seen["errors"] == []
    booking.refresh_from_db()
    assert booking.status == Reservation.Status.CHECKED_IN
