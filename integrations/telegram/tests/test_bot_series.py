"""Repeating bookings in the bot: /series lists them; the buttons cancel a series' future."""

import pytest

from bookit.tests.clock import at
from integrations.telegram.tests.conftest import callback_update, message_update, run_updates
from reservations import series as series_service
from reservations.models import Reservation
from seats.tests.factories import make_seat

pytestmark = pytest.mark.django_db(transaction=True)

CHAT = 5002


@pytest.fixture
def linked(member):
    member.telegram_id, member.language = CHAT, "en"
    member.save()
    return member


def _series(user, seat):
    repeat = series_service.Repeat(freq="daily", weekdays=[], count=3)
    made, _occurrences = series_service.series_create(
        user=user, seat=seat, start=at(1, 10), end=at(1, 11), repeat=repeat
    )
    return made


def last(fakebot, method):
    call = fakebot.calls(method)[-1].params
    markup = call.get("reply_markup") or {"inline_keyboard": []}
    return call["text"], [b["callback_data"] for row in markup["inline_keyboard"] for b in row]


def test_series_lists_and_cancels(telegram_on, frozen, linked, other_member):
    mine = _series(linked, make_seat("A1"))
    _series(other_member, make_seat("B1"))
    run_updates(message_update("/series", user_id=CHAT))
    text, data = last(telegram_on, "sendMessage")
    assert "Seat A1, 10:00–11:00, 3 upcoming" in text and "B1" not in text
    assert data == [f"sc:{mine.pk}"]

    run_updates(callback_update(f"sc:{mine.pk}", user_id=CHAT))
    text, data = last(telegram_on, "editMessageText")
    assert "Cancel every future booking" in text and data[0] == f"scy:{mine.pk}"
    assert Reservation.objects.filter(series=mine, status="booked").count() == 3

    run_updates(callback_update(f"scy:{mine.pk}", user_id=CHAT))
    text, _data = last(telegram_on, "editMessageText")
    assert "3 bookings freed" in text
    assert Reservation.objects.filter(series=mine, status="cancelled").count() == 3


def test_another_members_series_cannot_be_cancelled(telegram_on, frozen, linked, other_member):
    theirs = _series(other_member, make_seat("B1"))
    run_updates(callback_update(f"scy:{theirs.pk}", user_id=CHAT))
    assert "can no longer be cancelled" in last(telegram_on, "editMessageText")[0]
    assert Reservation.objects.filter(series=theirs, status="booked").count() == 3


def test_no_series(telegram_on, frozen, linked):
    run_updates(message_update("/series", user_id=CHAT))
    assert "no repeating bookings" in last(telegram_on, "sendMessage")[0]
