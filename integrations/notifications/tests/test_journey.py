"""One member's whole life, through the real SMTP server on loopback and the fake Bot API:
every message the issue lists arrives by the channels chosen, exactly once, in the reader's
language, the booking ones with the calendar invitation that keeps one event up to date."""

import datetime as dt
import re

import time_machine
from icalendar import Calendar
from rest_framework.test import APIClient

from accounts import services as accounts
from accounts.models import User
from accounts.tests.factories import make_user
from bookit.tests.clock import at
from integrations.notifications import outbox
from reservations import services as booking
from reservations.models import Reservation
from reservations.policy import get_policy
from tickets import services as tickets

PASSWORD = "Quiet-Desk-4242"
CONFIRM_LINK = re.compile(r"https?://[^/\s]+/register/confirm/(?P<token>[^/\s]+)/")


def subject(message) -> str:
    return str(message["Subject"]).strip()


def text_of(message) -> str:
    (part,) = [p for p in message.walk() if p.get_content_type() == "text/plain"]
    return part.get_content()


def invitation(message):
    parts = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    if not parts:
        return None
    calendar = Calendar.from_ical(parts[0].get_payload(decode=True))
    (event,) = calendar.walk("VEVENT")
    return str(calendar["METHOD"]), str(event["UID"]), int(event["SEQUENCE"])


class Inbox:
    """What reached each address (SMTP) and each chat (Bot API) since the last look."""

    def __init__(self, smtp, bot):
        self.smtp, self.bot, self.seen, self.seen_chats = smtp, bot, 0, {}

    def deliver(self) -> None:
        outbox.send_pending()
        assert outbox.send_pending() == 0  # nothing is sent twice

    def new_mail(self, address: str) -> list:
        self.deliver()
        fresh = self.smtp.messages[self.seen :]
        self.seen = len(self.smtp.messages)
        return [r.message for r in fresh if r.rcpt_tos == [address]]

    def new_chats(self, chat_id: int) -> list[str]:
        texts = self.bot.sent_texts(chat_id=chat_id)
        fresh = texts[self.seen_chats.get(chat_id, 0) :]
        self.seen_chats[chat_id] = len(texts)
        return fresh


def test_a_members_messages_from_registration_to_no_show(frozen, smtp, telegram_on, seat):
    inbox = Inbox(smtp, telegram_on)
    staff = make_user("desk@example.com", is_staff=True, language="en")
    api = APIClient()

    # Registration, in Russian: a confirmation link, staff told only once it is opened.
    answer = api.post(
        "/api/auth/register",
        {"email": "nina@example.com", "password": PASSWORD, "first_name": "Нина"},
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert answer.status_code == 201
    (confirm,) = inbox.new_mail("nina@example.com")
    assert subject(confirm) == "Подтвердите адрес эл. почты для BookIT"
    assert confirm["Content-Language"] == "ru"
    assert inbox.new_mail("desk@example.com") == []
    token = CONFIRM_LINK.search(text_of(confirm))["token"]
    assert api.post("/api/auth/register/confirm", {"token": token}).status_code == 200
    (waiting,) = inbox.new_mail("desk@example.com")
    assert subject(waiting) == "New member waiting for verification: nina@example.com"

    nina = User.objects.get(email="nina@example.com")
    nina.telegram_id = 7001
    nina.save()
    accounts.user_verify(user=nina, by=staff)
    (verified,) = inbox.new_mail("nina@example.com")
    assert subject(verified) == "Ваша учётная запись BookIT подтверждена"
    assert len(inbox.new_chats(7001)) == 1

    # Her own booking is confirmed on both channels, with an invitation; a change updates it.
    reservation = booking.reservation_create(user=nina, seat=seat, start=at(1, 10), end=at(1, 12))
    (created,) = inbox.new_mail("nina@example.com")
    assert subject(created).startswith("Бронирование подтверждено")
    uid = f"reservation-{reservation.pk}@bookit.example"
    assert invitation(created) == ("REQUEST", uid, 0)
    assert len(inbox.new_chats(7001)) == 1
    booking.reservation_update(reservation=reservation, by=nina, start=at(1, 14), end=at(1, 16))
    (changed,) = inbox.new_mail("nina@example.com")
    assert invitation(changed) == ("REQUEST", uid, 1)
    assert len(inbox.new_chats(7001)) == 1

    # The reminder before the start, once however often the scheduler looks.
    minutes = get_policy().reminder_minutes
    with time_machine.travel(at(1, 14) - dt.timedelta(minutes=minutes - 1), tick=False):
        outbox.enqueue_due_reminders()
        outbox.enqueue_due_reminders()
        (reminder,) = inbox.new_mail("nina@example.com")
        assert subject(reminder).startswith("Напоминание")
        assert len(inbox.new_chats(7001)) == 1

    # Not checked in: released as a no-show on both channels, no CANCEL (the slot is past).
    with time_machine.travel(at(1, 15), tick=False):
        booking.release_no_shows()
        booking.release_no_shows()
        (released,) = inbox.new_mail("nina@example.com")
        assert invitation(released) is None
        assert len(inbox.new_chats(7001)) == 1
    assert Reservation.objects.get(pk=reservation.pk).status == Reservation.Status.NO_SHOW

    # A ticket: staff hear of it, she hears of its status.
    ticket = tickets.ticket_create(author=nina, subject="Лампа", text="A1")
    (new_ticket,) = inbox.new_mail("desk@example.com")
    assert "Лампа" in subject(new_ticket)
    tickets.ticket_set_status(ticket=ticket, status="resolved", comment="", by=staff)
    (status,) = inbox.new_mail("nina@example.com")
    assert subject(status) == f"Обращение №{ticket.pk}: Решено"
    assert len(inbox.new_chats(7001)) == 1

    # Email turned off: the next booking goes to Telegram only, and so does its cancellation
    # (no invitation ever went out for it).
    third = booking.reservation_create(user=nina, seat=seat, start=at(2, 12), end=at(2, 13))
    inbox.new_mail("nina@example.com")
    inbox.new_chats(7001)
    accounts.user_update(user=nina, notify_email=False)
    second = booking.reservation_create(user=nina, seat=seat, start=at(2, 10), end=at(2, 11))
    assert inbox.new_mail("nina@example.com") == []
    assert len(inbox.new_chats(7001)) == 1
    booking.reservation_cancel(reservation=second, by=staff)
    assert inbox.new_mail("nina@example.com") == []
    assert len(inbox.new_chats(7001)) == 1
    # A booking whose invitation is in her calendar is still kept up to date there by email.
    booking.reservation_update(reservation=third, by=nina, start=at(2, 14), end=at(2, 15))
    (moved,) = inbox.new_mail("nina@example.com")
    assert invitation(moved) == ("REQUEST", f"reservation-{third.pk}@bookit.example", 1)
    booking.reservation_cancel(reservation=third, by=nina)
    (cancelled,) = inbox.new_mail("nina@example.com")
    assert invitation(cancelled) == ("CANCEL", f"reservation-{third.pk}@bookit.example", 2)
    assert len(inbox.new_chats(7001)) == 1  # the change; her own cancel is not repeated there
