"""The staff QR check-in page. Checking in is a POST only: opening a scanned link never checks
anyone in by itself (link previews, prefetching and browser history would otherwise do it)."""

import datetime as dt

from django import forms
from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from bookit.errors import DomainError
from bookit.forms import add_service_error
from reservations import messages as msg
from reservations import services
from reservations.models import Reservation
from reservations.policy import get_policy

TODAY_LIMIT = 200


class CheckInForm(forms.Form):
    token = forms.CharField(
        label=_("QR code"),
        max_length=1000,
        help_text=_("Scan the member's QR code, or paste the code or its link, then press Enter."),
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "off",
                "autocapitalize": "off",
                "spellcheck": "false",
                "inputmode": "url",
            }
        ),
    )


def _todays_checkins() -> list[Reservation]:
    tz = get_policy().tz
    day_start = timezone.localtime(timezone.now(), tz).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    return list(
        Reservation.objects.filter(
            checked_in_at__gte=day_start, checked_in_at__lt=day_start + dt.timedelta(days=1)
        )
        .select_related("user", "seat__floor")
        .order_by("-checked_in_at", "-id")[:TODAY_LIMIT]
    )


def _preview(form: CheckInForm, token: str) -> Reservation | None:
    """Whose booking a scanned link names, shown before staff confirm; errors go on the field."""
    try:
        pk = services.checkin_reservation_id(token)
    except DomainError as exc:
        add_service_error(form, exc)
        return None
    reservation = Reservation.objects.select_related("user", "seat__floor").filter(pk=pk).first()
    if reservation is None:
        form.add_error("token", msg.QR_INVALID)
    return reservation


@staff_member_required
@require_http_methods(["GET", "POST"])
def checkin(request):
    result = preview = None
    status = 200
    if request.method == "POST":
        form = CheckInForm(request.POST)
        if form.is_valid():
            try:
                reservation, changed = services.reservation_check_in_by_token(
                    token=form.cleaned_data["token"], by=request.user
                )
            except DomainError as exc:
                add_service_error(form, exc)
                status = 400
            else:
                result = {"reservation": reservation, "already": not changed}
                form = CheckInForm()  # an empty, focused field for the next scan
        else:
            status = 400
    else:
        token = request.GET.get("token", "").strip()
        form = CheckInForm({"token": token}) if token else CheckInForm()
        if token and form.is_valid():
            preview = _preview(form, form.cleaned_data["token"])
    context = {
        "form": form,
        "result": result,
        "preview": preview,
        "today": _todays_checkins(),
    }
    return render(request, "reservations/staff_checkin.html", context, status=status)
