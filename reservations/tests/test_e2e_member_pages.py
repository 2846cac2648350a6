"""Every member page on a small phone (360x740), a phone (390x844) and a laptop (1366x900), in
Russian and English:
nothing scrolls sideways, seats and primary buttons are at least 44 px, no console errors, no
serious or critical axe-core violations; and the booking click counts of the floor map.

Nothing is frozen (a real browser against live_server): windows are computed from today.
"""

import datetime as dt
from contextlib import contextmanager

import pytest

from accounts.tests.factories import PASSWORD, make_user
from bookit.tests.axe import serious_violations
from reservations.models import Reservation
from reservations.policy import get_policy
from reservations.tests.factories import make_reservation
from seats.models import Floor, Seat, Zone
from tickets.tests.factories import make_ticket

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {
    "small": {"width": 360, "height": 740},
    "phone": {"width": 390, "height": 844},
    "laptop": {"width": 1366, "height": 900},
}
PAGES = ["/", "/bookings/", "/tickets/", "/tickets/new/", "/profile/"]
MIN_TAP = 44


@pytest.fixture
def world(transactional_db):
    floor = Floor.objects.create(name="Floor 1", width=1000, height=600)
    Zone.objects.create(floor=floor, name="Quiet zone", x=10, y=10, width=600, height=280)
    seats = [
        Seat.objects.create(
            floor=floor, label=f"A{i + 1}", x=80 + (i % 6) * 150, y=80 + i // 6 * 140
        )
        for i in range(12)
    ]
    return floor, seats


@contextmanager
def member_page(browser, live_server, viewport: str, language: str):
    """A logged-in member's page; on leaving, the browser console must have stayed clean."""
    member = make_user(f"{language}.{viewport}@example.com", language=language)
    context = browser.new_context(viewport=VIEWPORTS[viewport])
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_email", member.email)
        page.fill("#id_password", PASSWORD)
        page.click("main form button[type=submit].primary")
        page.wait_for_url(f"{live_server.url}/")
        yield page, member
        assert errors == []
    finally:
        context.close()


def _too_small(page, selector: str) -> list[str]:
    return page.evaluate(
        """([selector, min]) => [...document.querySelectorAll(selector)]
            .filter(e => e.getClientRects().length)
            .map(e => [e, e.getBoundingClientRect()])
            .filter(([e, r]) => r.width < min - 0.5 || r.height < min - 0.5)
            .map(([e, r]) => `${e.closest('[id]')?.id || e.tagName} ${r.width}x${r.height}`)""",
        [selector, MIN_TAP],
    )


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_member_pages_fit_tap_and_pass_axe(browser, live_server, world, viewport, language):
    with member_page(browser, live_server, viewport, language) as (page, member):
        _floor, seats = world
        booking = make_reservation(member, seats[0], minutes=60 * 24 * 3)  # a card on /bookings/
        ticket = make_ticket(author=member)
        # and the colleague search's answer, one booking's change page, one ticket's page
        detail_pages = ["/?who=", f"/bookings/{booking.pk}/change/", f"/tickets/{ticket.pk}/"]
        for path in [*PAGES, *detail_pages]:
            page.goto(f"{live_server.url}{path}")
            assert page.locator("html").get_attribute("lang") == language
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= VIEWPORTS[viewport]["width"], f"{path} is {width} px wide"
            assert _too_small(page, "main button.primary, main .button.primary") == [], path
            assert _too_small(page, "main button.star, .colleague-search button") == [], path
            if path == "/":
                assert _too_small(page, ".floor-map .seat rect") == []
                assert _too_small(page, ".chip") == []
                if viewport != "laptop":  # the map comes before the long list and the filters
                    map_top = page.locator(".map-card").bounding_box()["y"]
                    assert map_top < page.locator(".seat-list").bounding_box()["y"]
                    assert map_top < page.locator(".more-filters").bounding_box()["y"]
            assert serious_violations(page) == [], path


def test_default_window_books_in_two_taps_and_any_other_in_four(browser, live_server, world):
    _floor, seats = world
    with member_page(browser, live_server, "phone", "en") as (page, member):
        taps: list[str] = []

        def tap(locator) -> None:
            taps.append(str(locator))
            locator.click()

        # The default window: the seat, then Book.
        tap(page.locator(f"#seat-{seats[1].pk}"))
        tap(page.locator("#book-dialog button[type=submit]"))
        page.wait_for_selector(".message.success")
        assert len(taps) == 2
        first = Reservation.objects.get(user=member)
        assert first.seat == seats[1]
        # Another day and length: day chip, duration chip (each redraws the map in place),
        # the seat, Book.
        taps.clear()
        tap(page.locator(".chips.days .chip").nth(2))
        page.wait_for_function(
            "() => document.querySelectorAll('.chips.days li')[2].querySelector('[aria-current]')"
        )
        tap(page.locator(".chips.durations .chip").last)  # the whole day: offered at any hour
        page.wait_for_function(
            "() => document.querySelector('.chips.durations li:last-child [aria-current]')"
        )
        # The chip is marked before the redrawn map arrives: a seat tapped before that would be
        # swapped out under the finger (seen on a loaded machine). Not a tap: a wait.
        page.wait_for_load_state("networkidle")
        chosen = page.inner_text("#chosen-window")
        tap(page.locator(f"#seat-{seats[2].pk}"))
        tap(page.locator("#book-dialog button[type=submit]"))
        page.wait_for_selector(".message.success")
        assert len(taps) == 4
        second = Reservation.objects.exclude(pk=first.pk).get(user=member)
        assert second.seat == seats[2]
        policy = get_policy()
        start, end = second.start.astimezone(policy.tz), second.end.astimezone(policy.tz)
        longest = dt.timedelta(minutes=policy.max_minutes)
        assert end.time() == policy.closes_at or end - start == longest
        assert start.date() > first.start.astimezone(policy.tz).date()
        assert f"{start:%H:%M}–{end:%H:%M}" in chosen


def test_a_taken_seat_says_until_when(browser, live_server, world):
    _floor, seats = world
    with member_page(browser, live_server, "phone", "en") as (page, _member):
        # Someone else holds A4 over the rest of today and tomorrow: whichever day the default
        # window falls on, the seat is taken.
        make_reservation(make_user("other@example.com"), seats[3], minutes=60 * 40)
        page.reload()
        page.click(f"#seat-{seats[3].pk}")
        assert "busy until" in page.inner_text("#seat-info")


def test_my_usual_seat_books_in_two_taps(browser, live_server, world):
    _floor, seats = world
    with member_page(browser, live_server, "small", "ru") as (page, member):
        from seats.models import FavouriteSeat

        FavouriteSeat.objects.create(user=member, seat=seats[4])
        page.reload()
        taps = 0
        page.click("#usual-seat a")  # opens the confirmation dialog for that seat
        taps += 1
        page.click("#book-dialog button[type=submit]")
        taps += 1
        page.wait_for_selector(".message.success")
        assert taps == 2
        assert Reservation.objects.get(user=member).seat == seats[4]


def test_a_taken_seat_names_an_opted_in_colleague(browser, live_server, world):
    _floor, seats = world
    with member_page(browser, live_server, "phone", "en") as (page, _member):
        colleague = make_user("anna@example.com", first_name="Anna", show_on_map=True)
        make_reservation(colleague, seats[5], minutes=60 * 40)
        page.reload()
        page.click(f"#seat-{seats[5].pk}")
        assert "Anna until" in page.inner_text("#seat-info")


def test_a_seat_is_starred_from_the_dialog(browser, live_server, world):
    _floor, seats = world
    with member_page(browser, live_server, "small", "en") as (page, member):
        from seats.models import FavouriteSeat

        page.click(f"#seat-{seats[6].pk}")
        page.click("#book-dialog [data-fav-submit]")
        page.wait_for_selector(".message.success")
        assert FavouriteSeat.objects.filter(user=member, seat=seats[6]).exists()
        assert page.get_attribute(f"#seat-{seats[6].pk}", "data-favourite") == "1"
        assert "A7" in page.inner_text("#usual-seat")


PUBLIC_PAGES = ["/login/", "/register/", "/password-reset/"]


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_public_pages_fit_tap_and_pass_axe(browser, live_server, viewport, language):
    """The pages a newcomer meets before logging in: the same checks as the member pages."""
    context = browser.new_context(viewport=VIEWPORTS[viewport], locale=language)
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        for path in PUBLIC_PAGES:
            page.goto(f"{live_server.url}{path}")
            assert page.locator("html").get_attribute("lang") == language, path
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= VIEWPORTS[viewport]["width"], f"{path} is {width} px wide"
            assert _too_small(page, "main button.primary, main .button.primary") == [], path
            assert serious_violations(page) == [], path
        assert errors == []
    finally:
        context.close()
