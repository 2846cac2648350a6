"""The waitlist with a held offer: joining (API, map page, desk page), the offer made when a
seat frees (held for the first in line, nobody else can book it), accept / decline / leave,
expiry passing on (the scheduler), the member's notification, the bot's buttons."""

import datetime as dt

import pytest
from django.utils import timezone

from bookit.errors import Conflict
from bookit.tests.clock import at
from integrations.models import Notification
from integrations.telegram import bot_views
from integrations.telegram.messages import render_notification
from reservations import services, waitlist
from reservations.models import Reservation, WaitlistEntry
from reservations.tests.factories import make_reservation
from seats.models import Seat
from seats.tests.factories import make_seat
from seats.tokens import seat_token

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
Status = WaitlistEntry.Status
START, END = at(1, 10), at(1, 12)


def window(start=START, end=END):
    return {"start": start.isoformat(), "end": end.isoformat()}


@pytest.fixture
def taken(seat, staff):
    """The seat booked tomorrow 10-12 by staff (for themselves): members wait for it."""
    return services.reservation_create(user=staff, seat=seat, start=START, end=END)


def join(user, seat, start=START, end=END):
    return waitlist.waitlist_join(user=user, seat=seat, start=start, end=end)


def free_it(reservation, staff, capture):
    with capture(execute=True):
        services.reservation_cancel(reservation=reservation, by=staff)


class TestJoin:
    def test_join_a_busy_seat(self, member_api, other_api, seat, taken):
        first = member_api.post("/api/waitlist", {"seat": seat.pk, **window()}, format="json")
        assert first.status_code == 201, first.json()
        assert first.json()["status"] == "waiting" and first.json()["position"] == 1
        second = other_api.post("/api/waitlist", {"seat": seat.pk, **window()}, format="json")
        assert second.json()["position"] == 2
        listed = member_api.get("/api/waitlist").json()
        items = listed["results"] if isinstance(listed, dict) else listed
        assert [e["id"] for e in items] == [first.json()["id"]]

    def test_a_free_seat_is_booked_not_waited_for(self, member_api, seat):
        response = member_api.post("/api/waitlist", {"seat": seat.pk, **window()}, format="json")
        assert response.status_code == 409
        assert response.json()["free_seat"] == seat.pk

    @pytest.mark.parametrize(
        "body,field",
        [
            ({}, "start"),
            ({"seat": "x"}, "seat"),
            ({"kind": "sofa"}, "kind"),
            ({"start": "2026-12-02T10:00:00"}, "start"),
        ],
    )
    def test_bad_input_is_400_with_the_field(self, member_api, seat, taken, body, field):
        data = {"seat": seat.pk, **window(), **body}
        if not body:
            data = {"seat": seat.pk}
        response = member_api.post("/api/waitlist", data, format="json")
        assert response.status_code == 400
        assert field in response.json()["errors"]

    def test_a_seat_and_a_floor_is_400_and_nothing_is_400(self, member_api, seat, taken):
        both = {"seat": seat.pk, "floor": seat.floor_id, **window()}
        assert member_api.post("/api/waitlist", both, format="json").status_code == 400
        assert member_api.post("/api/waitlist", window(), format="json").status_code == 400

    def test_the_window_obeys_the_booking_rules(self, member_api, seat, taken):
        late = window(at(1, 21), at(1, 23))
        response = member_api.post("/api/waitlist", {"seat": seat.pk, **late}, format="json")
        assert response.status_code == 400

    def test_twice_for_the_same_is_409(self, member_api, seat, taken):
        body = {"seat": seat.pk, **window()}
        assert member_api.post("/api/waitlist", body, format="json").status_code == 201
        assert member_api.post("/api/waitlist", body, format="json").status_code == 409

    def test_unverified_members_cannot_join(self, api, unverified, seat, taken):
        api.force_authenticate(unverified)
        response = api.post("/api/waitlist", {"seat": seat.pk, **window()}, format="json")
        assert response.status_code == 403

    def test_idempotency_key_replays(self, member_api, seat, taken):
        body = {"seat": seat.pk, **window()}
        first = member_api.post("/api/waitlist", body, format="json", HTTP_IDEMPOTENCY_KEY="k1")
        again = member_api.post("/api/waitlist", body, format="json", HTTP_IDEMPOTENCY_KEY="k1")
        assert first.status_code == again.status_code == 201
        assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()
        assert WaitlistEntry.objects.count() == 1

    def test_another_members_entry_is_404(self, member, other_api, seat, taken):
        entry = join(member, seat)
        assert other_api.get(f"/api/waitlist/{entry.pk}").status_code == 404
        assert other_api.delete(f"/api/waitlist/{entry.pk}").status_code == 404
        assert other_api.post(f"/api/waitlist/{entry.pk}/accept").status_code == 404


class TestOffer:
    def test_a_cancelled_booking_is_held_for_the_first_in_line(
        self, member, other_member, staff, seat, taken, django_capture_on_commit_callbacks
    ):
        first, second = join(member, seat), join(other_member, seat)
        free_it(taken, staff, django_capture_on_commit_callbacks)
        first.refresh_from_db()
        second.refresh_from_db()
        assert first.status == Status.OFFERED and second.status == Status.WAITING
        assert first.offered_seat == seat
        assert first.offer_expires_at == timezone.now() + dt.timedelta(minutes=10)
        hold = first.reservation
        assert hold.status == Reservation.Status.HELD and hold.user is None
        assert (hold.start, hold.end) == (START, END)
        # Nobody else can book the held seat.
        with pytest.raises(Conflict):
            services.reservation_create(user=other_member, seat=seat, start=START, end=END)
        note = Notification.objects.get(user=member, kind="waitlist_offer")
        assert note.payload["entry"] == first.pk and note.payload["seat"] == seat.label

    def test_held_seats_are_busy_and_nobodys_booking(
        self, member, member_api, staff, seat, taken, django_capture_on_commit_callbacks
    ):
        join(member, seat)
        free_it(taken, staff, django_capture_on_commit_callbacks)
        seats = member_api.get(
            "/api/seat", {"start": START.isoformat(), "end": END.isoformat()}
        ).json()
        seats = seats["results"] if isinstance(seats, dict) else seats
        assert next(s for s in seats if s["id"] == seat.pk)["available"] is False
        mine = member_api.get("/api/reservations").json()
        mine = mine["results"] if isinstance(mine, dict) else mine
        assert mine == []
        # Nor do they count against the member's cap: three bookings still fit.
        for day in (2, 3, 4):
            services.reservation_create(
                user=member, seat=make_seat(f"C{day}"), start=at(day, 10), end=at(day, 11)
            )

    def test_accept_books_it_through_the_booking_service(
        self, member, member_api, staff, seat, taken, django_capture_on_commit_callbacks
    ):
        entry = join(member, seat)
        free_it(taken, staff, django_capture_on_commit_callbacks)
        response = member_api.post(f"/api/waitlist/{entry.pk}/accept")
        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["status"] == "booked" and body["user"] == member.pk and body["seat"] == seat.pk
        entry.refresh_from_db()
        assert entry.status == Status.ACCEPTED and entry.reservation_id == body["id"]
        # A repeat (a lost answer) gives the same booking, not a second one.
        again = member_api.post(f"/api/waitlist/{entry.pk}/accept")
        assert again.status_code == 201 and again.json()["id"] == body["id"]
        assert Notification.objects.filter(user=member, kind="booking_created").exists()

    def test_accept_rechecks_the_rules(
        self, member, member_api, staff, seat, taken, django_capture_on_commit_callbacks
    ):
        entry = join(member, seat)
        free_it(taken, staff, django_capture_on_commit_callbacks)
        # Meanwhile the member booked another seat at that time themselves.
        services.reservation_create(user=member, seat=make_seat("B1"), start=START, end=END)
        response = member_api.post(f"/api/waitlist/{entry.pk}/accept")
        assert response.status_code == 409
        entry.refresh_from_db()
        assert entry.status == Status.OFFERED  # still theirs to decline, or to let expire

    def test_decline_passes_it_on(
        self,
        member,
        member_api,
        other_member,
        staff,
        seat,
        taken,
        django_capture_on_commit_callbacks,
    ):
        first, second = join(member, seat), join(other_member, seat)
        free_it(taken, staff, django_capture_on_commit_callbacks)
        with django_capture_on_commit_callbacks(execute=True):
            response = member_api.post(f"/api/waitlist/{first.pk}/decline")
        assert response.status_code == 200 and response.json()["status"] == "declined"
        second.refresh_from_db()
        assert second.status == Status.OFFERED and second.offered_seat == seat
        assert Reservation.objects.filter(seat=seat, status="held").count() == 1

    def test_an_expired_offer_passes_on(
        self,
        frozen,
        member,
        member_api,
        other_member,
        staff,
        seat,
        taken,
        django_capture_on_commit_callbacks,
    ):
        first, second = join(member, seat), join(other_member, seat)
        free_it(taken, staff, django_capture_on_commit_callbacks)
        frozen.shift(dt.timedelta(minutes=11))
        with django_capture_on_commit_callbacks(execute=True):
            assert waitlist.waitlist_tick() >= 1
        first.refresh_from_db()
        second.refresh_from_db()
        assert first.status == Status.EXPIRED and second.status == Status.OFFERED
        late = member_api.post(f"/api/waitlist/{first.pk}/accept")
        assert late.status_code == 409 and late.json()["status"] == "expired"

    def test_accepting_after_the_time_is_409_and_passes_on(
        self,
        frozen,
        member,
        member_api,
        other_member,
        staff,
        seat,
        taken,
        django_capture_on_commit_callbacks,
    ):
        first, second = join(member, seat), join(other_member, seat)
        free_it(taken, staff, django_capture_on_commit_callbacks)
        frozen.shift(dt.timedelta(minutes=10))
        with django_capture_on_commit_callbacks(execute=True):
            response = member_api.post(f"/api/waitlist/{first.pk}/accept")
        assert response.status_code == 409
        second.refresh_from_db()
        assert second.status == Status.OFFERED

    def test_leaving_with_an_offer_releases_the_hold(
        self, member, member_api, staff, seat, taken, django_capture_on_commit_callbacks
    ):
        entry = join(member, seat)
        free_it(taken, staff, django_capture_on_commit_callbacks)
        assert member_api.delete(f"/api/waitlist/{entry.pk}").status_code == 204
        assert not Reservation.objects.filter(status="held").exists()
        entry.refresh_from_db()
        assert entry.status == Status.CANCELLED
        services.reservation_create(user=member, seat=seat, start=START, end=END)

    def test_any_seat_of_a_floor(
        self, member, member_api, staff, seat, seat2, taken, django_capture_on_commit_callbacks
    ):
        services.reservation_create(user=make_other(), seat=seat2, start=START, end=END)
        body = {"floor": seat.floor_id, **window()}
        response = member_api.post("/api/waitlist", body, format="json")
        assert response.status_code == 201, response.json()
        free_it(taken, staff, django_capture_on_commit_callbacks)
        entry = WaitlistEntry.objects.get(pk=response.json()["id"])
        assert entry.status == Status.OFFERED and entry.offered_seat == seat

    def test_a_removed_block_offers_the_seat(
        self, member, staff, seat, django_capture_on_commit_callbacks
    ):
        from reservations import services_blocks

        block, _cancelled = services_blocks.seat_block_create(
            by=staff, seat=seat, floor=None, start=at(1, 8), end=at(1, 22), reason="Paint"
        )
        entry = join(member, seat)
        with django_capture_on_commit_callbacks(execute=True):
            services_blocks.seat_block_delete(block=block, by=staff)
        entry.refresh_from_db()
        assert entry.status == Status.OFFERED

    def test_a_no_show_release_offers_the_seat(
        self, frozen, member, other_member, seat, django_capture_on_commit_callbacks
    ):
        frozen.move_to(at(0, 9, 0))
        late = make_reservation(other_member, seat, start=at(0, 9, 0), end=at(0, 12, 0))
        frozen.move_to(at(0, 9, 10))
        entry = join(member, seat, start=at(0, 9), end=at(0, 12))
        frozen.move_to(at(0, 9, 20))
        with django_capture_on_commit_callbacks(execute=True):
            assert services.release_no_shows() == 1
        entry.refresh_from_db()
        late.refresh_from_db()
        assert late.status == "no_show" and entry.status == Status.OFFERED
        # The check-in grace of the 09:00 slot is over: the hold starts at the next slot.
        assert entry.reservation.start == at(0, 9, 30) and entry.reservation.end == at(0, 12)

    def test_past_entries_expire(self, frozen, member, seat, taken):
        entry = join(member, seat)
        frozen.move_to(at(1, 12, 1))
        waitlist.waitlist_tick()
        entry.refresh_from_db()
        assert entry.status == Status.EXPIRED


def make_other():
    from accounts.tests.factories import make_user

    return make_user("third@example.com", verified=True)


class TestPages:
    def test_map_offers_join_for_a_busy_seat(self, member_client, seat, taken):
        query = f"?date={START.date()}&start=10:00&end=12:00&floor={seat.floor_id}"
        html = member_client.get("/" + query).content.decode()
        assert f'data-waitlist-seat="{seat.pk}"' in html
        response = member_client.post(
            "/waitlist/join/",
            {"seat": seat.pk, "date": START.date().isoformat(), "start": "10:00", "end": "12:00"},
        )
        assert response.status_code == 302
        assert WaitlistEntry.objects.get().seat == seat

    def test_bookings_page_accepts_and_declines(
        self, member, member_client, staff, seat, taken, django_capture_on_commit_callbacks
    ):
        entry = join(member, seat)
        page = member_client.get("/bookings/").content.decode()
        assert f'id="waitlist-leave-{entry.pk}"' in page and "Number 1 in line" in page
        free_it(taken, staff, django_capture_on_commit_callbacks)
        page = member_client.get("/bookings/").content.decode()
        assert f'id="waitlist-accept-{entry.pk}"' in page
        response = member_client.post(f"/waitlist/{entry.pk}/accept/", follow=True)
        assert Reservation.objects.get(user=member).status == "booked"
        assert "Booked: seat" in response.content.decode()

    def test_the_desk_page_joins_for_a_busy_seat(self, member, member_client, other_member, seat):
        make_reservation(other_member, seat, start=at(0, 9), end=at(0, 11))
        page = member_client.get(f"/s/{seat_token(seat.pk)}").content.decode()
        assert 'id="desk-waitlist"' in page and other_member.first_name not in page
        response = member_client.post(f"/s/{seat_token(seat.pk)}/waitlist/", {"end": ""})
        assert response.status_code == 302
        entry = WaitlistEntry.objects.get(user=member)
        assert entry.seat == seat and entry.start == at(0, 9) and entry.end == at(0, 21)

    def test_others_cannot_act_on_an_entry(self, member, client, other_member, seat, taken):
        entry = join(member, seat)
        client.force_login(other_member)
        client.post(f"/waitlist/{entry.pk}/leave/")
        entry.refresh_from_db()
        assert entry.status == Status.WAITING


class TestTelegram:
    def test_the_offer_has_accept_and_decline_buttons(self, member):
        payload = {
            "entry": 7,
            "seat": "A1",
            "floor": "Main",
            "start": START.isoformat(),
            "end": END.isoformat(),
            "expires": at(0, 9, 15).isoformat(),
        }
        member.language = "en"
        text, markup = render_notification("waitlist_offer", payload, member)
        assert "A1" in text and "09:15" in text
        assert [b.callback_data for b in markup.inline_keyboard[0]] == ["wa:7", "wd:7"]

    def test_the_bot_accepts(self, member, staff, seat, taken, django_capture_on_commit_callbacks):
        member.telegram_id, member.language = 4242, "en"
        member.save()
        entry = join(member, seat)
        free_it(taken, staff, django_capture_on_commit_callbacks)
        # The view without its connection housekeeping (close_old_connections), which would
        # close this test's transaction: the language is the member's, as member_view sets it.
        view = bot_views.callback_view.__wrapped__
        reply = view(member, f"wa:{entry.pk}")
        assert "Booked" in reply.text
        assert Reservation.objects.get(user=member).seat == seat
        again = view(member, "wd:99999")
        assert "out of date" in again.text


def test_seat_kinds_are_known():
    assert Seat.Kind.values


class TestFreedByAChange:
    def test_moving_a_booking_away_offers_the_seat(
        self, member, staff, seat, seat2, taken, django_capture_on_commit_callbacks
    ):
        entry = join(member, seat)
        with django_capture_on_commit_callbacks(execute=True):
            services.reservation_update(reservation=taken, by=staff, seat=seat2)
        entry.refresh_from_db()
        assert entry.status == Status.OFFERED and entry.offered_seat == seat

    def test_a_held_seat_on_the_kiosk_is_booked_without_a_name(
        self, frozen, member, other_member, seat, django_capture_on_commit_callbacks
    ):
        from integrations.kiosk.selectors import floor_state

        booking = make_reservation(other_member, seat, start=at(0, 9), end=at(0, 12))
        join(member, seat, start=at(0, 9), end=at(0, 12))
        with django_capture_on_commit_callbacks(execute=True):
            services.reservation_cancel(reservation=booking, by=other_member)
        assert Reservation.objects.filter(seat=seat, status="held").exists()
        state = floor_state(floor=seat.floor)
        row = next(r for r in state["seats"] if r["id"] == seat.pk)
        assert row["state"] == "booked" and not row.get("holder")


class TestCleanUp:
    def test_deleting_an_account_releases_its_offer(
        self, member, other_member, staff, seat, taken, django_capture_on_commit_callbacks
    ):
        from accounts.signals import user_deleting

        first, second = join(member, seat), join(other_member, seat)
        free_it(taken, staff, django_capture_on_commit_callbacks)
        with django_capture_on_commit_callbacks(execute=True):
            user_deleting.send(sender=type(member), user=member)
        first.refresh_from_db()
        second.refresh_from_db()
        assert first.status == Status.CANCELLED and second.status == Status.OFFERED

    def test_an_orphan_hold_is_swept(self, frozen, member, staff, seat, taken):
        hold = Reservation.objects.create(
            seat=make_seat("O1"), start=START, end=END, status="held", user=None
        )
        frozen.shift(dt.timedelta(minutes=12))
        waitlist.waitlist_tick()
        assert not Reservation.objects.filter(pk=hold.pk).exists()
