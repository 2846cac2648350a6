import datetime as dt

import pytest
from django.utils import timezone

from reservations.tests.factories import make_reservation
from seats.tests.factories import make_seat
from tickets import services
from tickets.models import Ticket
from tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db
S = Ticket.Status
CREATE = "/api/ticket"
MY = "/api/ticket/my"
ADMIN_LIST = "/api/admin/tickets"


def status_url(pk: int) -> str:
    return f"/api/admin/ticket/{pk}/status"


class TestCreate:
    def test_it_creates_a_ticket(self, member_api, member):
        reservation = make_reservation(user=member)
        response = member_api.post(
            CREATE,
            {
                "subject": "No power",
                "text": "The socket is dead.",
                "category": "equipment",
                "reservation": reservation.pk,
            },
        )
        assert response.status_code == 201, response.json()
        body = response.json()
        assert set(body) >= {"id", "subject", "text", "category", "status", "created_at"}
        assert (body["status"], body["category"], body["seat"]) == (
            "open",
            "equipment",
            reservation.seat_id,
        )
        assert [e["new_status"] for e in body["history"]] == ["open"]
        assert Ticket.objects.get(pk=body["id"]).author == member

    def test_trailing_slash_and_default_category(self, member_api):
        response = member_api.post(CREATE + "/", {"subject": "Hi", "text": "Question"})
        assert response.status_code == 201
        assert response.json()["category"] == "other"

    def test_empty_ticket_is_400_with_field_errors(self, member_api):
        response = member_api.post(CREATE, {})
        assert response.status_code == 400
        assert set(response.json()["errors"]) == {"subject", "text"}

    def test_blank_subject_is_400(self, member_api):
        response = member_api.post(CREATE, {"subject": "  ", "text": "x"})
        assert response.status_code == 400
        assert "subject" in response.json()["errors"]

    def test_someone_elses_reservation_is_400_like_a_missing_one(self, member_api, other_member):
        foreign = make_reservation(user=other_member)
        response = member_api.post(CREATE, {"subject": "s", "text": "t", "reservation": foreign.pk})
        assert response.status_code == 400
        missing = member_api.post(CREATE, {"subject": "s", "text": "t", "reservation": 999999})
        assert missing.status_code == 400
        assert response.json()["errors"]["reservation"] == missing.json()["errors"]["reservation"]
        assert not Ticket.objects.exists()

    def test_seat_that_does_not_match_the_reservation_is_400(self, member_api, member):
        reservation = make_reservation(user=member)
        response = member_api.post(
            CREATE,
            {"subject": "s", "text": "t", "reservation": reservation.pk, "seat": make_seat().pk},
        )
        assert response.status_code == 400
        assert "seat" in response.json()["errors"]

    def test_bad_category_is_400(self, member_api):
        response = member_api.post(CREATE, {"subject": "s", "text": "t", "category": "x"})
        assert response.status_code == 400
        assert "category" in response.json()["errors"]

    def test_anonymous_is_401(self, api):
        assert api.post(CREATE, {"subject": "s", "text": "t"}).status_code == 401


class TestMyTickets:
    def test_it_lists_only_my_tickets_newest_first_with_history(
        self, member_api, member, other_member, staff
    ):
        first = make_ticket(author=member, subject="First")
        second = make_ticket(author=member, subject="Second")
        make_ticket(author=other_member, subject="Not mine")
        services.ticket_set_status(ticket=first, status=S.RESOLVED, comment="Fixed", by=staff)
        response = member_api.get(MY)
        assert response.status_code == 200
        body = response.json()
        assert body["count"] == 2
        assert [t["id"] for t in body["results"]] == [second.pk, first.pk]
        resolved = body["results"][1]
        assert resolved["status"] == "resolved"
        assert resolved["staff_comment"] == "Fixed"
        assert [(e["old_status"], e["new_status"]) for e in resolved["history"]] == [
            ("", "open"),
            ("open", "resolved"),
        ]

    def test_it_paginates_in_constant_queries(
        self, member_api, member, staff, django_assert_max_num_queries
    ):
        for i in range(25):
            ticket = make_ticket(author=member, subject=f"T{i}", seat=make_seat())
            services.ticket_set_status(ticket=ticket, status=S.IN_PROGRESS, by=staff)
        with django_assert_max_num_queries(4):
            response = member_api.get(MY, {"page_size": 30})
        assert len(response.json()["results"]) == 25
        assert member_api.get(MY).json()["next"]

    def test_my_tickets_filter_by_status(self, member_api, member, staff):
        done = make_ticket(author=member)
        make_ticket(author=member)
        services.ticket_set_status(ticket=done, status=S.RESOLVED, by=staff)
        response = member_api.get(MY, {"status": "resolved"})
        assert [t["id"] for t in response.json()["results"]] == [done.pk]
        assert member_api.get(MY, {"status": "nope"}).status_code == 400

    def test_one_ticket_of_mine_and_404_for_others(self, member_api, member, other_member):
        mine = make_ticket(author=member)
        theirs = make_ticket(author=other_member)
        assert member_api.get(f"/api/ticket/{mine.pk}").status_code == 200
        assert member_api.get(f"/api/ticket/{theirs.pk}").status_code == 404


class TestAdminList:
    def test_staff_filter_by_status_category_author_and_seat(
        self, staff_api, staff, member, other_member
    ):
        seat = make_seat()
        a = make_ticket(author=member, category="noise")
        b = make_ticket(author=other_member, category="equipment", seat=seat)
        c = make_ticket(author=member, category="equipment")
        services.ticket_set_status(ticket=c, status=S.IN_PROGRESS, by=staff)

        def ids(**params):
            response = staff_api.get(ADMIN_LIST, params)
            assert response.status_code == 200, response.json()
            return {t["id"] for t in response.json()["results"]}

        assert ids() == {a.pk, b.pk, c.pk}
        assert ids(status="open") == {a.pk, b.pk}
        assert ids(status="open,in_progress") == {a.pk, b.pk, c.pk}
        assert ids(category="equipment") == {b.pk, c.pk}
        assert ids(author=member.pk) == {a.pk, c.pk}
        assert ids(seat=seat.pk) == {b.pk}
        assert ids(author=member.pk, status="in_progress") == {c.pk}
        item = staff_api.get(ADMIN_LIST, {"seat": seat.pk}).json()["results"][0]
        assert item["author_email"] == "other@example.com"

    def test_staff_filter_by_filing_time(self, staff_api, member):
        old = make_ticket(author=member, subject="Old")
        new = make_ticket(author=member, subject="New")
        Ticket.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=10))
        since = (timezone.now() - dt.timedelta(days=1)).isoformat()
        response = staff_api.get(ADMIN_LIST, {"start": since})
        assert [t["id"] for t in response.json()["results"]] == [new.pk]
        response = staff_api.get(ADMIN_LIST, {"end": since})
        assert [t["id"] for t in response.json()["results"]] == [old.pk]

    def test_bad_filters_are_400(self, staff_api):
        assert staff_api.get(ADMIN_LIST, {"status": "closed"}).status_code == 400
        assert staff_api.get(ADMIN_LIST, {"author": "me"}).status_code == 400
        assert staff_api.get(ADMIN_LIST, {"start": "yesterday"}).status_code == 400

    def test_member_gets_403_and_anonymous_401(self, member_api, api):
        assert member_api.get(ADMIN_LIST).status_code == 403
        assert api.get(ADMIN_LIST).status_code == 401

    def test_staff_list_in_constant_queries(self, staff_api, member, django_assert_max_num_queries):
        for i in range(15):
            make_ticket(author=member, subject=f"T{i}", seat=make_seat())
        with django_assert_max_num_queries(4):
            response = staff_api.get(ADMIN_LIST)
        assert response.json()["count"] == 15


class TestAdminStatus:
    def test_staff_moves_a_ticket_and_it_is_recorded(self, staff_api, staff, member):
        ticket = make_ticket(author=member)
        response = staff_api.patch(
            status_url(ticket.pk), {"status": "in_progress", "comment": "Looking"}
        )
        assert response.status_code == 200, response.json()
        assert response.json()["status"] == "in_progress"
        event = ticket.events.last()
        assert (event.actor, event.old_status, event.new_status, event.comment) == (
            staff,
            "open",
            "in_progress",
            "Looking",
        )

    def test_forbidden_transition_is_400(self, staff_api, staff, member):
        ticket = make_ticket(author=member)
        services.ticket_set_status(ticket=ticket, status=S.REJECTED, by=staff)
        response = staff_api.patch(status_url(ticket.pk) + "/", {"status": "in_progress"})
        assert response.status_code == 400
        assert "status" in response.json()["errors"]

    def test_unknown_or_missing_status_is_400(self, staff_api, member):
        ticket = make_ticket(author=member)
        assert staff_api.patch(status_url(ticket.pk), {"status": "done"}).status_code == 400
        assert staff_api.patch(status_url(ticket.pk), {}).status_code == 400
        ticket.refresh_from_db()
        assert ticket.status == S.OPEN

    def test_missing_ticket_is_404(self, staff_api):
        assert staff_api.patch(status_url(999999), {"status": "resolved"}).status_code == 404

    def test_member_cannot_change_status(self, member_api, api, member):
        ticket = make_ticket(author=member)
        assert member_api.patch(status_url(ticket.pk), {"status": "resolved"}).status_code == 403
        assert api.patch(status_url(ticket.pk), {"status": "resolved"}).status_code == 401
        ticket.refresh_from_db()
        assert ticket.status == S.OPEN
