"""The desk's own QR code: a signed, stable token per seat, and the URL it opens.

docs/kiosk.md, "the desk's own QR code": a code stuck on a desk (or shown by the kiosk) encodes
``<SITE_URL>/s/<token>``. The token is the seat id signed with SECRET_KEY (not a guessable
id, and no expiry: a printed sticker must keep working); ``seat_id_from_token`` is what the
``/s/<token>`` page and the ``seat/by-token/{token}`` API use to read it back. Rotating
SECRET_KEY invalidates every printed code.
"""

from django.core import signing

from bookit.links import absolute

SEAT_TOKEN_SALT = "bookit.seat"


def seat_token(seat_id: int) -> str:
    return signing.Signer(salt=SEAT_TOKEN_SALT).sign(str(seat_id))


def seat_id_from_token(token: str) -> int | None:
    """The seat id inside a token, or None when the token was not signed by us."""
    try:
        return int(signing.Signer(salt=SEAT_TOKEN_SALT).unsign(token.strip()))
    except (signing.BadSignature, ValueError):
        return None


def seat_desk_url(seat_id: int) -> str:
    """The absolute URL of the seat's desk page (``/s/<token>``)."""
    return absolute(f"/s/{seat_token(seat_id)}")
