"""Idempotency-Key on every create: replay, 422 on another body, one row when repeats race."""

import threading

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

from accounts.idempotency import idempotency_cleanup
from accounts.models import IdempotencyRecord
from bookit.tests.clock import at
from reservations.models import Reservation
from seats.tests.factories import make_seat
from tickets.models import Ticket

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def booking(seat, start=None, end=None, **extra):
    start, end = start or at(1, 10), end or at(1, 11)
    return {"seat": seat.pk, "start": start.isoformat(), "end": end.isoformat(), **extra}


def post(client, url, data, key):
    return client.post(url, data, format="json", HTTP_IDEMPOTENCY_KEY=key)


class TestReplay:
    def test_a_repeat_gets_the_same_201_and_creates_nothing(self, member_api, seat):
        first = post(member_api, "/api/reservations", booking(seat), "k-1")
        again = post(member_api, "/api/reservations", booking(seat), "k-1")
        assert first.status_code == again.status_code == 201
        assert again.json() == first.json()
        assert again["Idempotent-Replayed"] == "true"
        assert "Idempotent-Replayed" not in first
        assert Reservation.objects.count() == 1

    def test_without_a_key_a_lost_201_retried_is_a_409_that_says_mine(self, member_api, seat):
        first = member_api.post("/api/reservations", booking(seat), format="json").json()
        retry = member_api.post("/api/reservations", booking(seat), format="json")
        assert retry.status_code == 409
        conflict = retry.json()["conflict"]
        assert conflict == {
            "id": first["id"],
            "seat": seat.pk,
            "start": first["start"],
            "end": first["end"],
            "mine": True,
        }
        assert retry.json()["detail"].startswith("You already booked")

    def test_someone_elses_booking_is_not_mine(self, member_api, other_api, seat):
        member_api.post("/api/reservations", booking(seat), format="json")
        response = other_api.post("/api/reservations", booking(seat), format="json")
        assert response.status_code == 409
        assert response.json()["conflict"]["mine"] is False

    def test_the_same_key_with_another_body_is_422_and_books_nothing(self, member_api, seat):
        post(member_api, "/api/reservations", booking(seat), "k-2")
        other = post(member_api, "/api/reservations", booking(seat, at(1, 12), at(1, 13)), "k-2")
        assert other.status_code == 422
        assert set(other.json()) == {"detail", "errors"}
        assert Reservation.objects.count() == 1

    def test_the_same_key_on_another_endpoint_is_422(self, member_api, seat):
        post(member_api, "/api/reservations", booking(seat), "k-3")
        ticket = post(member_api, "/api/ticket", {"subject": "Hi", "text": "Lamp"}, "k-3")
        assert ticket.status_code == 422
        assert not Ticket.objects.exists()

    def test_keys_belong_to_one_member(self, member_api, other_api, seat, seat2):
        post(member_api, "/api/reservations", booking(seat), "shared")
        mine = post(other_api, "/api/reservations", booking(seat2), "shared")
        assert mine.status_code == 201 and "Idempotent-Replayed" not in mine

    def test_an_error_answer_is_kept_too(self, member_api, seat):
        bad = booking(seat, at(1, 10, 10), at(1, 11))
        first = post(member_api, "/api/reservations", bad, "k-4")
        again = post(member_api, "/api/reservations", bad, "k-4")
        assert first.status_code == again.status_code == 400
        assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"

    def test_a_key_over_255_characters_is_400_on_the_header(self, member_api, seat):
        response = post(member_api, "/api/reservations", booking(seat), "x" * 256)
        assert response.status_code == 400
        assert "Idempotency-Key" in response.json()["errors"]
        assert not Reservation.objects.exists()

    def test_answers_expire_after_24_hours(self, member_api, seat, frozen):
        post(member_api, "/api/reservations", booking(seat), "k-5")
        frozen.shift(24 * 3600 + 1)
        assert idempotency_cleanup() == 1
        assert not IdempotencyRecord.objects.exists()

    def test_staff_create_and_ticket_create_are_idempotent(self, staff_api, member, seat):
        data = booking(seat, user=member.pk)
        first = post(staff_api, "/api/admin/reservation/create", data, "s-1")
        again = post(staff_api, "/api/admin/reservation/create", data, "s-1")
        assert (first.status_code, again.status_code) == (201, 201)
        assert again.json() == first.json() and Reservation.objects.count() == 1
        ticket = {"subject": "Lamp", "text": "The lamp at A1 flickers"}
        t1 = post(staff_api, "/api/ticket", ticket, "t-1")
        t2 = post(staff_api, "/api/ticket", ticket, "t-1")
        assert (t1.status_code, t2.status_code) == (201, 201)
        assert t2.json() == t1.json() and Ticket.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
def test_sixteen_concurrent_repeats_create_one_booking(member, frozen):
    seat = make_seat("R1")
    clients = []
    for _ in range(16):
        client = APIClient()
        client.force_authenticate(member)
        clients.append(client)
    barrier = threading.Barrier(len(clients))
    results: list[tuple[int, dict, bool]] = []
    lock = threading.Lock()

    def run(client):
        try:
            barrier.wait(timeout=30)
            response = post(client, "/api/reservations", booking(seat), "storm")
            with lock:
                replayed = response.get("Idempotent-Replayed") == "true"
                results.append((response.status_code, response.json(), replayed))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert Reservation.objects.count() == 1
    created = [r for r in results if r[0] == 201 and not r[2]]
    assert len(created) == 1
    booking_id = created[0][1]["id"]
    # Everyone else got the first answer again, or "still in progress": never a second row.
    for status_code, body, _replayed in results:
        assert (status_code == 201 and body["id"] == booking_id) or status_code == 409, body
    assert len(results) == 16
