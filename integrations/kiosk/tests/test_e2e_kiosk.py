"""The kiosk wall display in a real browser: it follows a booking made elsewhere without a
reload (kiosk.js polling), refreshes itself with JavaScript off, and goes 404 when revoked.

"Now" is frozen (time-machine, ticking) before any data is created; the live server runs in
this process, so it sees the same clock.
"""

import pytest
import time_machine

from accounts.tests.factories import make_user
from bookit.tests.clock import NOW, at
from integrations.kiosk import services as kiosks
from reservations import services as booking
from seats.models import Floor, Seat

pytestmark = pytest.mark.e2e


@pytest.fixture
def scene(settings, transactional_db):
    settings.KIOSK_POLL_SECONDS = 1
    settings.KIOSK_REFRESH_SECONDS = 1
    with time_machine.travel(NOW, tick=True):
        floor = Floor.objects.create(name="Floor 1", width=600, height=300)
        seats = [
            Seat.objects.create(floor=floor, label="A1", x=100, y=100),
            Seat.objects.create(floor=floor, label="A2", x=250, y=100),
        ]
        staff = make_user("desk@example.com", is_staff=True)
        member = make_user("maria@example.com", first_name="Maria", show_on_map=True)
        kiosk = kiosks.kiosk_create(floor=floor, name="Lobby", by=staff)
        yield {"seats": seats, "member": member, "staff": staff, "kiosk": kiosk}


def _seat(page, seat):
    return page.locator(f"#kiosk-seat-{seat.pk}")


def test_the_kiosk_follows_a_booking_made_elsewhere_without_reloading(page, live_server, scene):
    seat = scene["seats"][0]
    page.goto(f"{live_server.url}/kiosk/{scene['kiosk'].token}/")
    assert _seat(page, seat).get_attribute("data-state") == "free"
    assert page.locator("#count-free").inner_text() == "2"
    page.evaluate("window.__sameDocument = true")

    booking.reservation_create(user=scene["member"], seat=seat, start=at(0, 9), end=at(0, 11))

    page.wait_for_selector(f"#kiosk-seat-{seat.pk}[data-state=booked]", timeout=10_000)
    assert _seat(page, seat).locator(".kiosk-caption").text_content() == (
        "Maria · Booked until 11:00"
    )
    assert page.locator("#count-booked").inner_text() == "1"
    assert page.evaluate("window.__sameDocument") is True  # updated in place, no reload
    # The scan-to-book code now shows the seat that is still free.
    page.wait_for_selector(f"#kiosk-qr[src$='/qr/{scene['seats'][1].pk}.svg']")

    kiosks.kiosk_revoke(kiosk=scene["kiosk"], by=scene["staff"])
    # The next poll gets 404: the screen reloads into the 404 page instead of a stale map.
    page.wait_for_selector(f"#kiosk-seat-{seat.pk}", state="detached", timeout=10_000)
    assert "Not Found" in page.content()


def test_with_javascript_off_the_page_refreshes_itself(nojs_page, live_server, scene):
    seat = scene["seats"][1]
    nojs_page.goto(f"{live_server.url}/kiosk/{scene['kiosk'].token}/")
    assert _seat(nojs_page, seat).get_attribute("data-state") == "free"
    assert nojs_page.locator("#kiosk-qr").get_attribute("src").endswith(".svg")

    reservation = booking.reservation_create(
        user=scene["member"], seat=seat, start=at(0, 9), end=at(0, 10)
    )
    booking.reservation_check_in(reservation=reservation, by=scene["staff"])

    nojs_page.wait_for_selector(f"#kiosk-seat-{seat.pk}[data-state=checked_in]", timeout=10_000)
