"""Admin lists a manager works from: filters and search, and messages that name seats and
members instead of ids."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from accounts.tests.factories import make_user
from bookit.tests.clock import NOW, at
from reservations.models import Reservation
from reservations.tests.factories import make_reservation
from reservations.tests.test_admin import form_data
from seats.tests.factories import make_floor, make_seat
from tickets.models import Ticket

pytestmark = pytest.mark.django_db
LIST = "/admin/reservations/reservation/"


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def bookings(frozen, member, other_member):
    f1, f2 = make_floor("Floor 1"), make_floor("Annex")
    a1, b1 = make_seat("A1", floor=f1), make_seat("B1", floor=f2)
    return {
        "today_a1": make_reservation(member, a1, at(0, 10), at(0, 11)),
        "today_b1": make_reservation(other_member, b1, at(0, 12), at(0, 13)),
        "tomorrow_a1": make_reservation(other_member, a1, at(1, 10), at(1, 11)),
        "cancelled": make_reservation(
            member, b1, at(1, 14), at(1, 15), status=Reservation.Status.CANCELLED
        ),
    }


def listed(client, **params) -> set[int]:
    response = client.get(LIST, params)
    assert response.status_code == 200
    return {r.pk for r in response.context["cl"].result_list}


def test_reservations_by_day_floor_seat_member_status_and_search(bookings, client, staff):
    client.force_login(staff)
    b = bookings
    today = NOW.date().isoformat()
    tomorrow = (NOW.date() + dt.timedelta(days=1)).isoformat()
    assert listed(client, day=today) == {b["today_a1"].pk, b["today_b1"].pk}
    assert listed(client, day=tomorrow) == {b["tomorrow_a1"].pk, b["cancelled"].pk}
    annex = b["today_b1"].seat.floor_id
    assert listed(client, seat__floor__id__exact=annex) == {b["today_b1"].pk, b["cancelled"].pk}
    a1 = b["today_a1"].seat_id
    assert listed(client, seat__id__exact=a1) == {b["today_a1"].pk, b["tomorrow_a1"].pk}
    member_id = b["today_a1"].user_id
    assert listed(client, user__id__exact=member_id) == {b["today_a1"].pk, b["cancelled"].pk}
    assert listed(client, status__exact="cancelled") == {b["cancelled"].pk}
    assert listed(client, q="Oleg") == {b["today_b1"].pk, b["tomorrow_a1"].pk}
    page = client.get(LIST, {"day": today}).content.decode()
    assert "Maria Member" in page and "Floor 1" in page  # names, not ids


def test_a_created_reservation_is_announced_by_seat_and_member(frozen, client, staff, member):
    seat = make_seat("C3", floor=make_floor("Floor 1"))
    client.force_login(staff)
    response = client.post(
        f"{LIST}add/",
        form_data(user=member.pk, seat=seat.pk, start=at(1, 10), end=at(1, 11)),
        follow=True,
    )
    text = [str(m) for m in response.context["messages"]][0]
    assert "C3 · Maria Member · 02.12.2026 10:00–11:00" in text
    assert f"#{Reservation.objects.get().pk}" not in text


def test_action_warnings_name_the_booking(bookings, client, staff):
    client.force_login(staff)
    cancelled = bookings["cancelled"]
    response = client.post(
        LIST,
        {"action": "cancel_selected", "_selected_action": [cancelled.pk]},
        follow=True,
    )
    texts = " ".join(str(m) for m in response.context["messages"])
    assert "seat B1 (Annex), Maria Member, 02.12 14:00" in texts


def test_tickets_by_status_and_age(frozen, client, staff, member):
    old = Ticket.objects.create(author=member, subject="Old chair", text="x")
    Ticket.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=4))
    fresh = Ticket.objects.create(author=member, subject="New lamp", text="x")
    Ticket.objects.create(author=member, subject="Done", text="x", status="resolved")
    client.force_login(staff)

    def tickets(**params):
        response = client.get("/admin/tickets/ticket/", params)
        return {t.pk for t in response.context["cl"].result_list}

    assert tickets(age="3d", status__exact="open") == {old.pk}
    assert tickets(status__exact="open") == {old.pk, fresh.pk}
    assert tickets(q="lamp") == {fresh.pk}


def test_members_by_verification(db, client, staff):
    waiting = make_user("wait@example.com", verified=False)
    client.force_login(staff)
    response = client.get("/admin/accounts/user/", {"is_verified__exact": "0"})
    assert {u.pk for u in response.context["cl"].result_list} == {waiting.pk}
