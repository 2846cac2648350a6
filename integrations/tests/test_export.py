"""Self-service data export: the API and the profile button give the member's own data only."""

import json

import pytest
from django.test import Client

from bookit.tests.clock import at
from integrations.notifications.outbox import notify
from reservations.tests.factories import make_reservation
from seats.tests.factories import make_seat
from tickets import services as tickets

EXPORT = "/api/user/me/export"


@pytest.fixture
def history(frozen, member, other_member, staff):
    seat = make_seat("A1")
    mine = [make_reservation(member, seat, at(d, 10), at(d, 11)) for d in (-2, -1, 1)]
    make_reservation(other_member, seat, at(1, 12), at(1, 13))
    ticket = tickets.ticket_create(author=member, subject="Lamp", text="A1 lamp is broken")
    tickets.ticket_set_status(ticket=ticket, status="in_progress", comment="On it", by=staff)
    tickets.ticket_create(author=other_member, subject="Not mine", text="Other's ticket")
    return mine, ticket


def test_the_export_is_a_json_attachment_with_the_members_data(member_api, member, history):
    reservations, ticket = history
    response = member_api.get(EXPORT)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="bookit-export-')
    assert response["Cache-Control"] == "no-store"
    data = json.loads(response.content)

    assert data["profile"]["email"] == "member@example.com"
    assert data["profile"]["notify_email"] is True
    assert data["profile"]["show_on_map"] is False
    assert [r["id"] for r in data["reservations"]] == [r.pk for r in reservations]
    assert data["reservations"][0]["seat"] == "A1"
    (exported,) = data["tickets"]
    assert (exported["id"], exported["text"]) == (ticket.pk, "A1 lamp is broken")
    assert [(e["by"], e["new_status"]) for e in exported["history"]] == [
        ("you", "open"),
        ("staff", "in_progress"),
    ]
    kinds = [n["kind"] for n in data["notifications"]]
    assert "ticket_status" in kinds
    body = response.content.decode()
    # Nobody else's data, not even staff names.
    assert "other@example.com" not in body and "Not mine" not in body
    assert "staff@example.com" not in body and "Sergey" not in body


def test_the_export_costs_the_same_queries_however_long_the_history(
    frozen, member_api, member, django_assert_num_queries
):
    seat = make_seat("B1")
    make_reservation(member, seat, at(-1, 10), at(-1, 11))
    tickets.ticket_create(author=member, subject="T1", text="x")
    notify(user=member, kind="welcome", key="welcome:1")
    # reservations, tickets + their events, notifications + their deliveries, Yandex links
    with django_assert_num_queries(6) as small:
        member_api.get(EXPORT)
    for day in range(2, 8):
        make_reservation(member, seat, at(-day, 10), at(-day, 11))
        tickets.ticket_create(author=member, subject=f"T{day}", text="x")
        notify(user=member, kind="account_verified", key=f"verified:{day}")
    with django_assert_num_queries(len(small.captured_queries)):
        member_api.get(EXPORT)


def test_the_export_needs_a_login(api):
    assert api.get(EXPORT).status_code == 401


def test_the_profile_page_offers_the_same_file(member, history):
    client = Client()
    client.force_login(member)
    profile = client.get("/profile/").content.decode()
    assert 'id="export-data"' in profile and 'href="/profile/export/"' in profile
    response = client.get("/profile/export/")
    assert response["Content-Disposition"].startswith("attachment;")
    assert json.loads(response.content)["profile"]["email"] == "member@example.com"
    assert Client().get("/profile/export/").status_code == 302
