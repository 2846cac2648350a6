import pytest

from bookit.tests.clock import at
from reservations import services
from reservations.models import BookingPolicy, Reservation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def form_data(reservation=None, **values):
    data = {
        "start_0": "",
        "start_1": "",
        "end_0": "",
        "end_1": "",
    }
    for name in ("start", "end"):
        value = values.pop(name)
        data[f"{name}_0"], data[f"{name}_1"] = value.strftime("%Y-%m-%d"), value.strftime("%H:%M")
    data.update(values)
    return data


def test_admin_creates_through_the_service(client, staff, member, seat):
    client.force_login(staff)
    response = client.post(
        "/admin/reservations/reservation/add/",
        form_data(user=member.pk, seat=seat.pk, start=at(1, 10), end=at(1, 11)),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    reservation = Reservation.objects.get()
    assert reservation.created_by == staff and reservation.user == member


def test_editing_into_a_conflict_shows_a_form_error(client, staff, member, other_member, seat):
    services.reservation_create(user=other_member, seat=seat, start=at(1, 12), end=at(1, 13))
    mine = services.reservation_create(user=member, seat=seat, start=at(1, 10), end=at(1, 11))
    client.force_login(staff)
    response = client.post(
        f"/admin/reservations/reservation/{mine.pk}/change/",
        form_data(seat=seat.pk, start=at(1, 10), end=at(1, 12, 30)),
    )
    assert response.status_code == 200
    assert "already booked" in response.content.decode()
    mine.refresh_from_db()
    assert mine.end == at(1, 11)


def test_admin_rule_violation_is_a_field_error(client, staff, member, seat):
    client.force_login(staff)
    response = client.post(
        "/admin/reservations/reservation/add/",
        form_data(user=member.pk, seat=seat.pk, start=at(1, 7), end=at(1, 9)),
    )
    assert response.status_code == 200
    assert "opening hours" in response.content.decode()
    assert not Reservation.objects.exists()


def test_cancel_and_check_in_actions_use_the_services(
    client, staff, member, other_member, seat, seat2, frozen
):
    soon = services.reservation_create(
        user=member, seat=seat, start=at(0, 9, 30), end=at(0, 10, 30)
    )
    later = services.reservation_create(
        user=other_member, seat=seat2, start=at(1, 10), end=at(1, 11)
    )
    frozen.move_to(at(0, 9, 20))
    client.force_login(staff)
    url = "/admin/reservations/reservation/"
    client.post(url, {"action": "check_in_selected", "_selected_action": [soon.pk, later.pk]})
    soon.refresh_from_db(), later.refresh_from_db()
    assert soon.status == "checked_in"
    assert later.status == "booked"  # too early: the service refused it
    client.post(url, {"action": "cancel_selected", "_selected_action": [later.pk]})
    later.refresh_from_db()
    assert later.status == "cancelled"


def test_policy_admin_validates_time_zone(client, staff):
    client.force_login(staff)
    policy = BookingPolicy.objects.get_or_create(pk=1)[0]
    data = {
        "time_zone": "Mars/Olympus",
        "opens_at": "08:00",
        "closes_at": "22:00",
        "slot_minutes": 30,
        "min_minutes": 30,
        "max_minutes": 720,
        "advance_days": 14,
        "max_upcoming": 3,
        "checkin_grace_minutes": 15,
        "checkin_early_minutes": 15,
        "reminder_minutes": 30,
    }
    response = client.post(f"/admin/reservations/bookingpolicy/{policy.pk}/change/", data)
    assert response.status_code == 200 and "Unknown time zone" in response.content.decode()
    data["time_zone"] = "Asia/Yekaterinburg"
    response = client.post(f"/admin/reservations/bookingpolicy/{policy.pk}/change/", data)
    assert response.status_code == 302
    from reservations.policy import get_policy

    assert get_policy().time_zone == "Asia/Yekaterinburg"


def test_seat_with_history_is_not_deleted_from_admin(client, staff, member, seat):
    services.reservation_create(user=member, seat=seat, start=at(1, 10), end=at(1, 11))
    client.force_login(staff)
    response = client.post(f"/admin/seats/seat/{seat.pk}/delete/", {"post": "yes"}, follow=True)
    assert "Cannot delete seat" in response.content.decode()  # protected: history stays
    assert seat.__class__.objects.filter(pk=seat.pk).exists()


class TestMemberDeletion:
    """The admin deletes members through accounts.services.user_delete, single and bulk."""

    def _member_with_booking_and_avatar(self, email):
        from django.core.files.base import ContentFile

        from accounts.tests.factories import make_user
        from seats.tests.factories import make_seat

        user = make_user(email, verified=True)
        user.avatar.save(f"{user.pk}.png", ContentFile(b"png"), save=True)
        seat = make_seat(f"D{user.pk}")
        booking = services.reservation_create(user=user, seat=seat, start=at(1, 10), end=at(1, 11))
        return user, booking, user.avatar.path

    def test_deleting_one_member_cancels_their_bookings_and_removes_the_avatar(
        self, client, staff, django_capture_on_commit_callbacks
    ):
        import os

        user, booking, avatar = self._member_with_booking_and_avatar("gone@example.com")
        client.force_login(staff)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"/admin/accounts/user/{user.pk}/delete/", {"post": "yes"})
        assert response.status_code == 302
        booking.refresh_from_db()
        assert booking.user is None and booking.status == Reservation.Status.CANCELLED
        assert not os.path.exists(avatar)

    def test_the_bulk_delete_action_goes_through_the_service_too(
        self, client, staff, django_capture_on_commit_callbacks
    ):
        import os

        first = self._member_with_booking_and_avatar("a@example.com")
        second = self._member_with_booking_and_avatar("b@example.com")
        client.force_login(staff)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/admin/accounts/user/",
                {
                    "action": "delete_selected",
                    "_selected_action": [first[0].pk, second[0].pk],
                    "post": "yes",
                },
            )
        assert response.status_code == 302
        live = Reservation.objects.filter(status=Reservation.Status.BOOKED)
        assert not live.exists()
        assert not any(os.path.exists(path) for path in (first[2], second[2]))
