"""Colleagues and favourites (DESIGN.md, opt-in, privacy first): favourites and "my usual seat",
a busy seat naming its holder only when they opted in, and the colleague search."""

from urllib.parse import urlencode

import pytest

from accounts.tests.factories import make_user
from bookit.tests.clock import at
from reservations.tests.factories import make_reservation
from seats.models import FavouriteSeat, Seat
from seats.tests.factories import make_seat

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
WINDOW = {"start": at(1, 10).isoformat(), "end": at(1, 11).isoformat()}
PAGE = "/?" + urlencode({"date": at(1, 10).date().isoformat(), "start": "10:00", "end": "11:00"})


def seats_by_label(api, **params) -> dict[str, dict]:
    rows = api.get("/api/seat", {**WINDOW, **params}).json()
    return {row["label"]: row for row in rows}


@pytest.fixture
def shown(other_member):
    other_member.show_on_map = True
    other_member.save(update_fields=["show_on_map"])
    return other_member


class TestFavouritesApi:
    def test_star_and_unstar_idempotently(self, member_api, seat, seat2):
        url = f"/api/seat/{seat.pk}/favourite"
        assert member_api.post(url).json() == {"seat": seat.pk, "favourite": True}
        assert member_api.post(url).status_code == 200  # again: still one row
        assert FavouriteSeat.objects.count() == 1
        rows = seats_by_label(member_api)
        assert (rows["A1"]["favourite"], rows["A2"]["favourite"]) == (True, False)
        plain = {r["label"]: r for r in member_api.get("/api/seat").json()}
        assert plain["A1"]["favourite"] is True
        assert member_api.delete(url).status_code == 204
        assert member_api.delete(url).status_code == 204
        assert seats_by_label(member_api)["A1"]["favourite"] is False

    def test_favourites_are_per_member(self, member_api, other_api, seat):
        member_api.post(f"/api/seat/{seat.pk}/favourite")
        assert seats_by_label(other_api)["A1"]["favourite"] is False

    def test_unknown_seat_404_inactive_400_anonymous_401(self, member_api, api, seat):
        assert member_api.post("/api/seat/999999/favourite").status_code == 404
        closed = make_seat("Z9", floor=seat.floor, is_active=False)
        response = member_api.post(f"/api/seat/{closed.pk}/favourite")
        assert response.status_code == 400 and "seat" in response.json()["errors"]
        assert api.post(f"/api/seat/{seat.pk}/favourite").status_code == 401


class TestHolder:
    def test_a_busy_seat_names_only_an_opted_in_holder(self, member_api, other_member, seat):
        make_reservation(other_member, seat, at(1, 10), at(1, 11))
        assert seats_by_label(member_api)["A1"]["holder"] is None  # not opted in
        other_member.show_on_map = True
        other_member.save(update_fields=["show_on_map"])
        holder = seats_by_label(member_api)["A1"]["holder"]
        assert holder["first_name"] == "Oleg" and holder["avatar_url"]
        assert set(holder) == {"first_name", "avatar_url"}  # no email, no last name

    def test_two_holders_in_the_window_name_neither(self, member_api, shown, seat):
        third = make_user("third@example.com", first_name="Tanya", show_on_map=True)
        make_reservation(shown, seat, at(1, 10), at(1, 10, 30))
        make_reservation(third, seat, at(1, 10, 30), at(1, 11))
        assert seats_by_label(member_api)["A1"]["holder"] is None

    def test_the_map_says_who_until_when(self, member_client, shown, seat):
        make_reservation(shown, seat, at(1, 10), at(1, 11))
        page = member_client.get(PAGE).content.decode()
        assert "Олег до 11:00" in page or "Oleg until 11:00" in page
        shown.show_on_map = False
        shown.save(update_fields=["show_on_map"])
        page = member_client.get(PAGE).content.decode()
        assert "Олег" not in page and "Oleg" not in page


class TestColleaguesApi:
    def test_finds_opted_in_members_with_the_days_live_bookings(
        self, member_api, shown, other_member, seat, seat2
    ):
        make_reservation(shown, seat, at(1, 10), at(1, 12))
        make_reservation(shown, seat2, at(2, 10), at(2, 12))  # another day
        make_reservation(shown, seat2, at(1, 14), at(1, 15), status="cancelled")
        response = member_api.get(
            "/api/colleagues", {"search": "ole", "date": str(at(1, 0).date())}
        )
        assert response.status_code == 200
        (found,) = response.json()
        assert found["first_name"] == "Oleg" and "email" not in found
        (booking,) = found["bookings"]
        assert booking["seat"] == seat.pk and booking["floor"] == seat.floor_id
        assert booking["start"].startswith(at(1, 10).isoformat()[:16])

    def test_nobody_who_did_not_opt_in(self, member_api, other_member, seat):
        make_reservation(other_member, seat, at(1, 10), at(1, 12))
        day = str(at(1, 0).date())
        assert member_api.get("/api/colleagues", {"search": "Oleg", "date": day}).json() == []
        assert member_api.get("/api/colleagues", {"date": day}).json() == []

    def test_empty_search_lists_who_books_that_day(self, member_api, shown, seat):
        make_user("idle@example.com", first_name="Ivan", show_on_map=True)  # no booking
        make_reservation(shown, seat, at(1, 10), at(1, 12))
        rows = member_api.get("/api/colleagues", {"date": str(at(1, 0).date())}).json()
        assert [r["first_name"] for r in rows] == ["Oleg"]

    def test_bad_input_is_400_and_anonymous_401(self, member_api, api):
        response = member_api.get("/api/colleagues", {"date": "tomorrow"})
        assert response.status_code == 400 and "date" in response.json()["errors"]
        response = member_api.get("/api/colleagues", {"search": "x" * 101})
        assert response.status_code == 400 and "search" in response.json()["errors"]
        assert api.get("/api/colleagues").status_code == 401


class TestMapPage:
    def test_star_a_seat_without_javascript(self, member_client, member, seat):
        page = member_client.get(f"{PAGE}&seat={seat.pk}").content.decode()
        assert 'action="/favourites/"' in page and 'name="on" value="1"' in page
        response = member_client.post(
            "/favourites/", {"seat": seat.pk, "on": "1", "next": f"{PAGE}&seat={seat.pk}"}
        )
        assert response.status_code == 302 and response["Location"].startswith("/?")
        assert FavouriteSeat.objects.filter(user=member, seat=seat).exists()
        page = member_client.get(PAGE).content.decode()
        assert 'data-favourite="1"' in page
        member_client.post("/favourites/", {"seat": seat.pk, "on": "0", "next": PAGE})
        assert not FavouriteSeat.objects.exists()

    def test_favourite_toggle_refuses_bad_input_and_foreign_next(self, member_client, seat):
        response = member_client.post("/favourites/", {"seat": "nope", "next": "/"})
        assert response.status_code == 302 and not FavouriteSeat.objects.exists()
        response = member_client.post(
            "/favourites/", {"seat": seat.pk, "on": "1", "next": "https://evil.example/"}
        )
        assert response["Location"] == "/"
        assert member_client.get("/favourites/").status_code == 405

    def test_book_my_usual_seat_is_one_tap_to_the_confirmation(
        self, member_client, member, seat, seat2
    ):
        page = member_client.get(PAGE).content.decode()
        assert 'id="usual-seat"' not in page  # a newcomer has none
        for day in (-3, -2):
            make_reservation(member, seat2, at(day, 10), at(day, 11), status="checked_in")
        page = member_client.get(PAGE).content.decode()
        assert 'id="usual-seat"' in page and f'data-seat-id="{seat2.pk}"' in page
        usual_link = page.split('id="usual-seat"')[1].split('href="')[1].split('"')[0]
        confirm = member_client.get("/" + usual_link.replace("&amp;", "&")).content.decode()
        assert 'id="confirm"' in confirm and f'name="seat" value="{seat2.pk}"' in confirm
        # A favourite comes first.
        FavouriteSeat.objects.create(user=member, seat=seat)
        page = member_client.get(PAGE).content.decode()
        usual = page.split('id="usual-seat"')[1]
        assert f'data-seat-id="{seat.pk}" data-seat-label' in usual
        assert f'data-seat-label="{seat.label} ({seat.get_kind_display()})"' in usual
        # The confirmation names the seat's kind and amenities as the seat itself does.
        confirm = member_client.get(f"{PAGE}&seat={seat2.pk}").content.decode()
        facts = confirm.split('id="confirm"')[1].split("</dd>")[0]
        assert f"{seat2.label} ({seat2.get_kind_display()})" in facts
        if seat2.amenities:
            assert ", ".join(seat2.amenity_labels) in facts

    def test_the_colleague_search_on_the_map(self, member_client, shown, seat):
        make_reservation(shown, seat, at(1, 12), at(1, 14))
        page = member_client.get(f"{PAGE}&who=Ole").content.decode()
        results = page.split('id="colleague-results"')[1].split("</ul>")[0]
        assert "Oleg" in results and "A1" in results and "12:00–14:00" in results
        page = member_client.get(f"{PAGE}&who=Nobody").content.decode()
        assert 'id="colleague-results"' in page and "Oleg" not in page


def test_the_usual_seat_counts_only_the_member_s_live_bookings_of_90_days(
    member, other_member, django_assert_num_queries
):
    from reservations import selectors

    a, b, c, gone = (make_seat(label) for label in ("U1", "U2", "U3", "U4"))
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    assert selectors.usual_seat(user=member) is None
    make_reservation(member, a, at(-3, 10), at(-3, 11), status="checked_in")
    for day in (-10, -9):
        make_reservation(member, b, at(day, 10), at(day, 11), status="checked_in")
    for day in (-8, -7, -6):  # cancelled, someone else's, or an inactive seat: not counted
        make_reservation(member, c, at(day, 10), at(day, 11), status="cancelled")
        make_reservation(other_member, a, at(day, 10), at(day, 11), status="checked_in")
        make_reservation(member, gone, at(day, 12), at(day, 13), status="checked_in")
    for day in (-120, -110, -100):  # too long ago
        make_reservation(member, c, at(day, 10), at(day, 11), status="checked_in")
    with django_assert_num_queries(1):
        usual = selectors.usual_seat(user=member)
    assert usual == b and usual.floor.name  # the floor comes with it
    # The instances the ORM builds, field by field (the statement is hand-written).
    orm = Seat.objects.select_related("floor").get(pk=b.pk)
    for got, want in ((usual, orm), (usual.floor, orm.floor)):
        fields = type(want)._meta.concrete_fields
        assert [getattr(got, f.attname) for f in fields] == [
            getattr(want, f.attname) for f in fields
        ]
    # A favourite comes first, even never booked; among favourites the most booked, then the id.
    FavouriteSeat.objects.create(user=member, seat=c)
    assert selectors.usual_seat(user=member) == c
    FavouriteSeat.objects.create(user=member, seat=a)
    assert selectors.usual_seat(user=member) == a
    make_reservation(member, c, at(-2, 10), at(-2, 11), status="checked_in")
    assert selectors.usual_seat(user=member) == min(a, c, key=lambda s: s.pk)
    assert selectors.usual_seat(user=other_member) == a
