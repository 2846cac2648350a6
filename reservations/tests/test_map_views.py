"""The floor map page: rendering, states, booking by POST, filters, permissions, query count."""

import datetime as dt
import re

import pytest

from accounts.tests.factories import PASSWORD, make_user
from bookit.tests.clock import at
from reservations.models import Reservation
from reservations.slots import default_window
from reservations.tests.factories import make_reservation
from seats.models import Seat
from seats.tests.factories import make_floor, make_seat

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    """Assert on the English source strings; Russian (the default) is tested separately."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def floor(db):
    return make_floor("Floor 1", width=800, height=500)


@pytest.fixture
def seats(floor):
    return {
        "A1": make_seat("A1", floor=floor, x=100, y=100, amenities=["monitor"]),
        "A2": make_seat("A2", floor=floor, x=200, y=100, amenities=["window", "monitor"]),
        "Q1": make_seat("Q1", floor=floor, x=300, y=100, kind=Seat.Kind.QUIET_DESK),
        "X1": make_seat("X1", floor=floor, x=400, y=100, is_active=False),
    }


def seat_markup(html: str, seat: Seat) -> str:
    """The opening tag of one seat's element in the SVG."""
    match = re.search(rf'<(a|g) class="seat [a-z]+"[^>]*id="seat-{seat.pk}"[^>]*>', html)
    assert match, f"seat {seat.label} is not on the map"
    return match.group(0)


def window(day=1, start="10:00", end="11:00") -> dict:
    return {"date": at(day, 0).date().isoformat(), "start": start, "end": end}


def test_anonymous_visitor_gets_the_landing_page(client, floor):
    response = client.get("/")
    assert response.status_code == 200
    assert "reservations/landing.html" in [t.name for t in response.templates]
    assert "<svg" not in response.content.decode()


def test_member_gets_the_map_for_the_next_slot_by_default(frozen, member_client, seats):
    response = member_client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'viewBox="0 0 800 500"' in html
    # 09:05 rounds up to the 09:30 slot; one hour by default.
    assert 'value="09:30" selected' in html and 'value="10:30" selected' in html
    for seat in seats.values():
        seat_markup(html, seat)


def test_each_seat_is_drawn_with_its_state(frozen, member_client, member, other_member, seats):
    make_reservation(other_member, seats["A2"], at(1, 9), at(1, 12))
    make_reservation(member, seats["Q1"], at(1, 10), at(1, 11))
    html = member_client.get("/", window()).content.decode()
    assert 'class="seat free"' in seat_markup(html, seats["A1"])
    assert 'class="seat busy"' in seat_markup(html, seats["A2"])
    assert 'class="seat mine"' in seat_markup(html, seats["Q1"])
    assert 'class="seat inactive"' in seat_markup(html, seats["X1"])
    # A busy seat says until when it is taken, on the map and for screen readers.
    assert "12:00" in seat_markup(html, seats["A2"])
    # Hover and focus show label, kind and amenities.
    assert "<title>A2 until 12:00 · Desk · Window, Monitor — busy until 12:00</title>" in html


def test_free_seat_links_to_a_confirmation(frozen, member_client, seats):
    params = window()
    html = member_client.get("/", params).content.decode()
    assert 'href="?date=2026-12-02&amp;start=10%3A00&amp;end=11%3A00&amp;floor=' in seat_markup(
        html, seats["A1"]
    )
    confirm = member_client.get("/", {**params, "seat": seats["A1"].pk}).content.decode()
    assert 'id="confirm"' in confirm
    assert "Book this seat?" in confirm and "Floor 1" in confirm
    assert f'name="seat" value="{seats["A1"].pk}"' in confirm


def test_posting_a_free_seat_books_it_and_the_map_shows_it_as_mine(
    frozen, member_client, member, seats
):
    data = {**window(), "seat": seats["A1"].pk, "floor": seats["A1"].floor_id}
    response = member_client.post("/", data)
    assert response.status_code == 302
    reservation = Reservation.objects.get(user=member)
    assert (reservation.seat, reservation.start, reservation.end) == (
        seats["A1"],
        at(1, 10),
        at(1, 11),
    )
    page = member_client.get(response["Location"])
    html = page.content.decode()
    assert 'class="seat mine"' in seat_markup(html, seats["A1"])
    assert "Booked: seat A1" in html


def test_a_taken_seat_answers_409_with_the_conflict_next_to_the_form(
    frozen, member_client, other_member, seats
):
    make_reservation(other_member, seats["A1"], at(1, 10), at(1, 12))
    response = member_client.post("/", {**window(), "seat": seats["A1"].pk})
    html = response.content.decode()
    assert response.status_code == 409
    assert 'id="book-errors"' in html
    assert "Seat A1 is already booked from 02.12 10:00 to 02.12 12:00." in html
    assert not Reservation.objects.filter(user__email="member@example.com").exists()


def test_policy_violations_are_shown_and_nothing_is_booked(frozen, member_client, seats):
    response = member_client.post("/", {**window(day=0, start="08:00", end="09:00"), "seat": 1})
    assert response.status_code == 400
    assert "This time is in the past." in response.content.decode()
    too_far = member_client.post("/", {**window(day=30), "seat": seats["A1"].pk})
    assert too_far.status_code == 400
    assert "You can book at most 14 days ahead." in too_far.content.decode()
    assert Reservation.objects.count() == 0


def test_unknown_seat_is_a_form_error(frozen, member_client, seats):
    response = member_client.post("/", {**window(), "seat": 99999})
    assert response.status_code == 400
    assert "This seat does not exist." in response.content.decode()


def test_unverified_member_sees_a_read_only_map_with_a_banner(frozen, client, unverified, seats):
    client.login(email=unverified.email, password=PASSWORD)
    html = client.get("/", window()).content.decode()
    assert 'id="verify-banner"' in html
    assert "staff must verify your account" in html
    assert "data-seat-id" not in seat_markup(html, seats["A1"])  # no booking dialog
    assert 'name="seat" value=' not in html
    response = client.post("/", {**window(), "seat": seats["A1"].pk})
    assert response.status_code == 403
    assert "Your account is waiting for staff verification." in response.content.decode()
    assert Reservation.objects.count() == 0


def test_filters_by_kind_and_amenity(frozen, member_client, seats):
    html = member_client.get("/", {**window(), "kind": "quiet_desk"}).content.decode()
    assert f'id="seat-{seats["Q1"].pk}"' in html and f'id="seat-{seats["A1"].pk}"' not in html
    both = member_client.get("/", {**window(), "amenity": ["monitor", "window"]}).content.decode()
    assert f'id="seat-{seats["A2"].pk}"' in both
    assert f'id="seat-{seats["A1"].pk}"' not in both


def test_switching_floors_shows_that_floors_seats(frozen, member_client, seats):
    upstairs = make_floor("Floor 2", ordering=1)
    b1 = make_seat("B1", floor=upstairs, x=50, y=50)
    html = member_client.get("/", {**window(), "floor": upstairs.pk}).content.decode()
    assert f'id="seat-{b1.pk}"' in html and f'id="seat-{seats["A1"].pk}"' not in html
    assert 'aria-current="page">Floor 2<' in html


def test_bad_parameters_are_field_errors_not_500(frozen, member_client, seats):
    response = member_client.get("/", {"date": "soon", "start": "25:00", "floor": "x"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter a valid date." in html
    assert f'id="seat-{seats["A1"].pk}"' in html  # the default window is drawn meanwhile


def test_the_list_below_the_map_books_without_javascript(frozen, member_client, member, seats):
    html = member_client.get("/", window()).content.decode()
    assert f'<button type="submit" name="seat" value="{seats["A1"].pk}"' in html
    assert f'name="seat" value="{seats["X1"].pk}"' not in html


@pytest.mark.parametrize("count", [10, 200])
def test_the_map_uses_a_constant_number_of_queries(
    frozen, member_client, member, floor, count, django_assert_max_num_queries
):
    seats = [make_seat(f"S{i}", floor=floor, x=10 + i, y=10) for i in range(count)]
    for i, seat in enumerate(seats[::3]):  # one member each: a member holds one seat at a time
        make_reservation(make_user(f"busy{i}@example.com"), seat, at(1, 10), at(1, 11))
    make_reservation(member, seats[1], at(1, 10), at(1, 11))
    member_client.get("/", window())  # warm the session
    # As before, plus one for the blocks over the window, one for the booking rules, and for
    # issue 16 the floor's zones and the member's usual seat (their favourites come with the
    # seats since issue 15).
    with django_assert_max_num_queries(9):
        response = member_client.get("/", window())
    assert response.content.decode().count('class="seat ') == count


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (at(0, 9, 5), (dt.date(2026, 12, 1), dt.time(9, 30), dt.time(10, 30))),
        (at(0, 9, 30), (dt.date(2026, 12, 1), dt.time(9, 30), dt.time(10, 30))),
        (at(0, 6, 0), (dt.date(2026, 12, 1), dt.time(8, 0), dt.time(9, 0))),
        (at(0, 21, 10), (dt.date(2026, 12, 1), dt.time(21, 30), dt.time(22))),
        (at(0, 21, 40), (dt.date(2026, 12, 2), dt.time(8, 0), dt.time(9, 0))),
    ],
)
def test_default_window_is_the_next_slot_inside_opening_hours(db, now, expected):
    from reservations.policy import get_policy

    policy = get_policy()
    assert default_window(policy, now) == expected


def test_the_map_speaks_russian_by_default(frozen, member_client, settings, seats):
    settings.LANGUAGE_CODE = "ru"
    html = member_client.get("/", window()).content.decode()
    assert '<html lang="ru">' in html
    assert "Карта этажа" in html and "Забронировать" in html
    response = member_client.post("/", {**window(day=0, start="08:00", end="09:00"), "seat": 1})
    assert "Это время уже прошло." in response.content.decode()


def test_every_seat_is_focusable_and_labelled(frozen, member_client, other_member, seats):
    make_reservation(other_member, seats["A2"], at(1, 9), at(1, 12))
    html = member_client.get("/", window()).content.decode()
    assert "href=" in seat_markup(html, seats["A1"])  # links are focusable by nature
    busy = seat_markup(html, seats["A2"])  # a taken seat is a link too: it says until when
    assert "href=" in busy and "busy until 12:00" in busy and "data-seat-id" not in busy
    tag = seat_markup(html, seats["X1"])
    assert 'tabindex="0"' in tag and "aria-label=" in tag


def test_a_past_window_is_explained_and_cannot_be_booked(frozen, member_client, seats):
    response = member_client.get("/", window(day=-1))
    html = response.content.decode()
    assert response.status_code == 200
    assert "This time is in the past." in html
    assert "data-seat-id" not in seat_markup(html, seats["A1"])  # no booking dialog
    assert 'name="seat" value=' not in html


def test_tapping_a_busy_seat_says_until_when_without_javascript(
    frozen, member_client, other_member, seats
):
    make_reservation(other_member, seats["A2"], at(1, 9), at(1, 12))
    html = member_client.get("/", {**window(), "seat": seats["A2"].pk}).content.decode()
    panel = html.split('id="seat-panel"', 1)[1].split("</section>", 1)[0]
    assert "Seat A2" in panel and "busy until 12:00" in panel
    assert 'id="confirm"' not in html  # nothing to book


def chips(html: str, group: str) -> list[tuple[str, str, bool]]:
    """(label, href, current) of the picker's chips of one group (days, starts, durations)."""
    block = html.split(f'<ul class="chips {group}">', 1)[1].split("</ul>", 1)[0]
    return [
        (
            " ".join(re.sub(r"<[^>]+>", " ", label).split()),
            href.replace("&amp;", "&"),
            bool(current),
        )
        for href, current, label in re.findall(
            r'<a class="chip" href="([^"]+)" data-swap[^>]*?( aria-current="true")?>(.*?)</a>',
            block,
            re.S,
        )
    ]


def test_the_picker_offers_only_bookable_windows_and_states_the_chosen_one(
    frozen, member_client, seats
):
    html = member_client.get("/").content.decode()  # now: Tuesday 09:05
    assert "Seats for <strong>Tue, 1 December, 09:30–10:30</strong>" in html
    days = chips(html, "days")
    assert [d[0] for d in days[:3]] == ["Today", "Tomorrow", "Thu 3"] and days[0][2]
    assert len(days) == 7
    starts = chips(html, "starts")
    # The current slot (09:00) is bookable; then whole hours up to the last that fits.
    assert [s[0] for s in starts][:3] == ["09:00", "10:00", "11:00"]
    assert starts[-1][0] == "21:00"
    durations = chips(html, "durations")
    assert [d[0] for d in durations] == [
        "1 h until 10:30",
        "2 h until 11:30",
        "4 h until 13:30",
        "Whole day until 21:30",
    ]
    # Every chip leads to a window the booking rules accept.
    for _label, href, _current in days + starts + durations:
        page = member_client.get("/" + href)
        assert page.status_code == 200 and 'id="window-errors"' not in page.content.decode()


def test_another_day_and_duration_is_two_taps_then_seat_and_confirm(
    frozen, member_client, member, seats
):
    html = member_client.get("/").content.decode()
    day = chips(html, "days")[2][1]  # tap 1: Thursday
    html = member_client.get("/" + day).content.decode()
    four_hours = chips(html, "durations")[2][1]  # tap 2: 4 h
    html = member_client.get("/" + four_hours).content.decode()
    assert "Thu, 3 December, 09:30–13:30" in html
    seat = re.search(rf'<a class="seat free" href="([^"]+)" id="seat-{seats["A1"].pk}"', html)
    seat_href = seat.group(1)
    confirm = member_client.get("/" + seat_href.replace("&amp;", "&")).content.decode()  # tap 3
    form = confirm.split('id="confirm"', 1)[1].split("</form>", 1)[0]
    # What the Book button sends: the form's hidden fields, not the other submit buttons'
    # name/value pairs ("whole day", "repeat") that only their own click would send.
    data = dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"', form))
    response = member_client.post("/", data)  # tap 4: Book
    assert response.status_code == 302
    booking = Reservation.objects.get(user=member)
    assert (booking.seat, booking.start, booking.end) == (seats["A1"], at(2, 9, 30), at(2, 13, 30))


@pytest.mark.parametrize(
    "query",
    [
        [],
        [("date", "2026-12-02"), ("start", "10:00"), ("end", "12:00"), ("floor", "1")],
        [("date", "x y&z"), ("seat", "4"), ("amenity", "monitor"), ("amenity", "window")],
    ],
)
def test_the_picker_links_keep_the_query_and_replace_the_changed_fields(query):
    from urllib.parse import urlencode

    from reservations.map_views import _Links

    link = _Links(query)
    for changes in ({"end": "13:00"}, {"start": "09:00", "end": "11:00"}, {"date": "2026-12-03"}):
        kept = [(k, v) for k, v in query if k not in changes and k != "seat"]
        assert link(**changes) == "?" + urlencode(kept + list(changes.items()))
        assert link(**changes) == "?" + urlencode(kept + list(changes.items()))  # memoized


def test_the_map_draws_the_floor_s_zones_in_order_and_only_that_floor_s(
    frozen, member_client, floor, seats, django_assert_max_num_queries
):
    from seats.models import Zone
    from seats.selectors import floor_zones

    Zone.objects.create(floor=floor, name="Kitchen & bar", x=40, y=50, width=300, height=200)
    Zone.objects.create(floor=floor, name="Atrium", x=400, y=60, width=100, height=80)
    Zone.objects.create(floor=make_floor("Floor 2"), name="Elsewhere", x=1, y=1)
    # The hand-written statement answers what the queryset did, field by field.
    got = [(z.pk, z.floor_id, z.name, z.x, z.y, z.width, z.height) for z in floor_zones(floor.pk)]
    want = [(z.pk, z.floor_id, z.name, z.x, z.y, z.width, z.height) for z in floor.zones.all()]
    assert got == want and [name for _pk, _f, name, *_ in got] == ["Atrium", "Kitchen & bar"]
    member_client.get("/", window())  # warm the session
    with django_assert_max_num_queries(9):
        html = member_client.get("/", window()).content.decode()
    assert re.findall(r'<g class="zone"[^>]*><rect x="(\d+)" y="(\d+)"', html) == [
        ("400", "60"),
        ("40", "50"),
    ]
    assert '<text x="52" y="74">Kitchen &amp; bar</text>' in html
    assert "Elsewhere" not in html


def test_the_time_fields_follow_a_change_of_opening_hours(frozen, member_client, seats):
    """The slot choices are built once per grid: a new grid is a new set of choices."""
    from reservations.models import BookingPolicy

    def ends(html: str) -> list[str]:
        select = html.split('<select name="end"')[1].split("</select>")[0]
        return re.findall(r'<option value="([\d:]+)"', select)

    assert ends(member_client.get("/", window()).content.decode())[-1] == "22:00"
    BookingPolicy.objects.filter(pk=1).update(closes_at=dt.time(20, 0), slot_minutes=60)
    changed = ends(member_client.get("/", window()).content.decode())
    assert changed[-1] == "20:00" and "10:30" not in changed


def test_the_day_strip_is_named_in_each_page_s_language(frozen, member_client, seats):
    """The strip's day names are memoized per language: a switch is seen on the next page."""
    english = chips(member_client.get("/").content.decode(), "days")
    member_client.cookies["django_language"] = "ru"
    russian = chips(member_client.get("/").content.decode(), "days")
    member_client.cookies["django_language"] = "en"
    again = chips(member_client.get("/").content.decode(), "days")
    assert [d[0] for d in english[:3]] == ["Today", "Tomorrow", "Thu 3"]
    assert [d[0] for d in russian[:3]] == ["Сегодня", "Завтра", "Чт 3"]
    assert again == english


def test_a_seat_s_memoized_drawing_follows_its_move_and_new_label(frozen, member_client, seats):
    """The glyph's geometry and escaped texts are memoized by their values (map_markup)."""
    seat = seats["A1"]
    html = member_client.get("/", window()).content.decode()
    assert '<rect x="68" y="78" width="64" height="44" rx="8"/>' in html
    Seat.objects.filter(pk=seat.pk).update(label='B<&"1', x=300, y=250, kind="meeting_room")
    html = member_client.get("/", window()).content.decode()
    glyph = html.split(f'id="seat-{seat.pk}"', 1)[1].split("</a>", 1)[0]
    assert '<rect x="248" y="218" width="104" height="64" rx="8"/>' in glyph
    assert 'text-anchor="middle">B&lt;&amp;&quot;1</text>' in glyph
    assert "<title>B&lt;&amp;&quot;1 · Meeting room · Monitor — free</title>" in glyph
    assert '<rect x="68" y="78"' not in html


def test_the_map_s_memoized_urls_follow_the_script_prefix_and_urlconf(settings):
    """map_markup.url memoizes reverse() by what its answer depends on."""
    from django.urls import clear_script_prefix, reverse, set_script_prefix

    from reservations.map_markup import url

    names = ("reservations:home", "reservations:favourite", "reservations:waitlist-join")
    assert [url(n) for n in names] == ["/", "/favourites/", "/waitlist/join/"]
    set_script_prefix("/desk/")
    try:
        assert [url(n) for n in names] == ["/desk/", "/desk/favourites/", "/desk/waitlist/join/"]
        assert [url(n) for n in names] == [reverse(n) for n in names]
    finally:
        clear_script_prefix()
    assert url("reservations:home") == "/"
    settings.ROOT_URLCONF = "reservations.tests.urls_elsewhere"
    assert url("reservations:home") == reverse("reservations:home") == "/elsewhere/"


def test_the_seats_markup_is_spliced_into_the_page_where_the_template_put_it(
    frozen, member_client, floor, seats
):
    """The template renders placeholders where the seats go (map_views._spliced): none is
    left in the page, with seats, with none matching, and with no floor at all."""
    from reservations.map_views import GLYPHS_HERE, TABLE_ROWS_HERE

    html = member_client.get("/", window()).content.decode()
    assert GLYPHS_HERE not in html and TABLE_ROWS_HERE not in html
    svg = html.split('<svg class="floor-map"', 1)[1].split("</svg>", 1)[0]
    assert svg.count('class="seat ') == len(seats)
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert body.count("<tr class=") == len(seats)
    empty = member_client.get("/", {**window(), "kind": "meeting_room"}).content.decode()
    assert "<svg" not in empty and "<!--" not in empty.split("<body>", 1)[1]
    assert '<tr><td colspan="5">No seats match these filters.</td></tr>' in empty
    Seat.objects.all().delete()
    floor.delete()
    nothing = member_client.get("/").content.decode()
    assert "There are no floors yet." in nothing and "<!--" not in nothing.split("<body>", 1)[1]


def test_placeholders_are_replaced_in_order_and_absent_ones_skipped():
    from reservations.map_views import _spliced

    pieces = (("<!--a-->", "A"), ("<!--b-->", "B"))
    assert "".join(_spliced("1<!--a-->2<!--b-->3", pieces)) == "1A2B3"
    assert "".join(_spliced("1<!--b-->3", pieces)) == "1B3"
    assert "".join(_spliced("no placeholder", pieces)) == "no placeholder"


def _masked(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def test_the_remembered_seat_markup_is_what_a_fresh_page_writes_after_every_change(
    frozen, client, member, other_member, unverified, seats
):
    """map_markup remembers each seat's markup per page's words: after a booking, a
    cancellation, a block, a favourite, a rule, a language or window change and for a member
    who cannot book, the page is the one written with nothing remembered."""
    from reservations.map_markup import _written
    from reservations.models import BookingRule, SeatBlock
    from seats.models import FavouriteSeat

    def page(query=None, language="en"):
        client.cookies["django_language"] = language
        warm = _masked(client.get("/", query or window()))  # written, or remembered
        _written.cache_clear()
        fresh = _masked(client.get("/", query or window()))
        assert warm == fresh
        return warm

    client.login(email=member.email, password=PASSWORD)
    first = page()
    page()  # remembered from here on
    booking = make_reservation(other_member, seats["A1"], at(1, 9), at(1, 12))
    busy = page()
    assert busy != first and "busy until 12:00" in seat_markup(busy, seats["A1"])
    booking.status = Reservation.Status.CANCELLED
    booking.save()
    assert page() == first
    FavouriteSeat.objects.create(user=member, seat=seats["A2"])
    assert 'data-favourite="1"' in seat_markup(page(), seats["A2"])
    SeatBlock.objects.create(seat=seats["A1"], start=at(1, 8), end=at(1, 20), reason="Paint")
    assert 'class="seat blocked"' in seat_markup(page(), seats["A1"])
    BookingRule.objects.create(kind=Seat.Kind.QUIET_DESK, max_minutes=30)
    assert 'class="seat restricted"' in seat_markup(page(), seats["Q1"])
    assert "Забронировать" in page(language="ru")
    assert "11:00–12:00" in page(window(start="11:00", end="12:00"))
    client.logout()
    client.login(email=unverified.email, password=PASSWORD)
    assert 'class="seat free"' in seat_markup(page(), seats["A2"])
    assert "data-seat-id" not in seat_markup(page(), seats["A2"])  # cannot book: no dialog


@pytest.mark.parametrize("newline", [True, False])
def test_hidden_inputs_are_the_former_template_loop_s_bytes(newline):
    from django.template import engines

    from reservations.map_markup import hidden_inputs

    loop = (
        '{% for name, value in hidden %}<input type="hidden" name="{{ name }}" '
        'value="{{ value }}">{% endfor %}'
    )
    pairs = [("date", "2026-12-02"), ("start", "10:00"), ("amenity", "a<b>&\"c'"), ("x", "")]
    template = engines.all()[0].from_string(loop + ("\n" if newline else ""))
    assert hidden_inputs(pairs, newline=newline) == template.render({"hidden": pairs})
    assert hidden_inputs([], newline=newline) == ("\n" if newline else "")


def test_the_window_form_s_slot_choices_are_the_normalized_grid(db):
    """The grid's choices are set already normalized (forms._Normalized): the same pairs as
    normalize_choices() makes of them, on the field and its widget, and they validate."""
    from django.utils.choices import normalize_choices

    from reservations.forms import WindowForm
    from reservations.policy import get_policy
    from reservations.slots import slot_times

    policy = get_policy()
    times = [f"{t:%H:%M}" for t in slot_times(policy)]
    form = WindowForm({"date": "2026-12-02", "start": "10:00", "end": "22:00"}, policy=policy)
    for name, pairs in (("start", times[:-1]), ("end", times[1:])):
        field = form.fields[name]
        want = normalize_choices(tuple((t, t) for t in pairs))
        assert list(field.choices) == list(field.widget.choices) == want
    assert form.is_valid(), form.errors
    late = WindowForm({"date": "2026-12-02", "start": "22:00", "end": "10:15"}, policy=policy)
    assert not late.is_valid() and {"start", "end"} <= set(late.errors)


def test_the_remembered_seats_are_forgotten_past_the_bound(
    frozen, member_client, seats, monkeypatch
):
    """Past SEATS_REMEMBERED a page's remembered seats are dropped and written again."""
    from reservations import map_markup

    map_markup._written.cache_clear()
    fresh = _masked(member_client.get("/", window()))
    monkeypatch.setattr(map_markup, "SEATS_REMEMBERED", 2)
    for _ in range(3):
        assert _masked(member_client.get("/", window())) == fresh
