import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from reservations.tests.factories import make_reservation
from seats.tests.factories import make_seat
from tickets import services
from tickets.models import Ticket
from tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db
S = Ticket.Status
LIST = reverse("tickets:list")
NEW = reverse("tickets:new")


def test_pages_need_login(client, member):
    ticket = make_ticket(author=member)
    for url in (LIST, NEW, reverse("tickets:detail", args=[ticket.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_list_shows_my_tickets_only_in_constant_queries(
    member_client, member, other_member, staff, django_assert_max_num_queries
):
    for i in range(12):
        ticket = make_ticket(author=member, subject=f"Mine {i}", seat=make_seat())
        services.ticket_set_status(ticket=ticket, status=S.IN_PROGRESS, by=staff)
    make_ticket(author=other_member, subject="Secret of Oleg")
    # Session, user, count, tickets (+ their history prefetch).
    with django_assert_max_num_queries(6):
        response = member_client.get(LIST)
    content = response.content.decode()
    assert response.status_code == 200
    assert content.count('href="/tickets/') >= 12
    assert "Mine 11" in content
    assert "Secret of Oleg" not in content


def test_list_paginates(member_client, member):
    for i in range(25):
        make_ticket(author=member, subject=f"Ticket number {i}")
    first = member_client.get(LIST).content.decode()
    second = member_client.get(LIST, {"page": 2}).content.decode()
    assert "Ticket number 24" in first and "Ticket number 0" not in first
    assert "Ticket number 0" in second


def test_new_ticket_is_created_and_shown(member_client, member):
    response = member_client.post(
        NEW, {"subject": "Cold room", "category": "other", "text": "Heating is off."}
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("tickets:detail", args=[ticket.pk])
    assert ticket.author == member
    detail = member_client.get(response["Location"]).content.decode()
    assert "Cold room" in detail and "Heating is off." in detail


def test_new_ticket_form_is_prefilled_from_a_booking(member_client, member, other_member):
    mine = make_reservation(user=member)
    theirs = make_reservation(user=other_member)
    response = member_client.get(NEW, {"seat": mine.seat_id, "reservation": mine.pk})
    form = response.context["form"]
    assert response.status_code == 200
    assert form["seat"].value() == mine.seat_id
    assert form["reservation"].value() == mine.pk
    # Only the member's own bookings are offered.
    assert list(form.fields["reservation"].queryset) == [mine]
    ignored = member_client.get(NEW, {"reservation": theirs.pk, "seat": "x"})
    assert ignored.context["form"]["reservation"].value() is None


def test_an_old_booking_is_offered_when_prefilled(member_client, member):
    old = make_reservation(user=member, start=timezone.now() - dt.timedelta(days=90))
    form = member_client.get(NEW, {"reservation": old.pk}).context["form"]
    assert old in form.fields["reservation"].queryset


def test_new_ticket_for_a_booking_takes_its_seat(member_client, member):
    reservation = make_reservation(user=member)
    url = f"{NEW}?seat={reservation.seat_id}&reservation={reservation.pk}"
    response = member_client.post(
        url,
        {
            "subject": "Screen",
            "category": "equipment",
            "text": "Dead pixels",
            "reservation": reservation.pk,
            "seat": reservation.seat_id,
        },
    )
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert (ticket.reservation, ticket.seat) == (reservation, reservation.seat)


def test_empty_form_shows_field_errors(member_client):
    response = member_client.post(NEW, {"subject": "", "text": "", "category": "other"})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"subject", "text"}
    assert not Ticket.objects.exists()


def test_service_errors_show_on_the_field(member_client, member):
    reservation = make_reservation(user=member)
    response = member_client.post(
        NEW,
        {
            "subject": "s",
            "category": "seat",
            "text": "t",
            "reservation": reservation.pk,
            "seat": make_seat().pk,
        },
    )
    assert response.status_code == 400
    assert "seat" in response.context["form"].errors
    assert not Ticket.objects.exists()


def test_someone_elses_booking_cannot_be_posted(member_client, other_member):
    theirs = make_reservation(user=other_member)
    response = member_client.post(
        NEW, {"subject": "s", "category": "seat", "text": "t", "reservation": theirs.pk}
    )
    assert response.status_code == 400
    assert "reservation" in response.context["form"].errors
    assert not Ticket.objects.exists()


def test_detail_shows_history_in_constant_queries(
    member_client, member, staff, django_assert_max_num_queries
):
    ticket = make_ticket(author=member, subject="Noisy neighbours", seat=make_seat())
    services.ticket_set_status(ticket=ticket, status=S.IN_PROGRESS, by=staff)
    services.ticket_set_status(ticket=ticket, status=S.RESOLVED, comment="Talked to them", by=staff)
    with django_assert_max_num_queries(5):
        response = member_client.get(reverse("tickets:detail", args=[ticket.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Noisy neighbours" in content
    assert "Talked to them" in content
    assert content.count('class="ticket-event"') == 3  # filed, in progress, resolved


def test_other_members_ticket_is_404(member_client, other_member):
    theirs = make_ticket(author=other_member)
    assert member_client.get(reverse("tickets:detail", args=[theirs.pk])).status_code == 404
