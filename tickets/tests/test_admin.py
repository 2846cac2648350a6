import pytest
from django.urls import reverse

from tickets import services
from tickets.models import Ticket
from tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db
S = Ticket.Status
CHANGELIST = reverse("admin:tickets_ticket_changelist")


def change_url(ticket: Ticket) -> str:
    return reverse("admin:tickets_ticket_change", args=[ticket.pk])


def post_change_form(client, ticket: Ticket, **fields):
    """POST the change form as a browser would: the history inline's management data included."""
    page = client.get(change_url(ticket))
    data = {}
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        for form in [formset.management_form, *formset.forms]:
            for name in form.fields:
                value = form[name].value()
                if value is not None:
                    data[form.add_prefix(name)] = value
    data.update(fields)
    return client.post(change_url(ticket), data)


def test_changelist_lists_and_filters_by_author(staff_client, member, other_member):
    mine = make_ticket(author=member, subject="Wobbly chair")
    make_ticket(author=other_member, subject="Too loud")
    # The users admin links here with this exact query.
    response = staff_client.get(CHANGELIST, {"author__id__exact": member.pk})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [mine]


def test_changelist_action_calls_the_service(staff_client, staff, member):
    a = make_ticket(author=member)
    b = make_ticket(author=member)
    response = staff_client.post(
        CHANGELIST,
        {"action": "mark_in_progress", "_selected_action": [a.pk, b.pk]},
        follow=True,
    )
    assert response.status_code == 200
    for ticket in (a, b):
        ticket.refresh_from_db()
        assert ticket.status == S.IN_PROGRESS
        event = ticket.events.last()
        assert (event.actor, event.old_status, event.new_status) == (staff, "open", "in_progress")


def test_action_reports_tickets_that_cannot_move(staff_client, staff, member):
    closed = make_ticket(author=member)
    services.ticket_set_status(ticket=closed, status=S.REJECTED, by=staff)
    response = staff_client.post(
        CHANGELIST, {"action": "mark_in_progress", "_selected_action": [closed.pk]}, follow=True
    )
    closed.refresh_from_db()
    assert closed.status == S.REJECTED
    assert f"#{closed.pk}" in response.content.decode()


def test_change_form_shows_history_and_saves_through_the_service(staff_client, staff, member):
    ticket = make_ticket(author=member, subject="Lamp flickers")
    page = staff_client.get(change_url(ticket))
    assert page.status_code == 200
    assert "Lamp flickers" in page.content.decode()
    response = post_change_form(
        staff_client, ticket, status="resolved", comment="Replaced the bulb"
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    ticket.refresh_from_db()
    assert ticket.status == S.RESOLVED
    assert ticket.staff_comment == "Replaced the bulb"
    assert ticket.resolved_at is not None
    event = ticket.events.last()
    assert (event.actor, event.new_status, event.comment) == (
        staff,
        "resolved",
        "Replaced the bulb",
    )


def test_change_form_shows_a_forbidden_transition_as_a_form_error(staff_client, staff, member):
    ticket = make_ticket(author=member)
    services.ticket_set_status(ticket=ticket, status=S.RESOLVED, by=staff)
    response = post_change_form(staff_client, ticket, status="in_progress", comment="")
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "status" in form.errors
    ticket.refresh_from_db()
    assert ticket.status == S.RESOLVED
    assert ticket.events.count() == 2


def test_change_form_comment_alone_is_recorded(staff_client, staff, member):
    ticket = make_ticket(author=member)
    response = post_change_form(staff_client, ticket, status="open", comment="Ordered")
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.status, ticket.staff_comment) == (S.OPEN, "Ordered")
    assert ticket.events.last().comment == "Ordered"


def test_staff_cannot_add_tickets_in_admin(staff_client):
    assert staff_client.get(reverse("admin:tickets_ticket_add")).status_code == 403


def test_members_are_sent_to_the_admin_login(client, member):
    client.force_login(member)
    response = client.get(CHANGELIST)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_admin_index_links_to_staff_pages(staff_client):
    response = staff_client.get(reverse("admin:index"))
    content = response.content.decode()
    assert response.status_code == 200
    assert 'href="/staff/checkin/"' in content
    assert 'href="/staff/stats/"' in content
