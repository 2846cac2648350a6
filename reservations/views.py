"""My bookings: upcoming and past, with QR, cancel, change time and calendar files.

Every page and action looks the booking up among the member's own (another member's answers
404, never 403), and every change goes through reservations.services.
"""

import base64

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from accounts.services import user_calendar_token
from bookit.errors import DomainError, NotFound
from bookit.forms import add_service_error
from bookit.links import site_url
from reservations import qr, selectors, series, services, waitlist
from reservations.calendar import build_calendar
from reservations.forms import ChangeTimeForm
from reservations.models import Reservation
from reservations.policy import get_policy
from seats import services as seat_services
from seats.models import Seat

Status = Reservation.Status
PAST_SHOWN = 50  # the latest ones; the full history is in the API and the admin


def _get_reservation_for_user(request: HttpRequest, pk: int) -> Reservation:
    reservation = (
        Reservation.objects.select_related("seat__floor").filter(pk=pk, user=request.user).first()
    )
    if reservation is None:
        raise Http404
    return reservation


def _when(reservation: Reservation, tz) -> str:
    start = timezone.localtime(reservation.start, tz)
    end = timezone.localtime(reservation.end, tz)
    return f"{formats.date_format(start.date(), 'D, j E')}, {start:%H:%M}–{end:%H:%M}"


def _qr_data_uri(reservation: Reservation, request: HttpRequest) -> str:
    """The check-in QR inline, so the page needs no second authenticated request per code."""
    content, content_type = qr.reservation_qr(reservation, fmt="svg", request=request)
    return f"data:{content_type};base64,{base64.b64encode(content).decode('ascii')}"


@login_required
@require_GET
def booking_list(request: HttpRequest) -> HttpResponse:
    policy = get_policy()
    upcoming, past = selectors.upcoming_split(user=request.user)
    now = timezone.now()
    cards = [
        {
            "reservation": r,
            "when": _when(r, policy.tz),
            "qr": _qr_data_uri(r, request),
            "can_change": r.status == Status.BOOKED and r.start > now,
            "form": ChangeTimeForm.for_reservation(r, policy=policy),
        }
        for r in upcoming
    ]
    history = [{"reservation": r, "when": _when(r, policy.tz)} for r in past[:PAST_SHOWN]]
    undoable = [
        {"reservation": r, "when": _when(r, policy.tz)}
        for r in past
        if r.status == Status.CANCELLED
        and r.cancelled_at is not None
        and r.cancelled_at >= now - services.UNDO_WINDOW
        and r.end > now
    ]
    token = user_calendar_token(user=request.user)
    feed_url = request.build_absolute_uri(reverse("reservations:feed", args=[token]))
    context = {
        "cards": cards,
        "history": history,
        "undoable": undoable,
        "history_cut": len(past) > PAST_SHOWN,
        "feed_url": feed_url,
        # webcal:// makes the browser hand the feed to the calendar app as a subscription.
        "webcal_url": "webcal://" + feed_url.split("://", 1)[1],
        "policy": policy,
        "waitlist": waitlist_cards(request.user, policy.tz),
    }
    return render(request, "reservations/booking_list.html", context)


def waitlist_cards(user: User, tz) -> list[dict]:
    """The member's active waitlist entries for "my bookings": offers first, then the line."""
    cards = []
    for entry in waitlist.entries_for_user(user=user, active_only=True):
        start, end = timezone.localtime(entry.start, tz), timezone.localtime(entry.end, tz)
        if entry.seat is not None:
            target = _("seat %(seat)s") % {"seat": entry.seat.label}
        else:
            parts = [entry.floor.name] if entry.floor else []
            parts += [entry.get_kind_display()] if entry.kind else []
            target = _("any seat: %(what)s") % {"what": ", ".join(parts)}
        cards.append(
            {
                "entry": entry,
                "target": target,
                "when": f"{formats.date_format(start.date(), 'D, j E')}, {start:%H:%M}–{end:%H:%M}",
                "position": waitlist.position(entry),
                "expires": timezone.localtime(entry.offer_expires_at, tz)
                if entry.offer_expires_at
                else None,
            }
        )
    cards.sort(key=lambda c: c["entry"].status != waitlist.Status.OFFERED)
    return cards


def _list_action(request: HttpRequest, pk: int, action, success: str = "") -> HttpResponse:
    """Run ``action`` (a booking service) on the member's booking, say how it went, and go
    back to the list."""
    reservation = _get_reservation_for_user(request, pk)
    try:
        action(reservation=reservation, by=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        if success:
            when = _when(reservation, get_policy().tz)
            messages.success(request, success % {"seat": reservation.seat.label, "when": when})
    return redirect("reservations:list")


@login_required
@require_POST
def booking_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    # No message: the list says "Cancelled: …" with its Undo button (services.UNDO_WINDOW).
    return _list_action(request, pk, services.reservation_cancel)


@login_required
@require_POST
def booking_restore(request: HttpRequest, pk: int) -> HttpResponse:
    """Undo a cancellation: the booking comes back when every booking rule still holds."""
    return _list_action(
        request, pk, services.reservation_restore, _("Booked again: seat %(seat)s, %(when)s.")
    )


@login_required
@require_POST
def series_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel the future occurrences of one of my series (another member's is 404)."""
    try:
        item = series.series_get(user=request.user, pk=pk)
        count = series.series_cancel(series=item, by=request.user)
    except NotFound:
        raise Http404 from None
    messages.success(request, _("Series cancelled: %(n)d bookings freed.") % {"n": count})
    return redirect("reservations:list")


@login_required
@require_http_methods(["GET", "POST"])
def booking_change(request: HttpRequest, pk: int) -> HttpResponse:
    reservation = _get_reservation_for_user(request, pk)
    policy = get_policy()
    data = request.POST if request.method == "POST" else None
    form = ChangeTimeForm.for_reservation(reservation, policy=policy, data=data)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            start, end = form.window()
            try:
                services.reservation_update(
                    reservation=reservation, by=request.user, start=start, end=end
                )
            except DomainError as exc:
                add_service_error(form, exc)
                status = exc.status_code
            else:
                messages.success(
                    request,
                    _("Changed: seat %(seat)s, %(when)s.")
                    % {"seat": reservation.seat.label, "when": _when(reservation, policy.tz)},
                )
                return redirect("reservations:list")
    context = {"reservation": reservation, "form": form, "when": _when(reservation, policy.tz)}
    return render(request, "reservations/booking_change.html", context, status=status)


def _ics_response(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text.encode("utf-8"), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def booking_ics(request: HttpRequest, pk: int) -> HttpResponse:
    reservation = _get_reservation_for_user(request, pk)
    text = build_calendar([reservation], name=_("BookIT bookings"), site=site_url(request))
    return _ics_response(text, f"bookit-{reservation.pk}.ics")


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A member's secret feed of upcoming live bookings. The URL is the credential."""
    user = User.objects.filter(calendar_token=token, is_active=True).first()
    if user is None:
        raise Http404
    now = timezone.now()
    reservations = (
        Reservation.objects.filter(user=user)
        .live(now=now)
        .upcoming(now=now)
        .select_related("seat__floor")
        .order_by("start")
    )
    with translation.override(user.language):
        text = build_calendar(
            reservations, name=_("BookIT bookings"), now=now, site=site_url(request)
        )
    response = _ics_response(text, "bookit.ics")
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
@require_POST
def favourite_toggle(request: HttpRequest) -> HttpResponse:
    """Star or unstar a seat from the map (``seat``, ``on`` = 1 or 0), then back to ``next``."""
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    raw = request.POST.get("seat", "")
    seat = Seat.objects.filter(pk=int(raw)).first() if raw.isdigit() and len(raw) < 19 else None
    if seat is None:
        messages.error(request, _("This seat does not exist."))
        return redirect(target)
    try:
        if request.POST.get("on") == "1":
            seat_services.favourite_add(user=request.user, seat=seat)
            messages.success(request, _("Seat %(seat)s is a favourite now.") % {"seat": seat.label})
        else:
            seat_services.favourite_remove(user=request.user, seat=seat)
            messages.success(
                request, _("Seat %(seat)s is no longer a favourite.") % {"seat": seat.label}
            )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect(target)
