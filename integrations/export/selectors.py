"""Self-service data export: everything a member's account holds, as one JSON document.

It lives in integrations because it reads every app (accounts, reservations, tickets, the
outbox, Yandex links); the apps below do not know about each other. Other people appear only
by role ("staff"), never by name: the export is the member's data, not their colleagues'.
"""

import datetime as dt
import json
from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from accounts.avatars.images import avatar_url
from accounts.models import User
from integrations.models import Notification, NotificationDelivery
from reservations.models import Reservation
from tickets.models import Ticket, TicketEvent

FORMAT_VERSION = 1


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _profile(user: User, request: HttpRequest | None) -> dict[str, Any]:
    return {
        "id": user.pk,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "language": user.language,
        "email_confirmed": user.email_confirmed,
        "is_verified": user.is_verified,
        "verified_at": _iso(user.verified_at),
        "is_staff": user.is_staff,
        "date_joined": _iso(user.date_joined),
        "last_login": _iso(user.last_login),
        "avatar_url": avatar_url(user, request=request) if user.avatar else None,
        "telegram": {"id": user.telegram_id, "username": user.telegram_username}
        if user.telegram_id
        else None,
        "notify_email": user.notify_email,
        "notify_telegram": user.notify_telegram,
        "show_on_map": user.show_on_map,
        "has_password": user.has_usable_password(),
    }


def account_export(*, user: User, request: HttpRequest | None = None) -> dict[str, Any]:
    """The member's data; a fixed number of queries whatever the history's size."""
    reservations = (
        Reservation.objects.filter(user=user).select_related("seat__floor").order_by("start")
    )
    tickets = (
        Ticket.objects.filter(author=user)
        .select_related("seat")
        .prefetch_related(
            Prefetch(
                "events",
                queryset=TicketEvent.objects.order_by("created_at", "id"),
            )
        )
        .order_by("created_at")
    )
    notifications = (
        Notification.objects.filter(user=user)
        .prefetch_related(
            Prefetch("deliveries", queryset=NotificationDelivery.objects.order_by("channel"))
        )
        .order_by("created_at", "id")
    )
    return {
        "format": FORMAT_VERSION,
        "exported_at": _iso(timezone.now()),
        "profile": _profile(user, request),
        "linked_logins": [
            {"provider": social.provider, "uid": social.uid}
            for social in user.social_auth.order_by("provider")
        ],
        "reservations": [
            {
                "id": r.pk,
                "seat": r.seat.label,
                "floor": r.seat.floor.name,
                "start": _iso(r.start),
                "end": _iso(r.end),
                "status": r.status,
                "created_at": _iso(r.created_at),
                "created_by_you": r.created_by_id == user.pk,
                "checked_in_at": _iso(r.checked_in_at),
                "cancelled_at": _iso(r.cancelled_at),
            }
            for r in reservations
        ],
        "tickets": [
            {
                "id": t.pk,
                "category": t.category,
                "subject": t.subject,
                "text": t.text,
                "seat": t.seat.label if t.seat else None,
                "reservation": t.reservation_id,
                "status": t.status,
                "staff_comment": t.staff_comment,
                "created_at": _iso(t.created_at),
                "history": [
                    {
                        "at": _iso(e.created_at),
                        "by": "you" if e.actor_id == user.pk else "staff",
                        "old_status": e.old_status,
                        "new_status": e.new_status,
                        "comment": e.comment,
                    }
                    for e in t.events.all()
                ],
            }
            for t in tickets
        ],
        "notifications": [
            {
                "kind": n.kind,
                "created_at": _iso(n.created_at),
                "deliveries": [
                    {"channel": d.channel, "status": d.status, "sent_at": _iso(d.sent_at)}
                    for d in n.deliveries.all()
                ],
            }
            for n in notifications
        ],
    }


def export_response(*, user: User, request: HttpRequest | None = None) -> HttpResponse:
    """The export as a download (the API and the profile page answer the same file)."""
    data = account_export(user=user, request=request)
    body = json.dumps(data, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    name = f"bookit-export-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response
