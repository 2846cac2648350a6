from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from bookit.errors import DomainError
from bookit.forms import add_service_error
from tickets import selectors, services
from tickets.forms import TicketForm
from tickets.models import Ticket

PAGE_SIZE = 20


def _get_ticket_for_user(request, pk: int) -> Ticket:
    """Another member's ticket is a 404: its existence is not leaked."""
    ticket = selectors.ticket_for_user(user=request.user, pk=pk)
    if ticket is None:
        raise Http404
    return ticket


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@login_required
def ticket_list(request):
    page = Paginator(selectors.tickets_for_user(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "tickets/ticket_list.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def ticket_new(request):
    seat_id = _int_or_none(request.GET.get("seat"))
    reservation_id = _int_or_none(request.GET.get("reservation"))
    form = TicketForm(
        request.POST or None,
        user=request.user,
        prefill_reservation=reservation_id,
        initial={"seat": seat_id, "reservation": reservation_id},
    )
    if (
        reservation_id
        and not form.fields["reservation"].queryset.filter(pk=reservation_id).exists()
    ):
        # A pre-fill naming someone else's booking is ignored, not shown.
        form.initial["reservation"] = None
    if request.method == "POST" and form.is_valid():
        try:
            ticket = services.ticket_create(author=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Thank you! Staff will look into it."))
            return redirect("tickets:detail", pk=ticket.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "tickets/ticket_form.html", {"form": form}, status=status)


@login_required
def ticket_detail(request, pk: int):
    return render(
        request, "tickets/ticket_detail.html", {"ticket": _get_ticket_for_user(request, pk)}
    )
