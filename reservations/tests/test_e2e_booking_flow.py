"""A member's whole journey in a real browser: register, confirm the email, get verified, log
in, book, cancel.

Nothing is frozen: the window is tomorrow 10:00-11:00, always inside opening hours.
"""

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from accounts.services import user_verify
from accounts.tests.factories import make_user
from reservations.models import Reservation
from reservations.policy import get_policy
from seats.models import Floor, Seat

pytestmark = pytest.mark.e2e

PASSWORD = "Quiet-Desk-4242"


@pytest.fixture
def seats(transactional_db):
    floor = Floor.objects.create(name="Floor 1", width=600, height=300)
    return [
        Seat.objects.create(floor=floor, label="A1", x=100, y=100, amenities=["monitor"]),
        Seat.objects.create(floor=floor, label="A2", x=250, y=100),
        Seat.objects.create(floor=floor, label="M1", x=450, y=150, kind=Seat.Kind.MEETING_ROOM),
    ]


def tomorrow() -> str:
    return (timezone.localdate(timezone=get_policy().tz) + dt.timedelta(days=1)).isoformat()


def log_in(page, base: str, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_email", email)
    page.fill("#id_password", password)
    page.click("main form button[type=submit].primary")
    page.wait_for_url(f"{base}/")


def choose_window(page) -> None:
    """The exact-times form, folded under the chips below the map."""
    if page.locator("details.more-filters[open]").count() == 0:
        page.click("details.more-filters summary")
    page.fill("#id_date", tomorrow())
    page.select_option("#id_start", "10:00")
    page.select_option("#id_end", "11:00")
    page.click(".map-filters button[type=submit]")
    page.wait_for_url("**/?date=*")


def seat_class(page, seat: Seat) -> str:
    return page.get_attribute(f"#seat-{seat.pk}", "class")


def cancel_first_booking(page, base: str, reservation: Reservation) -> None:
    page.goto(f"{base}/bookings/")
    card = page.locator(f"#booking-{reservation.pk}")
    qr = card.locator(".qr img")
    assert qr.get_attribute("src").startswith("data:image/svg+xml;base64,")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0") in (True, None)
    card.locator("summary.danger").click()  # asks first
    card.locator("form button.danger").click()
    page.wait_for_url(f"{base}/bookings/")
    reservation.refresh_from_db()
    assert reservation.status == Reservation.Status.CANCELLED
    assert page.locator(f"#booking-{reservation.pk} .status-cancelled").count() == 1
    assert page.locator(f"#undo-{reservation.pk} button").is_visible()


def test_register_verify_log_in_book_and_cancel(page, live_server, seats):
    base = live_server.url
    page.goto(f"{base}/register/")
    page.fill("#id_email", "new.member@example.com")
    page.fill("#id_first_name", "Nina")
    page.fill("#id_last_name", "Novak")
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit].primary")
    # Registration answers the same whether the address is new or taken: confirm, then log in.
    page.wait_for_url(f"{base}/login/?email=*")
    assert page.input_value("#id_email") == "new.member@example.com"
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit].primary")
    # Not confirmed yet: refused like a wrong password, with a hint to open the email.
    page.locator("p.hint").wait_for()

    mail.outbox.clear()
    call_command("send_notifications", "--once", stdout=open("/dev/null", "w"))
    (message,) = mail.outbox
    assert message.to == ["new.member@example.com"]
    path = re.search(r"https?://[^/\s]+(/register/confirm/[^/\s]+/)", message.body)[1]
    page.goto(f"{base}{path}")
    page.click("main form button[type=submit].primary")
    page.wait_for_url(f"{base}/login/?email=*")
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit].primary")
    page.wait_for_url(f"{base}/")
    # Not verified yet: a read-only map with a banner, no seat can be booked.
    assert page.locator("#verify-banner").is_visible()
    assert page.locator(".floor-map [data-seat-id]").count() == 0  # nothing opens a booking

    user = User.objects.get(email="new.member@example.com")
    user_verify(user=user, by=make_user("staff@example.com", is_staff=True))

    page.click("header nav form button")  # log out
    page.wait_for_url(f"{base}/login/")
    log_in(page, base, "new.member@example.com")
    assert page.locator("#verify-banner").count() == 0
    choose_window(page)

    page.click(f"#seat-{seats[0].pk}")
    dialog = page.locator("#book-dialog")
    assert dialog.is_visible()
    assert "A1" in dialog.locator("[data-field=seat]").inner_text()
    # The page is already on a ?date= URL: wait for the POST's redirect itself.
    with page.expect_navigation(url="**/?date=*"):
        dialog.locator("button[type=submit]").click()
    assert "seat mine" in seat_class(page, seats[0])
    reservation = Reservation.objects.get(user=user)
    assert reservation.seat == seats[0]
    assert timezone.localtime(reservation.start, get_policy().tz).hour == 10

    cancel_first_booking(page, base, reservation)
    page.goto(f"{base}/?date={tomorrow()}&start=10:00&end=11:00")
    assert "seat free" in seat_class(page, seats[0])


def test_keyboard_enter_on_a_seat_books_it(page, live_server, seats):
    make_user("kb@example.com", password=PASSWORD, verified=True)
    base = live_server.url
    log_in(page, base, "kb@example.com")
    choose_window(page)
    page.focus(f"#seat-{seats[1].pk}")
    page.keyboard.press("Enter")
    assert page.locator("#book-dialog").is_visible()
    # The page is already on a ?date= URL: wait for the POST's redirect itself.
    with page.expect_navigation(url="**/?date=*"):
        page.keyboard.press("Enter")  # the dialog's Book button has the focus
    assert "seat mine" in seat_class(page, seats[1])


def test_booking_works_without_javascript(nojs_page, live_server, seats):
    page = nojs_page
    make_user("nojs@example.com", password=PASSWORD, verified=True)
    base = live_server.url
    log_in(page, base, "nojs@example.com")
    choose_window(page)

    page.click(f"#seat-{seats[2].pk}")  # a link to the confirmation panel
    page.wait_for_url("**seat=*")
    confirm = page.locator("#confirm")
    assert "M1" in confirm.inner_text()
    # The page is already on a ?date= URL: wait for the POST's redirect itself.
    with page.expect_navigation(url="**/?date=*"):
        confirm.locator("button[type=submit].primary").click()  # "Book", not whole day/repeat
    assert "seat mine" in seat_class(page, seats[2])

    reservation = Reservation.objects.get(user__email="nojs@example.com")
    cancel_first_booking(page, base, reservation)


def test_switching_the_language_to_english_and_back(page, live_server, seats):
    make_user("lang@example.com", password=PASSWORD, verified=True)
    base = live_server.url
    log_in(page, base, "lang@example.com")
    assert page.get_attribute("html", "lang") == "ru"
    assert page.inner_text("main h1") == "Карта этажа"

    page.select_option("#lang-select", "en")
    page.click(".lang-switch button")
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "en"
    assert page.inner_text("main h1") == "Floor map"

    page.select_option("#lang-select", "ru")
    page.click(".lang-switch button")
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "ru"
    assert page.inner_text("main h1") == "Карта этажа"


def test_pages_fit_a_phone_screen(page, live_server, seats):
    make_user("phone@example.com", password=PASSWORD, verified=True)
    base = live_server.url
    page.set_viewport_size({"width": 375, "height": 740})
    log_in(page, base, "phone@example.com")
    choose_window(page)
    for path in ("", "/bookings/"):
        if path:
            page.goto(f"{base}{path}")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path or '/'} scrolls sideways by {overflow}px"
    page.goto(f"{base}/?date={tomorrow()}&start=10:00&end=11:00")
    # The plan pans inside its frame at one CSS pixel per map unit (44 px seats); the frame fits.
    assert page.locator(".map-scroll").bounding_box()["width"] <= 375
    assert page.locator("svg.floor-map").bounding_box()["width"] >= 600
    # The list below the map is the phone fallback: every free seat has its Book button.
    buttons = page.locator(".seat-list button[name=seat]")
    assert buttons.count() == len(seats)
    for i in range(buttons.count()):
        box = buttons.nth(i).bounding_box()
        assert box["x"] + box["width"] <= 375, "a Book button is cut off on a phone"


def test_keyboard_booking_works_without_javascript(nojs_page, live_server, seats):
    page = nojs_page
    make_user("kbnojs@example.com", password=PASSWORD, verified=True)
    base = live_server.url
    log_in(page, base, "kbnojs@example.com")
    choose_window(page)
    page.focus(f"#seat-{seats[0].pk}")
    page.keyboard.press("Enter")
    page.wait_for_url("**seat=*")
    # The confirmation's Book button takes the focus, so a second Enter books.
    assert page.evaluate("document.activeElement.closest('#confirm') !== null")
    # The page is already on a ?date= URL: wait for the POST's redirect itself.
    with page.expect_navigation(url="**/?date=*"):
        page.keyboard.press("Enter")
    assert "seat mine" in seat_class(page, seats[0])
