"""Contract-test data: a floor, seats, bookings and a ticket at a fixed "now"; tokens."""

import datetime as dt
import zoneinfo

import pytest
import time_machine

from accounts.jwt import tokens_for_user
from reservations.models import Reservation
from seats.models import Floor, Seat
from tickets.models import Ticket

MSK = zoneinfo.ZoneInfo("Europe/Moscow")
NOW = dt.datetime(2026, 12, 1, 9, 5, tzinfo=MSK)


@pytest.fixture
def frozen_now():
    # Frozen before any row exists: the data below is "tomorrow" whatever the real date is.
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def contract_data(frozen_now, settings, member, other_member, staff):
    # Telegram configured (no network is used to build a deep link), so get_token answers 200.
    settings.TELEGRAM_BOT_TOKEN = "123456:contract-test"
    settings.TELEGRAM_BOT_USERNAME = "bookit_test_bot"
    floor = Floor.objects.create(name="Floor 1")
    seats = [Seat.objects.create(label=f"A{i}", floor=floor, x=i * 10, y=10) for i in (1, 2, 3)]
    tomorrow = (NOW + dt.timedelta(days=1)).replace(hour=10, minute=0)
    mine = Reservation.objects.create(
        user=member, seat=seats[0], start=tomorrow, end=tomorrow + dt.timedelta(hours=2)
    )
    Reservation.objects.create(
        user=other_member, seat=seats[1], start=tomorrow, end=tomorrow + dt.timedelta(hours=1)
    )
    Ticket.objects.create(author=member, subject="Broken chair", text="It wobbles", seat=seats[0])
    return {"floor": floor, "seats": seats, "reservation": mine}


def bearer(user) -> dict[str, str]:
    """Issued once per test: a generated DELETE user/me must not break the next example."""
    return {"Authorization": f"Bearer {tokens_for_user(user)['access']}"}


@pytest.fixture
def member_headers(contract_data, member):
    return bearer(member)


@pytest.fixture
def staff_headers(contract_data, staff):
    return bearer(staff)
