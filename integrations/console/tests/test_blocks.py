"""Seat blocks (maintenance): they cancel the bookings they cover, tell the members why, show as
blocked on every map and turn booking into 409."""

import pytest

from bookit.errors import Conflict, PermissionDenied, ValidationFailed
from bookit.tests.clock import at
from integrations.models import Notification
from reservations import services
from reservations.models import Reservation, SeatBlock
from reservations.services_blocks import seat_block_create, seat_block_delete
from reservations.tests.factories import make_reservation
from seats.tests.factories import make_floor, make_seat

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
Status = Reservation.Status


@pytest.fixture
def linked(member):
    member.telegram_id = 4242
    member.save()
    return member


def block(staff, **kw):
    kw.setdefault("reason", "Cleaning the carpet")
    return seat_block_create(by=staff, **kw)


class TestServices:
    def test_it_cancels_covered_bookings_and_tells_the_member_why(
        self, staff, linked, other_member, seat, seat2
    ):
        covered = make_reservation(linked, seat, at(1, 10), at(1, 12))
        elsewhere = make_reservation(other_member, seat2, at(1, 10), at(1, 12))
        after = make_reservation(other_member, seat, at(1, 15), at(1, 16))
        _block, cancelled = block(staff, seat=seat, start=at(1, 9), end=at(1, 14))
        assert [r.pk for r in cancelled] == [covered.pk]
        covered.refresh_from_db(), elsewhere.refresh_from_db(), after.refresh_from_db()
        assert covered.status == Status.CANCELLED
        assert (elsewhere.status, after.status) == (Status.BOOKED, Status.BOOKED)
        note = Notification.objects.get(user=linked)
        assert note.kind == Notification.Kind.BOOKING_BLOCKED
        assert note.payload["reason"] == "Cleaning the carpet" and note.payload["seat"] == "A1"

    def test_a_checked_in_member_keeps_the_seat_until_the_block_begins(self, staff, linked, seat):
        here = make_reservation(linked, seat, at(0, 9), at(0, 18), status=Status.CHECKED_IN)
        block(staff, seat=seat, start=at(0, 14), end=at(0, 16))
        here.refresh_from_db()
        assert (here.status, here.end) == (Status.CHECKED_IN, at(0, 14))
        note = Notification.objects.get(user=linked)
        assert note.payload["shortened"] is True

        from integrations.telegram.messages import render_notification

        text, _markup = render_notification(note.kind, note.payload, "en")
        assert text.startswith("Your booking now ends at 14:00, the seat is closed")

    def test_a_floor_block_covers_every_seat_of_the_floor(
        self, staff, member, other_member, seat, seat2
    ):
        annex_seat = make_seat("Z1", floor=make_floor("Annex"))
        a = make_reservation(member, seat, at(1, 10), at(1, 11))
        b = make_reservation(other_member, seat2, at(1, 10), at(1, 11))
        c = make_reservation(other_member, annex_seat, at(1, 12), at(1, 13))
        _block, cancelled = block(staff, floor=seat.floor, start=at(1, 8), end=at(1, 22))
        assert sorted(r.pk for r in cancelled) == sorted([a.pk, b.pk])
        c.refresh_from_db()
        assert c.status == Status.BOOKED

    def test_booking_into_a_block_is_a_conflict_with_the_reason(self, staff, member, seat):
        block(staff, seat=seat, start=at(1, 9), end=at(1, 14))
        with pytest.raises(Conflict) as info:
            services.reservation_create(user=member, seat=seat, start=at(1, 13), end=at(1, 15))
        assert "Cleaning the carpet" in info.value.message
        services.reservation_create(user=member, seat=seat, start=at(1, 14), end=at(1, 15))

    def test_deleting_the_block_reopens_the_seat(self, staff, member, seat):
        b, _ = block(staff, seat=seat, start=at(1, 9), end=at(1, 14))
        seat_block_delete(block=b, by=staff)
        services.reservation_create(user=member, seat=seat, start=at(1, 10), end=at(1, 11))

    def test_only_staff_block_and_bad_input_is_a_field_error(self, staff, member, seat):
        with pytest.raises(PermissionDenied):
            block(member, seat=seat, start=at(1, 9), end=at(1, 10))
        with pytest.raises(ValidationFailed) as info:
            block(staff, seat=seat, floor=seat.floor, start=at(1, 9), end=at(1, 10))
        assert "seat" in info.value.errors
        with pytest.raises(ValidationFailed) as info:
            block(staff, seat=seat, start=at(1, 9), end=at(1, 10), reason="  ")
        assert "reason" in info.value.errors
        with pytest.raises(ValidationFailed) as info:
            block(staff, seat=seat, start=at(1, 10), end=at(1, 9))
        assert "end" in info.value.errors
        assert not SeatBlock.objects.exists()


class TestApi:
    def test_staff_create_list_and_delete(self, staff_api, linked, seat):
        booking = make_reservation(linked, seat, at(1, 10), at(1, 11))
        body = {
            "seat": seat.pk,
            "start": at(1, 9).isoformat(),
            "end": at(1, 12).isoformat(),
            "reason": "New chairs",
        }
        response = staff_api.post("/api/admin/seat_blocks", body, format="json")
        assert response.status_code == 201, response.json()
        created = response.json()
        assert created["cancelled"] == [booking.pk] and created["reason"] == "New chairs"
        listed = staff_api.get("/api/admin/seat_blocks", {"seat": seat.pk}).json()["results"]
        assert [b["id"] for b in listed] == [created["id"]]
        assert staff_api.delete(f"/api/admin/seat_blocks/{created['id']}").status_code == 204
        assert not SeatBlock.objects.exists()

    def test_members_get_403_and_bad_input_400(self, member_api, staff_api, seat):
        body = {"seat": seat.pk, "start": at(1, 9).isoformat(), "end": at(1, 12).isoformat()}
        assert member_api.post("/api/admin/seat_blocks", body, format="json").status_code == 403
        assert member_api.get("/api/admin/seat_blocks").status_code == 403
        response = staff_api.post("/api/admin/seat_blocks", body, format="json")
        assert response.status_code == 400 and "reason" in response.json()["errors"]
        response = staff_api.post(
            "/api/admin/seat_blocks", {**body, "seat": 99999, "reason": "x"}, format="json"
        )
        assert response.status_code == 400 and "seat" in response.json()["errors"]
        assert staff_api.delete("/api/admin/seat_blocks/99999").status_code == 404

    def test_availability_says_blocked_and_booking_is_409(self, staff, member_api, seat, seat2):
        block(staff, seat=seat, start=at(1, 9), end=at(1, 14))
        params = {"start": at(1, 10).isoformat(), "end": at(1, 11).isoformat()}
        rows = {r["label"]: r for r in member_api.get("/api/seat", params).json()}
        assert (rows["A1"]["state"], rows["A1"]["available"]) == ("blocked", False)
        assert rows["A1"]["reason"] == "Cleaning the carpet"
        assert rows["A2"]["state"] == "free"
        response = member_api.post("/api/reservations", {"seat": seat.pk, **params}, format="json")
        assert response.status_code == 409
        assert response.json()["block"]["reason"] == "Cleaning the carpet"


class TestPagesAndAdmin:
    def test_the_map_shows_the_seat_closed(self, staff, client, member, seat, seat2):
        block(staff, floor=seat.floor, start=at(1, 9), end=at(1, 14))
        client.force_login(member)
        day = at(1, 0).date().isoformat()
        html = client.get("/", {"date": day, "start": "10:00", "end": "11:00"}).content.decode()
        assert f'class="seat blocked" id="seat-{seat.pk}"' in html
        assert "closed: Cleaning the carpet" in html

    def test_admin_block_cancels_and_names_the_booking(self, client, staff, linked, seat):
        make_reservation(linked, seat, at(1, 10), at(1, 11))
        client.force_login(staff)
        data = {
            "seat": seat.pk,
            "start_0": at(1, 9).strftime("%Y-%m-%d"),
            "start_1": "09:00",
            "end_0": at(1, 9).strftime("%Y-%m-%d"),
            "end_1": "12:00",
            "reason": "Painting",
        }
        response = client.post("/admin/reservations/seatblock/add/", data, follow=True)
        page = response.content.decode()
        assert response.status_code == 200 and SeatBlock.objects.count() == 1
        assert "Cancelled and told the member: seat A1 (Floor 1), Maria Member" in page
        assert Reservation.objects.get().status == Status.CANCELLED
        assert Notification.objects.get().payload["reason"] == "Painting"

    def test_admin_block_without_a_target_is_a_form_error(self, client, staff, seat):
        client.force_login(staff)
        data = {"start_0": "2026-12-02", "start_1": "09:00", "end_0": "2026-12-02"}
        data |= {"end_1": "12:00", "reason": "x"}
        response = client.post("/admin/reservations/seatblock/add/", data)
        assert response.status_code == 200 and not SeatBlock.objects.exists()
        assert "Choose a seat or a floor" in response.content.decode()
