import datetime as dt

import pytest

from accounts.services import user_delete
from bookit.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from bookit.tests.clock import NOW, at
from reservations import services
from reservations.models import BookingPolicy, Reservation
from reservations.policy import policy_changed
from reservations.signals import reservation_changed
from reservations.tests.factories import make_reservation
from seats.tests.factories import make_seat

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
Status = Reservation.Status


def book(user, seat, start, end, **kw):
    return services.reservation_create(user=user, seat=seat, start=start, end=end, **kw)


class TestCreate:
    def test_it_books_a_free_seat(self, member, seat):
        reservation = book(member, seat, at(1, 10), at(1, 11))
        assert reservation.status == Status.BOOKED
        assert reservation.user == member and reservation.created_by == member

    def test_it_sends_the_created_signal_inside_the_transaction(self, member, seat):
        seen = []

        def receiver(sender, reservation, action, by, **kw):
            seen.append((reservation.pk, action, by))

        reservation_changed.connect(receiver)
        try:
            reservation = book(member, seat, at(1, 10), at(1, 11))
        finally:
            reservation_changed.disconnect(receiver)
        assert seen == [(reservation.pk, "created", member)]

    def test_unverified_member_cannot_book(self, unverified, seat):
        with pytest.raises(PermissionDenied, match="verification"):
            book(unverified, seat, at(1, 10), at(1, 11))
        assert not Reservation.objects.exists()

    def test_staff_books_on_behalf_of_a_member(self, staff, unverified, seat):
        reservation = book(unverified, seat, at(1, 10), at(1, 11), by=staff)
        assert reservation.user == unverified and reservation.created_by == staff

    def test_member_cannot_book_for_someone_else(self, member, other_member, seat):
        with pytest.raises(PermissionDenied):
            book(other_member, seat, at(1, 10), at(1, 11), by=member)

    def test_inactive_seat_is_rejected(self, member, seat):
        seat.is_active = False
        seat.save()
        with pytest.raises(ValidationFailed) as exc:
            book(member, seat, at(1, 10), at(1, 11))
        assert "seat" in exc.value.errors

    @pytest.mark.parametrize(
        "start, end, field, message",
        [
            (at(1, 11), at(1, 10), "end", "The end must be after the start."),
            (at(1, 10, 15), at(1, 11), "start", "30-minute step"),
            (at(1, 10), at(1, 11, 10), "end", "30-minute step"),
            (at(1, 7), at(1, 9), "start", "opening hours"),
            (at(1, 21), at(1, 23), "start", "opening hours"),
            (at(1, 21), at(2, 9), "start", "opening hours"),
            (at(1, 8), at(1, 21), "end", "at most 12 hours"),
            (at(-1, 10), at(-1, 11), "start", "in the past"),
            (at(0, 8), at(0, 9), "start", "in the past"),
            (at(15, 10), at(15, 11), "start", "14 days ahead"),
        ],
    )
    def test_it_enforces_the_policy(self, member, seat, start, end, field, message):
        with pytest.raises(ValidationFailed) as exc:
            book(member, seat, start, end)
        assert field in exc.value.errors
        assert message in str(exc.value.errors[field][0])
        assert not Reservation.objects.exists()

    def test_minimum_duration_follows_the_policy(self, member, seat):
        BookingPolicy.objects.update_or_create(pk=1, defaults={"min_minutes": 60})
        policy_changed()
        with pytest.raises(ValidationFailed, match="at least 60 minutes"):
            book(member, seat, at(1, 10), at(1, 10, 30))

    def test_the_current_slot_can_still_be_booked(self, member, seat):
        # now is 09:05: the 09:00 slot is in progress and bookable until it ends.
        assert book(member, seat, at(0, 9), at(0, 10)).start == at(0, 9)

    def test_naive_times_are_rejected(self, member, seat):
        with pytest.raises(ValidationFailed, match="offset"):
            book(member, seat, at(1, 10).replace(tzinfo=None), at(1, 11).replace(tzinfo=None))

    def test_upcoming_limit(self, member, seat):
        for day in (1, 2, 3):
            book(member, seat, at(day, 10), at(day, 11))
        with pytest.raises(ValidationFailed, match="at most 3 upcoming"):
            book(member, seat, at(4, 10), at(4, 11))


class TestNoDoubleBooking:
    def test_it_rejects_overlapping_booking_of_a_seat(self, member, other_member, seat):
        first = book(member, seat, at(1, 10), at(1, 12))
        with pytest.raises(Conflict) as exc:
            book(other_member, seat, at(1, 11), at(1, 13))
        assert exc.value.extra["conflict"]["id"] == first.pk
        assert "already booked" in str(exc.value.message)
        assert Reservation.objects.count() == 1

    def test_back_to_back_is_allowed(self, member, other_member, seat):
        book(member, seat, at(1, 10), at(1, 11))
        assert book(other_member, seat, at(1, 11), at(1, 12)).start == at(1, 11)
        assert book(member, seat, at(1, 9), at(1, 10)).end == at(1, 10)

    def test_one_member_cannot_hold_two_overlapping_seats(self, member, seat, seat2):
        book(member, seat, at(1, 10), at(1, 11))
        with pytest.raises(Conflict, match="You already have a booking"):
            book(member, seat2, at(1, 10, 30), at(1, 11, 30))

    def test_a_cancelled_booking_frees_the_seat(self, member, other_member, seat):
        first = book(member, seat, at(1, 10), at(1, 11))
        services.reservation_cancel(reservation=first, by=member)
        assert book(other_member, seat, at(1, 10), at(1, 11)).pk != first.pk

    def test_a_no_show_frees_the_seat_before_release_runs(self, member, other_member, seat):
        stale = make_reservation(member, seat, at(0, 8, 30), at(0, 10, 0))  # grace ended 08:45
        fresh = book(other_member, seat, at(0, 9), at(0, 10))
        stale.refresh_from_db()
        assert stale.status == Status.NO_SHOW
        assert fresh.status == Status.BOOKED

    def test_a_booking_within_its_grace_still_holds_the_seat(self, member, other_member, seat):
        make_reservation(member, seat, at(0, 9), at(0, 10))  # grace ends 09:15, now 09:05
        with pytest.raises(Conflict):
            book(other_member, seat, at(0, 9, 30), at(0, 10))


class TestUpdate:
    def test_it_moves_a_booking(self, member, seat, seat2):
        reservation = book(member, seat, at(1, 10), at(1, 11))
        moved = services.reservation_update(
            reservation=reservation, by=member, seat=seat2, start=at(1, 14), end=at(1, 16)
        )
        assert (moved.seat, moved.start, moved.end) == (seat2, at(1, 14), at(1, 16))

    def test_moving_the_start_rearms_the_reminder(self, member, seat):
        reservation = book(member, seat, at(1, 10), at(1, 11))
        Reservation.objects.filter(pk=reservation.pk).update(reminded_at=NOW)
        reservation.refresh_from_db()
        same_start = services.reservation_update(reservation=reservation, by=member, end=at(1, 12))
        assert same_start.reminded_at is not None
        moved = services.reservation_update(
            reservation=reservation, by=member, start=at(1, 11), end=at(1, 12)
        )
        assert moved.reminded_at is None

    def test_it_may_overlap_its_own_old_time(self, member, seat):
        reservation = book(member, seat, at(1, 10), at(1, 11))
        moved = services.reservation_update(reservation=reservation, by=member, end=at(1, 12))
        assert moved.end == at(1, 12)

    def test_it_rechecks_conflicts(self, member, other_member, seat):
        book(other_member, seat, at(1, 12), at(1, 13))
        mine = book(member, seat, at(1, 10), at(1, 11))
        with pytest.raises(Conflict):
            services.reservation_update(reservation=mine, by=member, end=at(1, 12, 30))
        mine.refresh_from_db()
        assert mine.end == at(1, 11)

    def test_it_rechecks_the_policy(self, member, seat):
        mine = book(member, seat, at(1, 10), at(1, 11))
        with pytest.raises(ValidationFailed, match="opening hours"):
            services.reservation_update(reservation=mine, by=member, end=at(1, 23))

    def test_other_member_gets_404(self, member, other_member, seat):
        mine = book(member, seat, at(1, 10), at(1, 11))
        with pytest.raises(NotFound):
            services.reservation_update(reservation=mine, by=other_member, end=at(1, 12))

    def test_a_cancelled_booking_cannot_change(self, member, seat):
        mine = book(member, seat, at(1, 10), at(1, 11))
        services.reservation_cancel(reservation=mine, by=member)
        with pytest.raises(ValidationFailed, match="has not started"):
            services.reservation_update(reservation=mine, by=member, end=at(1, 12))


class TestCancel:
    def test_cancel_before_start(self, member, seat):
        mine = book(member, seat, at(1, 10), at(1, 11))
        services.reservation_cancel(reservation=mine, by=member)
        assert mine.status == Status.CANCELLED and mine.cancelled_at is not None

    def test_cancel_in_progress_frees_the_rest(self, member, other_member, staff, seat):
        mine = make_reservation(member, seat, at(0, 8), at(0, 12), status=Status.CHECKED_IN)
        services.reservation_cancel(reservation=mine, by=member)
        assert mine.status == Status.CHECKED_IN
        assert at(0, 9, 5) <= mine.end < at(0, 9, 6)
        assert book(other_member, seat, at(0, 9, 30), at(0, 12)).status == Status.BOOKED

    def test_cannot_cancel_after_the_end(self, member, seat):
        past = make_reservation(member, seat, at(-1, 10), at(-1, 11))
        with pytest.raises(ValidationFailed, match="no longer be cancelled"):
            services.reservation_cancel(reservation=past, by=member)

    def test_staff_cancels_anyones(self, member, staff, seat):
        mine = book(member, seat, at(1, 10), at(1, 11))
        assert services.reservation_cancel(reservation=mine, by=staff).status == Status.CANCELLED


class TestCheckIn:
    def test_window_and_idempotence(self, member, staff, seat, frozen):
        reservation = book(member, seat, at(0, 9, 30), at(0, 10, 30))
        frozen.move_to(at(0, 9, 20))
        token = services.checkin_token(reservation)
        checked, changed = services.reservation_check_in_by_token(token=token, by=staff)
        assert changed and checked.status == Status.CHECKED_IN and checked.checked_in_at
        again, changed = services.reservation_check_in_by_token(token=token, by=staff)
        assert not changed and again.checked_in_at == checked.checked_in_at

    def test_too_early(self, member, staff, seat):
        reservation = book(member, seat, at(0, 10), at(0, 11))  # opens 09:45, now 09:05
        with pytest.raises(ValidationFailed, match="opens 15 minutes before"):
            services.reservation_check_in(reservation=reservation, by=staff)

    def test_too_late(self, member, staff, seat, frozen):
        reservation = book(member, seat, at(0, 9, 30), at(0, 10, 30))
        frozen.move_to(at(0, 9, 46))
        with pytest.raises(ValidationFailed, match="has passed"):
            services.reservation_check_in(reservation=reservation, by=staff)

    def test_forged_token_is_rejected(self, member, staff, seat):
        reservation = book(member, seat, at(0, 9, 30), at(0, 10, 30))
        token = services.checkin_token(reservation)
        forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
        for bad in (forged, str(reservation.pk), "", "garbage:token"):
            with pytest.raises(ValidationFailed, match="not valid"):
                services.reservation_check_in_by_token(token=bad, by=staff)
        reservation.refresh_from_db()
        assert reservation.status == Status.BOOKED

    def test_token_of_another_reservation_is_rejected(self, member, staff, seat):
        reservation = book(member, seat, at(0, 9, 30), at(0, 10, 30))
        token = services.checkin_token(reservation)
        with pytest.raises(ValidationFailed, match="another booking"):
            services.reservation_check_in_by_token(
                token=token, by=staff, reservation_id=reservation.pk + 1
            )

    def test_the_check_in_url_is_accepted_too(self, member, staff, seat, frozen):
        reservation = book(member, seat, at(0, 9, 30), at(0, 10, 30))
        frozen.move_to(at(0, 9, 16))
        url = f"http://x/staff/checkin/?token={services.checkin_token(reservation)}"
        assert services.reservation_check_in_by_token(token=url, by=staff)[1]

    def test_members_cannot_check_in(self, member, seat):
        reservation = book(member, seat, at(0, 9, 30), at(0, 10, 30))
        with pytest.raises(PermissionDenied):
            services.reservation_check_in(reservation=reservation, by=member)


class TestNoShows:
    def test_release_marks_only_expired_bookings_and_is_idempotent(
        self, member, other_member, seat, seat2
    ):
        expired = make_reservation(member, seat, at(0, 8), at(0, 9))
        in_grace = make_reservation(other_member, seat2, at(0, 9), at(0, 10))
        checked = make_reservation(
            other_member, seat2, at(0, 8), at(0, 9), status=Status.CHECKED_IN
        )
        assert services.release_no_shows() == 1
        assert services.release_no_shows() == 0
        expired.refresh_from_db(), in_grace.refresh_from_db(), checked.refresh_from_db()
        assert (expired.status, in_grace.status, checked.status) == (
            Status.NO_SHOW,
            Status.BOOKED,
            Status.CHECKED_IN,
        )

    def test_command(self, member, seat):
        from io import StringIO

        from django.core.management import call_command

        make_reservation(member, seat, at(0, 8), at(0, 9))
        out = StringIO()
        call_command("release_no_shows", stdout=out)
        assert "1 reservations marked no-show" in out.getvalue()


def test_deleting_an_account_cancels_future_and_anonymises_past(member, seat, seat2):
    past = make_reservation(member, seat, at(-2, 10), at(-2, 11), status=Status.CHECKED_IN)
    future = book(member, seat2, at(1, 10), at(1, 11))
    user_delete(user=member)
    past.refresh_from_db(), future.refresh_from_db()
    assert past.user is None and past.status == Status.CHECKED_IN
    assert future.user is None and future.status == Status.CANCELLED


def test_now_is_frozen_for_these_tests():
    from django.utils import timezone

    assert timezone.now() - NOW < dt.timedelta(minutes=5)
    assert make_seat  # factories importable


class TestLateBooking:
    """A booking made after its start: the grace runs from its creation, so the member can still
    check in and the scheduler does not release it first."""

    def test_grace_counts_from_creation(self, member, other_member, staff, seat, frozen):
        frozen.move_to(at(0, 9, 25))  # the 09:00 slot is current; its grace ended at 09:15
        late = book(member, seat, at(0, 9), at(0, 10))
        assert late.late_booked_at == at(0, 9, 25)
        frozen.move_to(at(0, 9, 39))
        assert services.release_no_shows() == 0
        with pytest.raises(Conflict):
            book(other_member, seat, at(0, 9, 30), at(0, 10))
        frozen.move_to(at(0, 9, 41))  # 09:25 + 15 minutes passed: now it is a no-show
        assert services.release_no_shows() == 1
        late.refresh_from_db()
        assert late.status == Status.NO_SHOW

    def test_a_late_booking_can_check_in_within_its_grace(self, member, staff, seat, frozen):
        frozen.move_to(at(0, 9, 25))
        late = book(member, seat, at(0, 9), at(0, 10))
        frozen.move_to(at(0, 9, 38))
        checked, changed = services.reservation_check_in(reservation=late, by=staff)
        assert changed and checked.status == Status.CHECKED_IN

    def test_a_booking_made_ahead_keeps_its_grace_from_the_start(self, member, seat, frozen):
        ahead = book(member, seat, at(0, 9, 30), at(0, 10, 30))
        assert ahead.late_booked_at is None
        frozen.move_to(at(0, 9, 46))
        assert services.release_no_shows() == 1

    def test_moving_into_a_begun_slot_counts_from_the_move(self, member, seat, frozen):
        booking = book(member, seat, at(0, 11), at(0, 12))
        frozen.move_to(at(0, 9, 25))
        services.reservation_update(reservation=booking, by=member, start=at(0, 9), end=at(0, 10))
        frozen.move_to(at(0, 9, 39))
        assert services.release_no_shows() == 0


class TestUndoCancel:
    def test_undo_brings_the_booking_back(self, member, seat, frozen):
        booking = book(member, seat, at(1, 10), at(1, 11))
        services.reservation_cancel(reservation=booking, by=member)
        frozen.move_to(NOW + dt.timedelta(minutes=9))
        restored = services.reservation_restore(reservation=booking, by=member)
        assert (restored.status, restored.cancelled_at) == (Status.BOOKED, None)

    def test_undo_expires(self, member, seat, frozen):
        booking = book(member, seat, at(1, 10), at(1, 11))
        services.reservation_cancel(reservation=booking, by=member)
        frozen.move_to(NOW + services.UNDO_WINDOW + dt.timedelta(seconds=1))
        with pytest.raises(ValidationFailed, match="can no longer be undone"):
            services.reservation_restore(reservation=booking, by=member)

    def test_undo_never_double_books(self, member, other_member, seat):
        booking = book(member, seat, at(1, 10), at(1, 11))
        services.reservation_cancel(reservation=booking, by=member)
        book(other_member, seat, at(1, 10), at(1, 11))
        with pytest.raises(Conflict):
            services.reservation_restore(reservation=booking, by=member)
        booking.refresh_from_db()
        assert booking.status == Status.CANCELLED

    def test_undo_respects_the_cap_and_ownership(self, member, other_member, seat, seat2):
        booking = book(member, seat, at(1, 10), at(1, 11))
        services.reservation_cancel(reservation=booking, by=member)
        with pytest.raises(NotFound):
            services.reservation_restore(reservation=booking, by=other_member)
        for day in (2, 3, 4):
            book(member, seat2, at(day, 10), at(day, 11))
        with pytest.raises(ValidationFailed, match="at most 3 upcoming"):
            services.reservation_restore(reservation=booking, by=member)

    def test_a_checked_in_cancellation_is_not_undone(self, member, staff, seat, frozen):
        booking = book(member, seat, at(0, 9, 30), at(0, 11))
        frozen.move_to(at(0, 9, 35))
        services.reservation_check_in(reservation=booking, by=staff)
        services.reservation_cancel(reservation=booking, by=member)
        with pytest.raises(ValidationFailed, match="can no longer be undone"):
            services.reservation_restore(reservation=booking, by=member)
