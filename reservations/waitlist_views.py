"""The waitlist on the pages: join from the floor map (a busy seat) or the desk page, and
accept / decline / leave from "my bookings" (its waitlist section). Rules live in
reservations.waitlist; every action is a POST and answers with a redirect and a message."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bookit.errors import DomainError
from reservations import waitlist
from reservations.forms import BookForm
from reservations.policy import get_policy
from seats.models import Seat

LIST_ANCHOR = "#waitlist"


def _list_url() -> str:
    return reverse("reservations:list") + LIST_ANCHOR


def _back(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return _list_url()


@login_required
@require_POST
def waitlist_join(request: HttpRequest) -> HttpResponse:
    """From the floor map's list: the posted seat over the map's window."""
    policy = get_policy()
    form = BookForm(request.POST, policy=policy)
    if not form.is_valid():
        messages.error(request, _("Choose a seat and a time to join the waitlist."))
        return redirect(_back(request))
    seat = Seat.objects.select_related("floor").filter(pk=form.cleaned_data["seat"]).first()
    if seat is None:
        messages.error(request, _("This seat does not exist."))
        return redirect(_back(request))
    start, end = form.window()
    try:
        entry = waitlist.waitlist_join(user=request.user, seat=seat, start=start, end=end)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect(_back(request))
    joined(request, entry)
    return redirect(_list_url())


def joined(request: HttpRequest, entry) -> None:
    messages.success(
        request,
        _(
            "You are number %(n)d on the waitlist for seat %(seat)s. When it frees, it is held "
            "for you for %(minutes)d minutes and you are told."
        )
        % {
            "n": waitlist.position(entry),
            "seat": entry.seat.label if entry.seat else "",
            "minutes": waitlist.offer_minutes(),
        },
    )


@login_required
@require_POST
def waitlist_accept(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        reservation = waitlist.offer_accept(user=request.user, pk=pk)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect(_list_url())
    tz = get_policy().tz
    start, end = timezone.localtime(reservation.start, tz), timezone.localtime(reservation.end, tz)
    messages.success(
        request,
        _("Booked: seat %(seat)s, %(start)s–%(end)s.")
        % {"seat": reservation.seat.label, "start": f"{start:%H:%M}", "end": f"{end:%H:%M}"},
    )
    return redirect(reverse("reservations:list"))


@login_required
@require_POST
def waitlist_decline(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        waitlist.offer_decline(user=request.user, pk=pk)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Declined: the seat goes to the next in line."))
    return redirect(_list_url())


@login_required
@require_POST
def waitlist_leave(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        waitlist.waitlist_leave(user=request.user, pk=pk)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("You left the waitlist."))
    return redirect(_list_url())
