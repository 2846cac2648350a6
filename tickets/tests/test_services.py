import pytest

from bookit.errors import PermissionDenied, ValidationFailed
from reservations.tests.factories import make_reservation
from seats.tests.factories import make_seat
from tickets import services
from tickets.models import Ticket, TicketEvent
from tickets.signals import ticket_status_changed
from tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db
S = Ticket.Status


class TestCreate:
    def test_it_creates_an_open_ticket_with_an_opening_event(self, member):
        ticket = make_ticket(author=member, category="noise")
        assert ticket.status == S.OPEN
        assert ticket.category == "noise"
        [event] = ticket.events.all()
        assert (event.old_status, event.new_status, event.actor) == ("", S.OPEN, member)

    def test_it_takes_the_seat_of_the_reservation(self, member):
        reservation = make_reservation(user=member)
        ticket = make_ticket(author=member, reservation=reservation)
        assert ticket.seat == reservation.seat

    @pytest.mark.parametrize("field", ["subject", "text"])
    def test_blank_subject_or_text_is_a_field_error(self, member, field):
        kwargs = {"subject": "Lamp", "text": "Flickers", field: "   "}
        with pytest.raises(ValidationFailed) as exc:
            services.ticket_create(author=member, **kwargs)
        assert field in exc.value.errors
        assert not Ticket.objects.exists()

    def test_someone_elses_reservation_is_refused(self, member, other_member):
        reservation = make_reservation(user=other_member)
        with pytest.raises(ValidationFailed) as exc:
            make_ticket(author=member, reservation=reservation)
        assert "reservation" in exc.value.errors

    def test_a_seat_other_than_the_reservations_is_refused(self, member):
        reservation = make_reservation(user=member)
        with pytest.raises(ValidationFailed) as exc:
            make_ticket(author=member, reservation=reservation, seat=make_seat())
        assert "seat" in exc.value.errors

    def test_unknown_category_is_refused(self, member):
        with pytest.raises(ValidationFailed) as exc:
            make_ticket(author=member, category="weather")
        assert "category" in exc.value.errors


ALLOWED = [
    (S.OPEN, S.IN_PROGRESS),
    (S.OPEN, S.RESOLVED),
    (S.OPEN, S.REJECTED),
    (S.IN_PROGRESS, S.RESOLVED),
    (S.IN_PROGRESS, S.REJECTED),
    (S.RESOLVED, S.OPEN),
    (S.REJECTED, S.OPEN),
]
FORBIDDEN = [
    (S.OPEN, S.OPEN),
    (S.IN_PROGRESS, S.OPEN),
    (S.IN_PROGRESS, S.IN_PROGRESS),
    (S.RESOLVED, S.IN_PROGRESS),
    (S.RESOLVED, S.REJECTED),
    (S.REJECTED, S.RESOLVED),
    (S.OPEN, "closed"),
]


def _ticket_in(status, author):
    ticket = make_ticket(author=author)
    Ticket.objects.filter(pk=ticket.pk).update(status=status)
    ticket.refresh_from_db()
    return ticket


class TestSetStatus:
    @pytest.mark.parametrize(("old", "new"), ALLOWED)
    def test_allowed_transitions_apply_and_are_recorded(self, member, staff, old, new):
        ticket = _ticket_in(old, member)
        services.ticket_set_status(ticket=ticket, status=new, comment=" On it ", by=staff)
        ticket.refresh_from_db()
        assert ticket.status == new
        assert ticket.staff_comment == "On it"
        assert (ticket.resolved_at is not None) == (new in (S.RESOLVED, S.REJECTED))
        event = ticket.events.last()
        assert (event.old_status, event.new_status, event.actor, event.comment) == (
            old,
            new,
            staff,
            "On it",
        )

    @pytest.mark.parametrize(("old", "new"), FORBIDDEN)
    def test_forbidden_transitions_are_a_status_error(self, member, staff, old, new):
        ticket = _ticket_in(old, member)
        with pytest.raises(ValidationFailed) as exc:
            services.ticket_set_status(ticket=ticket, status=new, by=staff)
        assert "status" in exc.value.errors
        ticket.refresh_from_db()
        assert ticket.status == old
        assert ticket.events.count() == 1

    def test_a_member_cannot_change_the_status(self, member):
        ticket = make_ticket(author=member)
        with pytest.raises(PermissionDenied):
            services.ticket_set_status(ticket=ticket, status=S.RESOLVED, by=member)
        ticket.refresh_from_db()
        assert ticket.status == S.OPEN

    def test_it_checks_the_stored_status_not_a_stale_copy(self, member, staff):
        ticket = make_ticket(author=member)
        stale = Ticket.objects.get(pk=ticket.pk)
        services.ticket_set_status(ticket=ticket, status=S.REJECTED, by=staff)
        # The stale copy still says "open", but the ticket is rejected now.
        with pytest.raises(ValidationFailed):
            services.ticket_set_status(ticket=stale, status=S.IN_PROGRESS, by=staff)

    def test_the_signal_fires_with_the_change(self, member, staff):
        ticket = make_ticket(author=member)
        received = []

        def receiver(sender, **kwargs):
            received.append(kwargs)

        ticket_status_changed.connect(receiver)
        try:
            services.ticket_set_status(
                ticket=ticket, status=S.IN_PROGRESS, comment="Looking", by=staff
            )
        finally:
            ticket_status_changed.disconnect(receiver)
        [kwargs] = received
        assert kwargs["ticket"].pk == ticket.pk
        assert kwargs["ticket"].status == S.IN_PROGRESS
        assert (kwargs["old_status"], kwargs["new_status"]) == (S.OPEN, S.IN_PROGRESS)
        assert (kwargs["comment"], kwargs["by"]) == ("Looking", staff)

    def test_a_failing_receiver_rolls_the_change_back(self, member, staff):
        ticket = make_ticket(author=member)

        def receiver(sender, **kwargs):
            raise RuntimeError("outbox down")

        ticket_status_changed.connect(receiver)
        try:
            with pytest.raises(RuntimeError):
                services.ticket_set_status(ticket=ticket, status=S.RESOLVED, by=staff)
        finally:
            ticket_status_changed.disconnect(receiver)
        assert Ticket.objects.get(pk=ticket.pk).status == S.OPEN
        assert TicketEvent.objects.filter(ticket=ticket).count() == 1


class TestComment:
    def test_it_records_a_comment_without_changing_the_status(self, member, staff):
        ticket = make_ticket(author=member)
        services.ticket_comment(ticket=ticket, comment="Technician on Monday", by=staff)
        ticket.refresh_from_db()
        assert ticket.status == S.OPEN
        assert ticket.staff_comment == "Technician on Monday"
        event = ticket.events.last()
        assert (event.old_status, event.new_status) == (S.OPEN, S.OPEN)

    def test_members_cannot_comment_as_staff(self, member):
        ticket = make_ticket(author=member)
        with pytest.raises(PermissionDenied):
            services.ticket_comment(ticket=ticket, comment="Done", by=member)


def test_deleting_the_author_keeps_the_ticket_anonymised(member):
    ticket = make_ticket(author=member)
    member.delete()
    ticket.refresh_from_db()
    assert ticket.author is None
    assert ticket.events.get().actor is None
