"""`make run`'s demo data: every demo member can book at once, the statistics have history to
chart, and the demo's floor and zone names read in both languages."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import translation

from accounts.models import User
from bookit.tests.clock import NOW
from reservations import services, slots
from reservations.models import Reservation
from reservations.policy import get_policy
from seats.models import Floor, Seat, Zone

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture
def seeded():
    call_command("seed_demo", stdout=io.StringIO())


def test_every_demo_member_can_book_the_default_window_at_once(seeded):
    policy = get_policy()
    day, start_time, end_time = slots.default_window(policy, NOW)
    start = dt.datetime.combine(day, start_time, policy.tz)
    end = dt.datetime.combine(day, end_time, policy.tz)
    members = list(User.objects.filter(email__startswith="demo_email_").order_by("email"))
    free = [s for s in Seat.objects.filter(is_active=True).order_by("pk")]
    assert len(members) == 10
    for member, seat in zip(members, free, strict=False):
        upcoming = Reservation.objects.filter(user=member).live(now=NOW).upcoming(now=NOW)
        assert upcoming.count() <= 1  # few, far below the cap of three
        services.reservation_create(user=member, seat=seat, start=start, end=end)


def test_history_fills_the_statistics(seeded, staff_client):
    past = Reservation.objects.filter(end__lte=NOW)
    assert past.count() > 100
    assert past.filter(status=Reservation.Status.NO_SHOW).exists()
    html = staff_client.get("/staff/stats/").content.decode()
    assert html.count("<rect") > 30  # the day bars and the heat map are drawn from real rows


def test_seeding_again_changes_nothing(seeded):
    counts = (Reservation.objects.count(), Seat.objects.count(), Zone.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (Reservation.objects.count(), Seat.objects.count(), Zone.objects.count()) == counts


def test_demo_floor_and_zone_names_are_translated(seeded):
    floor = Floor.objects.order_by("ordering").first()
    zones = sorted(Zone.objects.filter(floor=floor).values_list("name", flat=True))
    with translation.override("ru"):
        assert floor.display_name == "Этаж 1"
        assert [translation.gettext(z) for z in zones] == [
            "Зона у кухни",  # Kitchen side
            "Переговорные",  # Meeting rooms
            "Опенспейс",  # Open space
            "Зона у окон",  # Window side
        ]
    with translation.override("en"):
        assert floor.display_name == "Floor 1"
