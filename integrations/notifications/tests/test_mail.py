"""The email channel against a real SMTP server on loopback: headers, both bodies, languages,
calendar invitations, and an outage that the outbox rides out."""

import datetime as dt

from icalendar import Calendar

from bookit.tests.clock import NOW, at
from integrations.models import NotificationDelivery
from integrations.notifications import mail, outbox
from integrations.notifications.outbox import notify
from integrations.telegram import outbox as telegram
from reservations import services as booking
from seats.tests.factories import make_seat

Status = NotificationDelivery.Status


def parts(message) -> dict[str, object]:
    return {part.get_content_type(): part for part in message.walk() if not part.is_multipart()}


def subject(message) -> str:
    # Django folds a non-ASCII Subject onto a continuation line; unfolding leaves a space.
    return str(message["Subject"]).strip()


def invitation(message) -> Calendar:
    part = parts(message)["text/calendar"]
    return Calendar.from_ical(part.get_payload(decode=True))


def event_of(calendar: Calendar):
    (event,) = calendar.walk("VEVENT")
    return event


def test_a_booking_confirmation_arrives_with_headers_both_bodies_and_an_invitation(
    frozen, smtp, member, seat
):
    member.language = "en"
    member.save()
    reservation = booking.reservation_create(user=member, seat=seat, start=at(1, 10), end=at(1, 12))
    assert mail.send_pending() == 1

    (received,) = smtp.messages
    assert received.mail_from == "desk@bookit.example"
    assert received.rcpt_tos == ["member@example.com"]
    message = received.message
    assert subject(message) == "Booking confirmed: seat A1, 02.12 10:00–12:00"
    assert message["From"] == "BookIT <desk@bookit.example>"
    assert message["To"] == "member@example.com"
    assert message["Content-Language"] == "en"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Message-ID"].endswith("@bookit.example>")

    found = parts(message)
    assert set(found) == {"text/plain", "text/html", "text/calendar"}
    text = found["text/plain"].get_content()
    assert text.startswith("Hello, Maria!")
    assert "Your booking is confirmed: Seat A1 (Floor 1), 02.12 10:00–12:00." in text
    assert "My bookings: https://bookit.example/bookings/" in text
    html = found["text/html"].get_content()
    assert '<a href="https://bookit.example/bookings/"' in html
    assert 'lang="en"' in html

    calendar_part = found["text/calendar"]
    assert calendar_part.get_param("method") == "REQUEST"
    assert calendar_part.get_filename() == "invite.ics"
    calendar = invitation(message)
    assert calendar["METHOD"] == "REQUEST"
    event = event_of(calendar)
    assert str(event["UID"]) == f"reservation-{reservation.pk}@bookit.example"
    assert event["SEQUENCE"] == 0
    assert event.decoded("DTSTART") == at(1, 10)
    assert event.decoded("DTEND") == at(1, 12)
    assert str(event["LOCATION"]) == "Floor 1, A1"
    assert str(event["ORGANIZER"]) == "mailto:desk@bookit.example"
    assert str(event["ATTENDEE"]) == "mailto:member@example.com"
    assert event["ATTENDEE"].params["PARTSTAT"] == "ACCEPTED"
    assert str(event["STATUS"]) == "CONFIRMED"

    delivery = NotificationDelivery.objects.get()
    assert (delivery.channel, delivery.status, delivery.attempts) == ("email", Status.SENT, 1)


def test_a_change_and_a_cancel_update_the_same_calendar_event(frozen, smtp, member, seat):
    reservation = booking.reservation_create(user=member, seat=seat, start=at(1, 10), end=at(1, 12))
    booking.reservation_update(reservation=reservation, by=member, start=at(1, 14), end=at(1, 15))
    booking.reservation_cancel(reservation=reservation, by=member)
    assert mail.send_pending() == 3

    calendars = [invitation(r.message) for r in smtp.messages]
    events = [event_of(c) for c in calendars]
    assert [c["METHOD"] for c in calendars] == ["REQUEST", "REQUEST", "CANCEL"]
    assert len({str(e["UID"]) for e in events}) == 1
    assert [e["SEQUENCE"] for e in events] == [0, 1, 2]
    assert events[1].decoded("DTSTART") == at(1, 14)
    assert str(events[2]["STATUS"]) == "CANCELLED"
    assert parts(smtp.messages[2].message)["text/calendar"].get_param("method") == "CANCEL"
    # The booking's .ics download carries the same UID and the latest SEQUENCE.
    reservation.refresh_from_db()
    assert reservation.sequence == 2


def test_a_russian_member_gets_the_email_in_russian(frozen, smtp, member, seat):
    member.language = "ru"
    member.save()
    booking.reservation_create(user=member, seat=seat, start=at(1, 10), end=at(1, 12))
    mail.send_pending()
    message = smtp.messages[0].message
    assert subject(message) == "Бронирование подтверждено: место A1, 02.12 10:00–12:00"
    assert message["Content-Language"] == "ru"
    text = parts(message)["text/plain"].get_content()
    assert text.startswith("Здравствуйте, Maria!")
    assert "Мои бронирования: https://bookit.example/bookings/" in text
    assert 'lang="ru"' in parts(message)["text/html"].get_content()


def test_with_the_server_down_emails_wait_and_are_delivered_once_when_it_returns(
    frozen, smtp, member, seat
):
    booking.reservation_create(user=member, seat=seat, start=at(1, 10), end=at(1, 12))
    smtp.stop()

    assert mail.send_pending() == 0
    delivery = NotificationDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (Status.PENDING, 1)
    assert delivery.next_attempt_at == NOW + outbox.BACKOFF_BASE
    assert "refused" in delivery.last_error.lower()

    frozen.shift(outbox.BACKOFF_BASE)
    assert mail.send_pending() == 0  # still down: the wait doubles
    delivery.refresh_from_db()
    assert delivery.next_attempt_at == NOW + outbox.BACKOFF_BASE * 3

    smtp.start()  # back, on the same port
    assert mail.send_pending() == 0  # not due yet: nothing is sent early
    frozen.shift(outbox.BACKOFF_BASE * 2)
    assert mail.send_pending() == 1
    assert mail.send_pending() == 0
    frozen.shift(dt.timedelta(hours=2))
    assert mail.send_pending() == 0
    assert len(smtp.messages) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Status.SENT, 3)


def test_a_refused_recipient_fails_for_good_and_does_not_hold_up_the_others(
    frozen, smtp, member, other_member, seat
):
    smtp.handler.refuse.add("member@example.com")
    booking.reservation_create(user=member, seat=seat, start=at(1, 10), end=at(1, 12))
    booking.reservation_create(
        user=other_member, seat=make_seat("A2"), start=at(1, 10), end=at(1, 12)
    )
    assert mail.send_pending() == 1
    refused = NotificationDelivery.objects.get(notification__user=member)
    assert refused.status == Status.FAILED and "550" in refused.last_error
    assert [r.rcpt_tos for r in smtp.messages] == [["other@example.com"]]


def test_each_channel_is_delivered_on_its_own(frozen, smtp, telegram_on, member, seat):
    member.telegram_id, member.language = 5001, "en"
    member.save()
    booking.reservation_create(user=member, seat=seat, start=at(1, 10), end=at(1, 12))
    smtp.stop()

    assert outbox.send_pending() == 1  # Telegram goes out; the email waits for the server
    assert telegram_on.sent_texts(chat_id=5001)[0].startswith("Your booking is confirmed")
    statuses = dict(NotificationDelivery.objects.values_list("channel", "status"))
    assert statuses == {"email": Status.PENDING, "telegram": Status.SENT}

    smtp.start()
    frozen.shift(outbox.BACKOFF_BASE)
    assert outbox.send_pending() == 1
    assert len(smtp.messages) == 1 and len(telegram_on.sent_texts()) == 1  # neither repeated


def test_a_sender_that_died_after_claiming_leaves_the_email_for_the_next_one(
    frozen, smtp, member, seat
):
    booking.reservation_create(user=member, seat=seat, start=at(1, 10), end=at(1, 12))
    assert len(outbox.claim(channel="email")) == 1  # the scheduler dies right here
    assert mail.send_pending() == 0  # claimed: no other sender touches it
    frozen.shift(outbox.CLAIM_LEASE)
    assert mail.send_pending() == 1
    assert len(smtp.messages) == 1


def test_telegram_sender_leaves_email_rows_alone(frozen, smtp, telegram_on, member, seat):
    booking.reservation_create(user=member, seat=seat, start=at(1, 10), end=at(1, 12))
    assert telegram.send_pending() == 0
    assert NotificationDelivery.objects.get().attempts == 0


def test_a_message_that_cannot_be_built_fails_alone(frozen, smtp, member, other_member):
    other_member.language = "en"
    other_member.save()
    notify(user=member, kind="ticket_status", key="broken", payload={"ticket": 1})  # no subject
    notify(
        user=other_member,
        kind="ticket_status",
        key="fine",
        payload={"ticket": 2, "subject": "Lamp\nBcc: x@evil.example", "status": "resolved"},
    )
    assert mail.send_pending() == 1
    broken = NotificationDelivery.objects.get(notification__dedupe_key="broken")
    assert broken.status == Status.FAILED and "subject" in broken.last_error
    (received,) = smtp.messages
    assert received.rcpt_tos == ["other@example.com"]  # the newline did not add a recipient
    assert subject(received.message) == "Ticket #2: Resolved"
