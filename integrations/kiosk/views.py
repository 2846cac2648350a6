"""The kiosk wall display: /kiosk/<token>/ (no login) and the "scan to book" QR images."""

import io

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from integrations.kiosk import selectors, services
from seats.tokens import seat_desk_url


def _kiosk_or_404(token: str):
    kiosk = services.kiosk_by_token(token)
    if kiosk is None:
        raise Http404
    return kiosk


@never_cache
def kiosk_page(request: HttpRequest, token: str) -> HttpResponse:
    kiosk = _kiosk_or_404(token)
    services.kiosk_seen(kiosk=kiosk)
    state = selectors.floor_state(floor=kiosk.floor)
    context = {
        "kiosk": kiosk,
        "state": state,
        "featured": selectors.featured_seat(state),
        "poll_seconds": settings.KIOSK_POLL_SECONDS,
        "refresh_seconds": settings.KIOSK_REFRESH_SECONDS,
    }
    return render(request, "integrations/kiosk.html", context)


def kiosk_seat_qr(request: HttpRequest, token: str, seat_id: int) -> HttpResponse:
    """The QR code of one seat of this kiosk's floor, opening that seat's desk page."""
    kiosk = _kiosk_or_404(token)
    if not kiosk.floor.seats.filter(pk=seat_id, is_active=True).exists():
        raise Http404
    buffer = io.BytesIO()
    image = qrcode.make(seat_desk_url(seat_id), image_factory=qrcode.image.svg.SvgPathImage)
    image.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=3600"
    return response
