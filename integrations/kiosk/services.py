"""Kiosk rules: staff create and revoke wall-display links; a revoked link opens nothing.

Invariants:
- a kiosk shows exactly one floor; its token is 32 random URL-safe bytes (unguessable);
- a revoked kiosk (``revoked_at`` set) is never found by its token again;
- the page and its state endpoint need no login and reveal no identity except the first
  name of members who opted in (``User.show_on_map``).
"""

import datetime as dt
import secrets

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.services import require_staff
from bookit.links import absolute
from integrations.kiosk.models import Kiosk
from seats.models import Floor

SEEN_RESOLUTION = dt.timedelta(minutes=1)


def kiosk_create(*, floor: Floor, name: str, by: User) -> Kiosk:
    require_staff(by)
    return Kiosk.objects.create(
        floor=floor,
        name=(name or "").strip()[:100] or floor.name,
        token=secrets.token_urlsafe(32),
        created_by=by,
    )


def kiosk_revoke(*, kiosk: Kiosk, by: User, now: dt.datetime | None = None) -> Kiosk:
    """Idempotent: revoking twice keeps the first time."""
    require_staff(by)
    if kiosk.revoked_at is None:
        kiosk.revoked_at = now or timezone.now()
        kiosk.save(update_fields=["revoked_at"])
    return kiosk


def kiosk_by_token(token: str) -> Kiosk | None:
    """The live kiosk of this token, or None (unknown or revoked: both answer 404)."""
    return (
        Kiosk.objects.select_related("floor").filter(token=token, revoked_at__isnull=True).first()
    )


def kiosk_seen(*, kiosk: Kiosk, now: dt.datetime | None = None) -> None:
    """Record that the screen is alive, at most once a minute (so polling is not a write)."""
    now = now or timezone.now()
    if kiosk.last_seen_at is None or now - kiosk.last_seen_at >= SEEN_RESOLUTION:
        Kiosk.objects.filter(pk=kiosk.pk).filter(
            Q(last_seen_at__isnull=True) | Q(last_seen_at__lte=now - SEEN_RESOLUTION)
        ).update(last_seen_at=now)
        kiosk.last_seen_at = now


def kiosk_url(kiosk: Kiosk) -> str:
    return absolute(reverse("kiosk:page", args=[kiosk.token]))
