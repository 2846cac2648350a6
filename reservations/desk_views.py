"""The desk page ``/s/<token>``: what a phone opens after scanning the code stuck on a desk.

Anyone sees whether the seat is free now and until when (never who holds it); a logged-in
member checks in their own booking in one tap, or books the free seat on the spot (walk-in,
checked in at once). Both are POSTs: opening a scanned link never changes anything by itself.
Rules live in reservations.desk and the booking service.
"""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from bookit.errors import DomainError, NotFound, ValidationFailed
from reservations import desk, waitlist
from reservations.policy import get_policy


def _seat(token: str):
    try:
        return desk.seat_for_token(token)
    except NotFound:
        raise Http404 from None


@require_http_methods(["GET"])
def desk_page(request: HttpRequest, token: str) -> HttpResponse:
    seat = _seat(token)
    state = desk.desk_state(seat=seat, user=request.user)
    return render(request, "reservations/desk.html", {"state": state, "token": token})


def _act(request: HttpRequest, token: str, action) -> HttpResponse:
    seat = _seat(token)
    try:
        message = action(seat)
    except DomainError as exc:
        state = desk.desk_state(seat=seat, user=request.user)
        context = {"state": state, "token": token, "error": str(exc.message)}
        return render(request, "reservations/desk.html", context, status=exc.status_code)
    messages.success(request, message)
    return redirect("reservations:desk", token=token)


@login_required
@require_POST
def desk_check_in(request: HttpRequest, token: str) -> HttpResponse:
    def action(seat):
        reservation, changed = desk.desk_check_in(seat=seat, user=request.user)
        return _("Checked in.") if changed else _("You are already checked in.")

    return _act(request, token, action)


@login_required
@require_POST
def desk_walk_in(request: HttpRequest, token: str) -> HttpResponse:
    def action(seat):
        end = _end_from(request.POST.get("end", ""))
        reservation = desk.walk_in(seat=seat, user=request.user, end=end)
        until = timezone.localtime(reservation.end, get_policy().tz)
        return _("Booked and checked in until %(time)s.") % {"time": f"{until:%H:%M}"}

    return _act(request, token, action)


def _end_from(value: str) -> dt.datetime | None:
    """The chosen end (an ISO datetime from the page's select), or None for the default."""
    if not value:
        return None
    try:
        end = dt.datetime.fromisoformat(value)
    except ValueError:
        end = None
    if end is None or timezone.is_naive(end):
        raise ValidationFailed.on("end", _("Choose an end time from the list."))
    return end


@login_required
@require_POST
def desk_waitlist(request: HttpRequest, token: str) -> HttpResponse:
    def action(seat):
        end = _end_from(request.POST.get("end", ""))
        entry = desk.join_waitlist(seat=seat, user=request.user, end=end)
        return _(
            "You are number %(n)d on the waitlist for this seat. When it frees, it is held for "
            "you for %(minutes)d minutes and you are told."
        ) % {"n": waitlist.position(entry), "minutes": waitlist.offer_minutes()}

    return _act(request, token, action)
