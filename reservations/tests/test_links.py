"""Absolute links (calendar files, check-in QR codes) point at the host the site is served on,
or at SITE_URL when production sets it; never at a hard-coded 127.0.0.1."""

import pytest
import qrcode

from bookit.tests.clock import at
from reservations.services import checkin_token
from reservations.tests.factories import make_reservation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
HOST = "bookit.lan:8080"


@pytest.fixture(autouse=True)
def _served_on_a_lan_host(settings):
    settings.ALLOWED_HOSTS = ["bookit.lan", "testserver"]
    settings.SITE_URL = ""


@pytest.fixture
def booking(member, seat):
    return make_reservation(member, seat, at(1, 10), at(1, 11))


@pytest.fixture
def encoded(monkeypatch) -> list[str]:
    """What every QR code drawn during the test encodes."""
    seen: list[str] = []
    real = qrcode.make

    def spy(data, *args, **kwargs):
        seen.append(data)
        return real(data, *args, **kwargs)

    monkeypatch.setattr(qrcode, "make", spy)
    return seen


def test_ics_and_feed_use_the_request_host(member_client, member, booking):
    ics = member_client.get(f"/bookings/{booking.pk}.ics", HTTP_HOST=HOST).content.decode()
    assert "URL:http://bookit.lan:8080/bookings/" in ics
    # The UID names no host of the request: one booking stays one event on every address.
    assert f"UID:reservation-{booking.pk}@bookit\r\n" in ics
    page = member_client.get("/bookings/", HTTP_HOST=HOST).content.decode()
    member.refresh_from_db()  # the page made the feed token
    assert f"http://bookit.lan:8080/calendar/{member.calendar_token}.ics" in page
    feed = member_client.get(f"/calendar/{member.calendar_token}.ics", HTTP_HOST=HOST)
    assert "URL:http://bookit.lan:8080/bookings/" in feed.content.decode()
    assert "127.0.0.1" not in ics + feed.content.decode()


def test_qr_codes_on_the_page_and_in_the_api_use_the_request_host(
    member_client, member_api, booking, encoded
):
    member_client.get("/bookings/", HTTP_HOST=HOST)
    member_api.get(f"/api/reservations/{booking.pk}/qr", HTTP_HOST=HOST)
    wanted = f"http://bookit.lan:8080/staff/checkin/?token={checkin_token(booking)}"
    assert encoded == [wanted, wanted]


def test_site_url_wins_in_production(settings, member_client, booking, encoded):
    settings.SITE_URL = "https://desk.example.com"
    ics = member_client.get(f"/bookings/{booking.pk}.ics", HTTP_HOST=HOST).content.decode()
    assert "URL:https://desk.example.com/bookings/" in ics
    member_client.get("/bookings/", HTTP_HOST=HOST)
    assert encoded == [f"https://desk.example.com/staff/checkin/?token={checkin_token(booking)}"]
