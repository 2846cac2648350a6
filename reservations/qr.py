"""QR images: of a booking's signed check-in token, and of a seat's desk page."""

import io

import qrcode
import qrcode.image.svg
from django.http import HttpRequest

from bookit.links import absolute
from reservations.models import Reservation
from reservations.services import checkin_token


def checkin_url(reservation: Reservation, request: HttpRequest | None = None) -> str:
    """What the code encodes: the staff check-in page with the signed token.

    A phone camera opens the page; a USB scanner types it into the check-in field, which
    accepts either the URL or the bare token.
    """
    return absolute(f"/staff/checkin/?token={checkin_token(reservation)}", request)


def qr_image(data: str, *, fmt: str = "png") -> tuple[bytes, str]:
    """(content, content type) of a QR code of ``data``: PNG, or SVG for ``fmt="svg"``."""
    buffer = io.BytesIO()
    if fmt == "svg":
        qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage).save(buffer)
        return buffer.getvalue(), "image/svg+xml"
    qrcode.make(data, box_size=8, border=2).save(buffer, format="PNG")
    return buffer.getvalue(), "image/png"


def reservation_qr(
    reservation: Reservation, *, fmt: str = "png", request: HttpRequest | None = None
) -> tuple[bytes, str]:
    return qr_image(checkin_url(reservation, request), fmt=fmt)
