import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction

from accounts.services import user_reject, user_verify
from accounts.tests.factories import make_user
from bookit.tests.clock import NOW, at
from integrations.models import Notification
from integrations.telegram import outbox
from reservations import services as booking
from reservations.models import Reservation
from reservations.services_blocks import seat_block_create
from reservations.signals import reservation_changed
from reservations.tests.factories import make_reservation
from seats.tests.factories import make_seat
from tickets import services as ticket_services

Status = Notification.Status
Kind = Notification.Kind


@pytest.fixture
def linked(member):
    member.telegram_id, member.language = 5001, "en"
    member.save()
    return member


def kinds() -> list[str]:
    return sorted(Notification.objects.values_list("kind", flat=True))


# --- what is enqueued ----------------------------------------------------------------------


def test_staff_booking_for_member_is_announced(frozen, linked, staff, seat):
    booking.reservation_create(user=linked, seat=seat, start=at(1, 10), end=at(1, 12), by=staff)
    row = Notification.objects.get()
    assert (row.user, row.kind, row.status) == (linked, Kind.BOOKING_CREATED, Status.PENDING)
    assert row.payload["seat"] == "A1"


def test_members_own_booking_and_cancel_are_not_announced(frozen, linked, seat):
    reservation = booking.reservation_create(user=linked, seat=seat, start=at(1, 10), end=at(1, 12))
    booking.reservation_cancel(reservation=reservation, by=linked)
    assert kinds() == []


def test_staff_cancel_is_announced(frozen, linked, staff, seat):
    reservation = booking.reservation_create(user=linked, seat=seat, start=at(1, 10), end=at(1, 12))
    booking.reservation_cancel(reservation=reservation, by=staff)
    assert kinds() == [Kind.BOOKING_CANCELLED]


def test_check_in_and_no_show_are_announced(linked, staff, seat):
    first = make_reservation(linked, seat, at(0, 10), at(0, 11))
    second = make_reservation(linked, seat, at(0, 12), at(0, 13))
    booking.reservation_check_in(reservation=first, by=staff, now=at(0, 10))
    booking.release_no_shows(now=at(0, 12, 30))
    assert kinds() == [Kind.CHECKED_IN, Kind.NO_SHOW]
    assert Notification.objects.get(kind=Kind.NO_SHOW).payload["reservation"] == second.pk


def test_ticket_status_change_is_announced(linked, staff):
    ticket = ticket_services.ticket_create(author=linked, subject="Broken lamp", text="A1 lamp")
    ticket_services.ticket_set_status(
        ticket=ticket, status="in_progress", comment="On it", by=staff
    )
    row = Notification.objects.get()
    assert row.kind == Kind.TICKET_STATUS
    assert row.payload == {
        "ticket": ticket.pk,
        "subject": "Broken lamp",
        "status": "in_progress",
        "comment": "On it",
    }


def test_nothing_is_enqueued_for_unlinked_members(frozen, member, staff, seat):
    reservation = booking.reservation_create(
        user=member, seat=seat, start=at(1, 10), end=at(1, 12), by=staff
    )
    booking.reservation_cancel(reservation=reservation, by=staff)
    assert not Notification.objects.exists()


def test_notification_rolls_back_with_the_booking(linked, seat):
    reservation = make_reservation(linked, seat, at(1, 10), at(1, 12))
    with pytest.raises(RuntimeError), transaction.atomic():
        reservation_changed.send(Reservation, reservation=reservation, action="no_show", by=None)
        assert Notification.objects.count() == 1
        raise RuntimeError("the booking transaction fails after the event")
    assert not Notification.objects.exists()


def test_same_event_is_enqueued_once(linked, seat):
    reservation = make_reservation(linked, seat, at(1, 10), at(1, 12))
    for _ in range(2):
        with transaction.atomic():  # a duplicate must not break the surrounding transaction
            reservation_changed.send(Reservation, reservation=reservation, action="no_show")
            Reservation.objects.filter(pk=reservation.pk).update(status="no_show")
    assert Notification.objects.count() == 1


# --- reminders -----------------------------------------------------------------------------


def test_reminders_are_enqueued_once_within_the_window(linked, other_member, seat):
    soon = make_reservation(linked, seat, at(0, 10), at(0, 11))
    later = make_reservation(linked, seat, at(0, 12), at(0, 13))
    cancelled = make_reservation(linked, seat, at(0, 10, 30), at(0, 11), status="cancelled")
    unlinked = make_reservation(other_member, make_seat("A2"), at(0, 10), at(0, 11))
    now = at(0, 9, 40)  # policy.reminder_minutes = 30: only the 10:00 bookings are due

    assert outbox.enqueue_due_reminders(now=now) == 1
    assert outbox.enqueue_due_reminders(now=now) == 0
    row = Notification.objects.get()
    assert (row.kind, row.payload["reservation"]) == (Kind.REMINDER, soon.pk)
    soon.refresh_from_db()
    assert soon.reminded_at == now
    for other in (later, cancelled, unlinked):
        other.refresh_from_db()
        assert other.reminded_at is None


def test_started_bookings_get_no_reminder(linked, seat):
    make_reservation(linked, seat, at(0, 10), at(0, 11))
    assert outbox.enqueue_due_reminders(now=at(0, 10, 5)) == 0


# --- delivery ------------------------------------------------------------------------------


def _enqueue_every_kind(user, staff, seat) -> None:
    booking.reservation_create(user=user, seat=seat, start=at(1, 10), end=at(1, 12), by=staff)
    cancelled = booking.reservation_create(
        user=user, seat=seat, start=at(1, 14), end=at(1, 15), by=staff
    )
    booking.reservation_cancel(reservation=cancelled, by=staff)
    checked = make_reservation(user, seat, at(0, 10), at(0, 11))
    booking.reservation_check_in(reservation=checked, by=staff, now=at(0, 10))
    make_reservation(user, seat, at(0, 12), at(0, 13))
    booking.release_no_shows(now=at(0, 12, 30))
    make_reservation(user, seat, at(0, 18), at(0, 19))
    outbox.enqueue_due_reminders(now=at(0, 17, 45))
    ticket = ticket_services.ticket_create(author=user, subject="Noisy", text="Too loud")
    ticket_services.ticket_set_status(ticket=ticket, status="resolved", by=staff)
    blocked = make_reservation(user, seat, at(2, 10), at(2, 11))
    seat_block_create(by=staff, seat=blocked.seat, start=at(2, 9), end=at(2, 12), reason="Leak")
    user_verify(user=user, by=staff, verified=False)  # unverifying is not announced
    user_verify(user=user, by=staff, verified=True)
    user_verify(user=user, by=staff, verified=False)
    newcomer = make_user("newcomer@example.com", verified=False)
    newcomer.telegram_id = 5002
    newcomer.save()
    user_reject(user=newcomer, by=staff)  # deactivated, and still told why


def test_every_kind_is_delivered_exactly_once(frozen, telegram_on, linked, staff, seat):
    _enqueue_every_kind(linked, staff, seat)
    # Two staff bookings (the second one then cancelled by staff): ten events in all.
    assert kinds() == sorted([*Kind.values, Kind.BOOKING_CREATED])
    assert outbox.send_pending() == 10
    assert outbox.send_pending() == 0
    texts = telegram_on.sent_texts(chat_id=5001)
    assert len(texts) == 9
    assert sum("the seat is closed: Leak" in t for t in texts) == 1
    assert sum("account is verified" in t for t in texts) == 1
    (declined,) = telegram_on.sent_texts(chat_id=5002)
    assert "отклонили вашу регистрацию" in declined  # a new account's language: Russian
    assert sum("Staff booked a seat for you" in t for t in texts) == 2
    assert sum("Staff cancelled your booking" in t for t in texts) == 1
    assert sum("You are checked in" in t for t in texts) == 1
    assert sum("did not check in" in t for t in texts) == 1
    assert sum(t.startswith("Reminder") for t in texts) == 1
    assert sum("“Noisy”" in t for t in texts) == 1
    assert all(n.status == Status.SENT and n.sent_at for n in Notification.objects.all())


def test_reminder_carries_a_cancel_button(frozen, telegram_on, linked, seat):
    reservation = make_reservation(linked, seat, at(0, 10), at(0, 11))
    outbox.enqueue_due_reminders(now=at(0, 9, 35))
    outbox.send_pending()
    (call,) = telegram_on.calls("sendMessage")
    button = call.params["reply_markup"]["inline_keyboard"][0][0]
    assert button["callback_data"] == f"c:{reservation.pk}"


def _one_pending(user, seat) -> Notification:
    reservation = make_reservation(user, seat, at(0, 12), at(0, 13))
    reservation_changed.send(Reservation, reservation=reservation, action="no_show", by=None)
    return Notification.objects.get()


def test_server_errors_are_retried_with_backoff(frozen, telegram_on, linked, seat):
    row = _one_pending(linked, seat)
    telegram_on.fail("sendMessage", status=500, times=2)
    with time_machine.travel(NOW, tick=False) as clock:
        assert outbox.send_pending() == 0
        row.refresh_from_db()
        assert (row.status, row.attempts) == (Status.PENDING, 1)
        assert row.next_attempt_at == NOW + outbox.BACKOFF_BASE
        assert "500" in row.last_error or "Error" in row.last_error

        assert outbox.send_pending() == 0  # not due yet: nothing is sent early
        clock.shift(outbox.BACKOFF_BASE)
        assert outbox.send_pending() == 0  # the second failure doubles the wait
        row.refresh_from_db()
        assert row.next_attempt_at == NOW + outbox.BACKOFF_BASE * 3

        clock.shift(outbox.BACKOFF_BASE * 2)
        assert outbox.send_pending() == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.SENT, 3)
    assert len(telegram_on.sent_texts()) == 1


# PTB itself reads the deprecated int form of retry_after while building the exception.
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
def test_flood_control_waits_as_told(frozen, telegram_on, linked, seat):
    row = _one_pending(linked, seat)
    telegram_on.fail("sendMessage", status=429, parameters={"retry_after": 42})
    assert outbox.send_pending() == 0
    row.refresh_from_db()
    assert row.status == Status.PENDING
    assert row.next_attempt_at == NOW + dt.timedelta(seconds=42)


def test_unreachable_api_is_retried(frozen, telegram_on, linked, seat):
    row = _one_pending(linked, seat)
    telegram_on.fail("getMe", status=502)
    assert outbox.send_pending() == 0
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.PENDING, 1)
    assert telegram_on.calls("sendMessage") == []


def test_gives_up_after_max_attempts(frozen, telegram_on, linked, seat):
    row = _one_pending(linked, seat)
    Notification.objects.filter(pk=row.pk).update(attempts=outbox.MAX_ATTEMPTS - 1)
    telegram_on.fail("sendMessage", status=500)
    outbox.send_pending()
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.FAILED, outbox.MAX_ATTEMPTS)


def test_forbidden_unlinks_the_member_and_fails_the_row(
    frozen, telegram_on, linked, other_member, seat
):
    other_member.telegram_id = 6002
    other_member.save()
    blocked = _one_pending(linked, seat)
    other = make_reservation(other_member, make_seat("B1"), at(0, 12), at(0, 13))
    reservation_changed.send(Reservation, reservation=other, action="no_show", by=None)
    telegram_on.block(5001)

    assert outbox.send_pending() == 1
    blocked.refresh_from_db()
    linked.refresh_from_db()
    assert blocked.status == Status.FAILED and "blocked" in blocked.last_error
    assert linked.telegram_id is None
    assert telegram_on.sent_texts(chat_id=6002)


def test_rows_of_members_who_unlinked_fail_without_sending(frozen, telegram_on, linked, seat):
    row = _one_pending(linked, seat)
    type(linked).objects.filter(pk=linked.pk).update(telegram_id=None)
    assert outbox.send_pending() == 0
    row.refresh_from_db()
    assert row.status == Status.FAILED
    assert telegram_on.calls("sendMessage") == []


def test_messages_use_the_members_language(frozen, telegram_on, linked, seat):
    linked.language = "ru"
    linked.save()
    _one_pending(linked, seat)
    outbox.send_pending()
    (text,) = telegram_on.sent_texts()
    assert "A1" in text and "01.12 12:00–13:00" in text


def test_sender_is_off_without_token(settings, linked, seat):
    settings.TELEGRAM_BOT_TOKEN = ""
    _one_pending(linked, seat)
    assert outbox.send_pending() == 0
    assert Notification.objects.get().attempts == 0


def test_a_row_claimed_by_a_crashed_sender_is_sent_after_the_lease(
    frozen, telegram_on, linked, seat
):
    row = _one_pending(linked, seat)
    with time_machine.travel(NOW, tick=False) as clock:
        assert [r.pk for r in outbox._claim(10)] == [row.pk]  # the sender dies right here
        assert outbox.send_pending() == 0  # claimed: no other sender touches it
        clock.shift(outbox.CLAIM_LEASE)
        assert outbox.send_pending() == 1
    assert len(telegram_on.sent_texts()) == 1


def test_send_notifications_command_runs_once(frozen, telegram_on, linked, seat):
    make_reservation(linked, seat, at(0, 9, 30), at(0, 10))
    call_command("send_notifications", "--once", stdout=(out := io.StringIO()))
    assert "reminders enqueued: 1, notifications sent: 1" in out.getvalue()
    assert telegram_on.sent_texts(chat_id=5001)[0].startswith("Reminder")
