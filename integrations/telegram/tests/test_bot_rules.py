"""The bot applies each seat's effective rule and its blocks (through availability and the
booking service): it offers only seats that can be booked for the window."""

import pytest

from bookit.tests.clock import at
from integrations.telegram.tests.conftest import callback_update, run_updates
from reservations.models import BookingRule, Reservation
from reservations.policy import policy_changed
from reservations.services_blocks import seat_block_create
from seats.models import Seat
from seats.tests.factories import make_seat

pytestmark = pytest.mark.django_db(transaction=True)
CHAT = 5001


@pytest.fixture
def linked(member):
    member.telegram_id, member.language = CHAT, "en"
    member.save()
    return member


def offered(fakebot) -> set[str]:
    markup = fakebot.calls("editMessageText")[-1].params["reply_markup"]
    return {b["callback_data"] for row in markup["inline_keyboard"] for b in row}


def test_bot_offers_only_seats_whose_rules_allow_the_window(telegram_on, frozen, linked, staff):
    room = make_seat("M1", kind=Seat.Kind.MEETING_ROOM)
    desk, closed = make_seat("D1"), make_seat("D2")
    BookingRule.objects.create(kind=Seat.Kind.MEETING_ROOM, max_minutes=120)
    policy_changed()
    seat_block_create(by=staff, seat=closed, start=at(1, 8), end=at(1, 22), reason="Repairs")

    run_updates(callback_update("b:w:202612021000:240", user_id=CHAT))
    data = offered(telegram_on)
    assert f"b:s:202612021000:240:{desk.pk}" in data
    assert f"b:s:202612021000:240:{room.pk}" not in data  # 4 h > the rooms' 2 h
    assert f"b:s:202612021000:240:{closed.pk}" not in data

    # A stale button for the room is refused by the service with the rule's own words.
    run_updates(callback_update(f"b:s:202612021000:240:{room.pk}", user_id=CHAT))
    text = telegram_on.calls("editMessageText")[-1].params["text"]
    assert "at most 2 hours" in text
    assert not Reservation.objects.filter(user=linked).exists()

    run_updates(callback_update("b:w:202612021000:120", user_id=CHAT))
    assert f"b:s:202612021000:120:{room.pk}" in offered(telegram_on)
