"""Booking rules per seat kind and per floor, through every surface: services, API, map page,
admin and (in integrations/telegram/tests/test_bot_rules.py) the bot."""

import datetime as dt

import pytest

from bookit.errors import ValidationFailed
from bookit.tests.clock import at
from reservations import services
from reservations.models import BookingRule, Reservation
from reservations.policy import rule_for_seat
from reservations.services_blocks import booking_rule_save
from seats.models import Seat
from seats.tests.factories import make_floor, make_seat

pytestmark = [pytest.mark.django_db(transaction=False), pytest.mark.usefixtures("frozen")]
ROOM = Seat.Kind.MEETING_ROOM


@pytest.fixture
def room(db):
    return make_seat("M1", kind=ROOM)


@pytest.fixture
def desk(room):
    return make_seat("D1", floor=room.floor)


@pytest.fixture
def rooms_two_hours(room, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return booking_rule_save(rule=BookingRule(kind=ROOM, max_minutes=120, max_upcoming=1))


def book(user, seat, start, end):
    return services.reservation_create(user=user, seat=seat, start=start, end=end)


class TestEffectiveRule:
    def test_without_overrides_the_policy_applies(self, room):
        rule = rule_for_seat(room)
        assert (rule.max_minutes, rule.max_upcoming, rule.opens_at) == (720, 3, dt.time(8))

    def test_kind_rule_overrides_and_empty_fields_inherit(self, rooms_two_hours, room, desk):
        rule = rule_for_seat(room)
        assert (rule.max_minutes, rule.max_upcoming, rule.advance_days) == (120, 1, 14)
        assert rule.cap_kind == ROOM
        assert rule_for_seat(desk).max_minutes == 720

    def test_floor_rule_then_kind_rule_on_top(self, rooms_two_hours, room, desk):
        booking_rule_save(rule=BookingRule(floor=room.floor, opens_at=dt.time(10), max_minutes=300))
        from reservations.policy import policy_changed

        policy_changed()
        assert (rule_for_seat(desk).opens_at, rule_for_seat(desk).max_minutes) == (
            dt.time(10),
            300,
        )
        assert (rule_for_seat(room).opens_at, rule_for_seat(room).max_minutes) == (
            dt.time(10),
            120,
        )

    def test_a_rule_is_for_exactly_one_scope(self, room):
        with pytest.raises(ValidationFailed):
            booking_rule_save(rule=BookingRule(kind=ROOM, floor=room.floor))
        with pytest.raises(ValidationFailed):
            booking_rule_save(rule=BookingRule())


class TestServices:
    def test_meeting_room_at_most_two_hours(self, rooms_two_hours, member, room, desk):
        with pytest.raises(ValidationFailed) as info:
            book(member, room, at(1, 10), at(1, 13))
        assert info.value.errors["end"] == ["A booking lasts at most 2 hours."]
        book(member, desk, at(1, 10), at(1, 13))  # a desk keeps the 12 h default
        book(member, room, at(1, 14), at(1, 16))

    def test_the_kind_cap_counts_only_that_kind(self, rooms_two_hours, member, room, desk):
        other_room = make_seat("M2", floor=room.floor, kind=ROOM)
        book(member, room, at(1, 10), at(1, 11))
        book(member, desk, at(2, 10), at(2, 11))  # desks do not count against the room cap
        with pytest.raises(ValidationFailed) as info:
            book(member, other_room, at(3, 10), at(3, 11))
        assert "of this kind of seat" in info.value.message

    def test_moving_into_a_room_rechecks_its_rule(self, rooms_two_hours, member, room, desk):
        reservation = book(member, desk, at(1, 10), at(1, 13))
        with pytest.raises(ValidationFailed):
            services.reservation_update(reservation=reservation, by=member, seat=room)

    def test_floor_opening_hours_and_advance_window(self, member, desk):
        annex = make_floor("Annex")
        late = make_seat("N1", floor=annex)
        booking_rule_save(
            rule=BookingRule(
                floor=annex, opens_at=dt.time(12), closes_at=dt.time(20), advance_days=2
            )
        )
        from reservations.policy import policy_changed

        policy_changed()
        with pytest.raises(ValidationFailed, match="12:00–20:00"):
            book(member, late, at(1, 10), at(1, 11))
        with pytest.raises(ValidationFailed, match="2 days ahead"):
            book(member, late, at(4, 13), at(4, 14))
        book(member, late, at(1, 12), at(1, 13))
        book(member, desk, at(1, 10), at(1, 11))  # the main floor opens at 08:00


class TestApi:
    def test_booking_over_the_rule_is_400_with_the_field(self, rooms_two_hours, member_api, room):
        response = member_api.post(
            "/api/reservations",
            {"seat": room.pk, "start": at(1, 10).isoformat(), "end": at(1, 13).isoformat()},
            format="json",
        )
        assert response.status_code == 400
        assert response.json()["errors"]["end"] == ["A booking lasts at most 2 hours."]
        assert not Reservation.objects.exists()

    def test_availability_applies_the_seat_rule(self, rooms_two_hours, member_api, room, desk):
        params = {"start": at(1, 10).isoformat(), "end": at(1, 13).isoformat()}
        rows = {r["label"]: r for r in member_api.get("/api/seat", params).json()}
        assert rows["M1"]["available"] is False and rows["M1"]["state"] == "restricted"
        assert rows["M1"]["reason"] == "A booking lasts at most 2 hours."
        assert rows["D1"]["available"] is True and rows["D1"]["state"] == "free"


class TestPage:
    def test_the_map_shows_the_room_as_not_for_this_time(
        self, rooms_two_hours, client, member, room, desk
    ):
        client.force_login(member)
        day = at(1, 0).date().isoformat()
        html = client.get("/", {"date": day, "start": "10:00", "end": "13:00"}).content.decode()
        assert f'class="seat restricted" id="seat-{room.pk}"' in html
        assert 'class="seat free" href=' in html and "A booking lasts at most 2 hours." in html

    def test_posting_the_room_over_the_rule_is_refused(self, rooms_two_hours, client, member, room):
        client.force_login(member)
        day = at(1, 0).date().isoformat()
        data = {"date": day, "start": "10:00", "end": "13:00", "seat": room.pk}
        response = client.post("/", data)
        assert response.status_code == 400
        assert "A booking lasts at most 2 hours." in response.content.decode()
        assert not Reservation.objects.exists()


class TestAdmin:
    def test_staff_booking_in_admin_obeys_the_rule(
        self, rooms_two_hours, client, staff, member, room
    ):
        from reservations.tests.test_admin import form_data

        client.force_login(staff)
        response = client.post(
            "/admin/reservations/reservation/add/",
            form_data(user=member.pk, seat=room.pk, start=at(1, 10), end=at(1, 13)),
        )
        assert response.status_code == 200
        assert "A booking lasts at most 2 hours." in response.content.decode()
        assert not Reservation.objects.exists()

    def test_the_rules_page_shows_defaults_and_edits_an_override(
        self, rooms_two_hours, client, staff, member, room, django_capture_on_commit_callbacks
    ):
        client.force_login(staff)
        page = client.get("/admin/reservations/bookingrule/").content.decode()
        assert "Defaults for every seat" in page and "Meeting room" in page
        assert page.index("Meeting room") < page.index("Defaults for every seat")
        rule = BookingRule.objects.get()
        data = {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": str(rule.pk),
            "form-0-max_minutes": "60",
            "form-0-max_upcoming": "1",
            "_save": "Save",
        }
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/admin/reservations/bookingrule/", data)
        assert response.status_code == 302
        # The next booking sees 1 h at once.
        with pytest.raises(ValidationFailed, match="at most 60 minutes"):
            book(member, room, at(1, 10), at(1, 11, 30))

    def test_an_override_that_contradicts_the_defaults_is_refused(self, client, staff, room):
        client.force_login(staff)
        floor = room.floor
        response = client.post(
            "/admin/reservations/bookingrule/add/", {"floor": floor.pk, "closes_at": "07:00"}
        )
        assert response.status_code == 200
        assert "Closes at 07:00, not after it opens (08:00)." in response.content.decode()
        rule = BookingRule.objects.create(floor=floor, closes_at=dt.time(20))
        data = {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": str(rule.pk),
            "form-0-min_minutes": "600",
            "form-0-max_minutes": "60",
            "_save": "Save",
        }
        response = client.post("/admin/reservations/bookingrule/", data)
        assert response.status_code == 200
        assert "is below the minimum" in response.content.decode()
        rule.refresh_from_db()
        assert rule.min_minutes is None and rule.closes_at == dt.time(20)

    def test_an_inconsistent_override_is_a_form_error(self, client, staff, room):
        client.force_login(staff)
        response = client.post(
            "/admin/reservations/bookingrule/add/",
            {"kind": ROOM, "floor": "", "min_minutes": "120", "max_minutes": "60"},
        )
        assert response.status_code == 200
        assert not BookingRule.objects.exists()


def test_the_policy_list_opens_the_one_policy(client, staff):
    client.force_login(staff)
    response = client.get("/admin/reservations/bookingpolicy/")
    assert response.status_code == 302 and response["Location"].endswith("/1/change/")


class TestPolicyRead:
    def test_the_policy_and_its_rules_are_one_statement_per_request(
        self, rooms_two_hours, room, django_assert_num_queries
    ):
        from bookit.memo import memo_scope
        from reservations.models import BookingPolicy
        from reservations.policy import RuleBook, get_policy, policy_changed, policy_with_rules

        BookingPolicy.objects.get_or_create(pk=1)
        with memo_scope():
            with django_assert_num_queries(1):
                policy, rules = policy_with_rules()
                assert get_policy() is policy
                assert RuleBook().for_seat(room).max_minutes == 120
            assert rules == {("kind", ROOM): {"max_minutes": 120, "max_upcoming": 1}}
            # A staff edit in the same request is seen by the next read (one statement again).
            BookingRule.objects.filter(kind=ROOM).update(max_minutes=60)
            policy_changed()
            with django_assert_num_queries(1):
                assert RuleBook().for_seat(room).max_minutes == 60

    def test_on_first_use_the_row_is_created_and_the_rules_still_apply(self, rooms_two_hours, room):
        from reservations.models import BookingPolicy
        from reservations.policy import policy_with_rules

        BookingPolicy.objects.all().delete()
        policy, rules = policy_with_rules()
        assert policy.pk == 1 and BookingPolicy.objects.filter(pk=1).exists()
        assert rules == {("kind", ROOM): {"max_minutes": 120, "max_upcoming": 1}}
        assert rule_for_seat(room).max_minutes == 120
