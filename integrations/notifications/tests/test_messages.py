"""Every kind renders on every channel, in both languages, with its one action."""

import pytest
from django.core import mail

from integrations.models import Notification
from integrations.notifications import mail as email_channel
from integrations.notifications.messages import render
from integrations.notifications.outbox import notify
from integrations.telegram.messages import render_notification

BOOKING = {
    "reservation": 7,
    "seat": "A1",
    "floor": "Floor 1",
    "start": "2026-12-02T10:00:00+03:00",
    "end": "2026-12-02T12:00:00+03:00",
    "sequence": 0,
    "by_staff": False,
}
PAYLOADS = {
    "booking_created": BOOKING,
    "booking_updated": {**BOOKING, "sequence": 1},
    "booking_cancelled": {**BOOKING, "sequence": 2},
    "booking_blocked": {**BOOKING, "sequence": 1, "reason": "Leak", "shortened": False},
    "checked_in": BOOKING,
    "no_show": BOOKING,
    "reminder": BOOKING,
    "ticket_status": {"ticket": 3, "subject": "Lamp", "status": "resolved", "comment": "Done"},
    "ticket_created": {"ticket": 3, "subject": "Lamp", "author": "Maria Member"},
    "account_verified": {},
    "member_rejected": {},
    "member_registered": {"member": 9, "name": "Nina New", "email": "nina@example.com"},
    "welcome": {},
    "confirm_email": {},
    "account_exists": {},
    "password_reset": {},
    "email_change": {"to": "m@new.example", "email": "m@new.example"},
    "email_changed": {"to": "old@example.com", "email": "member@example.com"},
}


def test_every_kind_has_a_payload_here():
    assert set(PAYLOADS) == set(Notification.Kind.values)


@pytest.mark.parametrize("kind", sorted(PAYLOADS))
def test_every_kind_renders_in_both_languages(settings, member, kind):
    settings.SITE_URL = "https://bookit.example"
    member.language = "en"
    english = render(kind, PAYLOADS[kind], user=member)
    member.language = "ru"
    russian = render(kind, PAYLOADS[kind], user=member)
    assert english.subject and english.text
    assert russian.subject != english.subject  # translated, not left in English
    assert russian.text != english.text
    if english.action_url:
        assert english.action_url.startswith("https://bookit.example/")
        assert russian.action_label != english.action_label
    text, _markup = render_notification(kind, PAYLOADS[kind], member)
    assert text == russian.text


def test_every_kind_goes_out_as_an_email(member):
    for kind, payload in PAYLOADS.items():
        notify(user=member, kind=kind, key=f"all:{kind}", payload=payload, channels=["email"])
    assert email_channel.send_pending() == len(PAYLOADS)
    assert len(mail.outbox) == len(PAYLOADS)
    by_address = {}
    for message in mail.outbox:
        by_address.setdefault(message.to[0], []).append(message)
        assert [m for _c, m in message.alternatives][0] == "text/html"
    assert len(by_address["m@new.example"]) == 1  # the confirmation goes to the new address
    assert len(by_address["old@example.com"]) == 1  # the notice to the old one


def test_a_seat_block_cuts_a_checked_in_booking_short_and_says_until_when(member):
    member.language = "en"
    payload = {**BOOKING, "reason": "Leak", "shortened": True}
    message = render("booking_blocked", payload, user=member)
    assert message.text.startswith("Your booking now ends at 12:00, the seat is closed: Leak.")
    cancelled = render("booking_blocked", {**payload, "shortened": False}, user=member)
    assert cancelled.text.startswith("Your booking is cancelled, the seat is closed: Leak.")


def test_a_declined_registration_is_told_although_the_account_is_deactivated(member):
    from accounts.services import user_reject
    from accounts.tests.factories import make_user

    staff = make_user("boss@example.com", is_staff=True)
    member.is_verified = False
    member.save()
    user_reject(user=member, by=staff)
    (note,) = Notification.objects.filter(user=member)
    assert note.kind == "member_rejected"
    assert email_channel.send_pending() == 1
    (sent,) = mail.outbox
    assert sent.to == [member.email]
