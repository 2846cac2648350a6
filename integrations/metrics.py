"""Business metrics for Prometheus, next to django-prometheus's request/DB/cache metrics.

Two kinds:
- counters of events (bookings created, cancelled, checked in, no-shows; 409 conflicts), fed by
  the reservation signals. Booking events are sent inside the booking transaction, so they are
  counted in ``transaction.on_commit``: a rolled-back booking never counts. Conflicts are
  counted at once, because the 409 rolls the transaction back.
- gauges of database state (occupancy, upcoming bookings, members, tickets, outbox backlog),
  computed by a custom collector at scrape time with a few aggregate queries: the database's
  state, so whichever process answers the scrape computes them. A database error never breaks
  ``/metrics``: the collector reports ``bookit_collector_up 0`` and skips the gauges it could
  not compute.

Under gunicorn (deploy/gunicorn.conf.py) the web container runs several worker processes in
prometheus_client's multiprocess mode: ``export_registry`` then adds up every worker's files and
puts the state collector beside them (docs/metrics.md). Without ``PROMETHEUS_MULTIPROC_DIR``
(runserver, tests, the scheduler and the bot) the process's own registry is exported.

Imported once from ``IntegrationsConfig.ready()``, which connects the receivers.
"""

import datetime as dt
import hmac
import logging
import os
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core import checks
from django.db import transaction
from django.db.models import Count, Q
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from accounts.models import User
from integrations.models import NotificationDelivery, WebhookDelivery
from reservations.models import Reservation
from reservations.signals import reservation_changed, reservation_conflict
from seats.models import Floor, Seat
from tickets.models import Ticket

logger = logging.getLogger(__name__)

SEAT_LABELS = ["kind", "floor"]

RESERVATIONS_CREATED = Counter(
    "bookit_reservations_created_total", "Reservations created.", SEAT_LABELS
)
RESERVATIONS_CANCELLED = Counter(
    "bookit_reservations_cancelled_total", "Reservations cancelled.", SEAT_LABELS
)
RESERVATIONS_CHECKED_IN = Counter(
    "bookit_reservations_checked_in_total", "Reservations checked in by QR.", SEAT_LABELS
)
RESERVATIONS_NO_SHOW = Counter(
    "bookit_reservations_no_show_total", "Reservations released as no-shows.", SEAT_LABELS
)
BOOKING_CONFLICTS = Counter(
    "bookit_booking_conflicts_total",
    "Bookings refused with 409 because of an overlap (kind: seat or member).",
    ["kind"],
)

_COUNTER_BY_ACTION = {
    "created": RESERVATIONS_CREATED,
    "cancelled": RESERVATIONS_CANCELLED,
    "checked_in": RESERVATIONS_CHECKED_IN,
    "no_show": RESERVATIONS_NO_SHOW,
}


def _seat_labels(reservation) -> tuple[str, str]:
    """(kind, floor name) of the reservation's seat, without a query when already loaded."""
    seat_field = type(reservation)._meta.get_field("seat")
    if seat_field.is_cached(reservation):
        seat = reservation.seat
        floor_field = type(seat)._meta.get_field("floor")
        if floor_field.is_cached(seat):
            return seat.kind, seat.floor.name
    row = Seat.objects.filter(pk=reservation.seat_id).values_list("kind", "floor__name").first()
    return row if row else ("unknown", "unknown")


@receiver(reservation_changed, dispatch_uid="integrations.metrics.reservation_changed")
def _on_reservation_changed(sender, *, reservation, action: str, **kwargs) -> None:
    counter = _COUNTER_BY_ACTION.get(action)
    if counter is None:
        return
    try:
        kind, floor = _seat_labels(reservation)
    except Exception:  # metrics must never break a booking
        logger.exception("metrics: could not read the seat of reservation %s", reservation.pk)
        return
    child = counter.labels(kind=kind, floor=floor)
    # robust: a failing callback must not stop the others (notifications) from running.
    transaction.on_commit(child.inc, robust=True)


@receiver(reservation_conflict, dispatch_uid="integrations.metrics.reservation_conflict")
def _on_reservation_conflict(sender, *, kind: str, **kwargs) -> None:
    BOOKING_CONFLICTS.labels(kind=kind).inc()


class BookitStateCollector(Collector):
    """Gauges computed from the database at scrape time, each group isolated from the others."""

    def describe(self) -> Iterable[GaugeMetricFamily]:
        # Names only: without describe() the registry would call collect(), i.e. query the
        # database, at import time.
        return [
            GaugeMetricFamily("bookit_collector_up", ""),
            GaugeMetricFamily("bookit_seat_occupancy_ratio", "", labels=["floor"]),
            GaugeMetricFamily("bookit_seats_active", "", labels=["floor"]),
            GaugeMetricFamily("bookit_seats_occupied", "", labels=["floor"]),
            GaugeMetricFamily("bookit_reservations_upcoming", ""),
            GaugeMetricFamily("bookit_reservations_started_24h", "", labels=["status"]),
            GaugeMetricFamily("bookit_members", "", labels=["status"]),
            GaugeMetricFamily("bookit_tickets", "", labels=["status"]),
            GaugeMetricFamily("bookit_notification_outbox_backlog", ""),
            GaugeMetricFamily("bookit_notification_outbox_failed", ""),
            GaugeMetricFamily("bookit_webhook_deliveries", "", labels=["status"]),
        ]

    def collect(self) -> Iterable[GaugeMetricFamily]:
        now = timezone.now()
        ok = True
        groups: list[Callable[[dt.datetime], list[GaugeMetricFamily]]] = [
            _occupancy,
            _upcoming,
            _started_24h,
            _members,
            _tickets,
            _outbox,
            _webhooks,
        ]
        families: list[GaugeMetricFamily] = []
        for group in groups:
            try:
                families.extend(group(now))
            except Exception:
                ok = False
                logger.warning("metrics: %s failed", group.__name__, exc_info=True)
        up = GaugeMetricFamily(
            "bookit_collector_up", "1 if every database-backed gauge was computed."
        )
        up.add_metric([], 1.0 if ok else 0.0)
        yield up
        yield from families


def _occupancy(now: dt.datetime) -> list[GaugeMetricFamily]:
    floors = Floor.objects.annotate(
        active=Count("seats", filter=Q(seats__is_active=True))
    ).values_list("name", "active")
    occupied = dict(
        Reservation.objects.live(now=now)
        .exclude(status=Reservation.Status.HELD)  # a waitlist hold is nobody's use of the seat
        .filter(start__lte=now, end__gt=now, seat__is_active=True)
        .values_list("seat__floor__name")
        .annotate(n=Count("seat", distinct=True))
        .values_list("seat__floor__name", "n")
    )
    ratio = GaugeMetricFamily(
        "bookit_seat_occupancy_ratio",
        "Share of active seats held by a live reservation right now.",
        labels=["floor"],
    )
    active_family = GaugeMetricFamily("bookit_seats_active", "Active seats.", labels=["floor"])
    occupied_family = GaugeMetricFamily(
        "bookit_seats_occupied", "Active seats held by a live reservation now.", labels=["floor"]
    )
    totals: dict[str, int] = {}
    for name, active in floors:  # two floors may share a name: add them up
        totals[name] = totals.get(name, 0) + active
    for name, active in totals.items():
        held = occupied.get(name, 0)
        ratio.add_metric([name], held / active if active else 0.0)
        active_family.add_metric([name], active)
        occupied_family.add_metric([name], held)
    return [ratio, active_family, occupied_family]


def _upcoming(now: dt.datetime) -> list[GaugeMetricFamily]:
    family = GaugeMetricFamily(
        "bookit_reservations_upcoming", "Booked reservations that have not started yet."
    )
    family.add_metric(
        [], Reservation.objects.filter(status=Reservation.Status.BOOKED, start__gt=now).count()
    )
    return [family]


def _started_24h(now: dt.datetime) -> list[GaugeMetricFamily]:
    """Outcome of the last day's reservations, from the database.

    The counters only see events of the process they run in, and no-shows are released by the
    scheduler process, which is not scraped: this gauge is right whoever changed the rows.
    """
    counts = dict(
        Reservation.objects.filter(start__gte=now - dt.timedelta(hours=24), start__lt=now)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    family = GaugeMetricFamily(
        "bookit_reservations_started_24h",
        "Reservations that started in the last 24 hours, by their status now.",
        labels=["status"],
    )
    for status in Reservation.Status.values:
        family.add_metric([status], counts.get(status, 0))
    return [family]


def _members(now: dt.datetime) -> list[GaugeMetricFamily]:
    counts = dict(
        User.objects.filter(is_active=True, is_staff=False)
        .values_list("is_verified")
        .annotate(n=Count("id"))
        .values_list("is_verified", "n")
    )
    family = GaugeMetricFamily(
        "bookit_members", "Active members by verification status.", labels=["status"]
    )
    family.add_metric(["verified"], counts.get(True, 0))
    family.add_metric(["pending"], counts.get(False, 0))
    return [family]


def _count_by_status(model) -> dict[str, int]:
    return dict(
        model.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )


def _tickets(now: dt.datetime) -> list[GaugeMetricFamily]:
    counts = _count_by_status(Ticket)
    family = GaugeMetricFamily("bookit_tickets", "Tickets by status.", labels=["status"])
    for status in sorted(set(Ticket.Status.values) | set(counts)):
        family.add_metric([status], counts.get(status, 0))
    return [family]


def _outbox(now: dt.datetime) -> list[GaugeMetricFamily]:
    counts = _count_by_status(NotificationDelivery)
    backlog = GaugeMetricFamily(
        "bookit_notification_outbox_backlog", "Notification deliveries waiting to be sent."
    )
    backlog.add_metric([], counts.get(NotificationDelivery.Status.PENDING, 0))
    failed = GaugeMetricFamily(
        "bookit_notification_outbox_failed", "Notification deliveries that failed for good."
    )
    failed.add_metric([], counts.get(NotificationDelivery.Status.FAILED, 0))
    return [backlog, failed]


def _webhooks(now: dt.datetime) -> list[GaugeMetricFamily]:
    counts = _count_by_status(WebhookDelivery)
    family = GaugeMetricFamily(
        "bookit_webhook_deliveries",
        "Outbound webhook deliveries in the log by status (pending = the backlog).",
        labels=["status"],
    )
    for status in ("pending", "delivered", "failed"):
        family.add_metric([status], counts.get(status, 0))
    return [family]


_collector: BookitStateCollector | None = None


def register_collector() -> BookitStateCollector:
    """Register the state collector in the global registry once per process."""
    global _collector
    if _collector is None:
        _collector = BookitStateCollector()
        REGISTRY.register(_collector)
    return _collector


register_collector()


def export_registry() -> CollectorRegistry:
    """What ``/metrics`` exports: this process's registry or, in multiprocess mode, a registry
    built for this scrape from every worker's files, with the state collector beside them (a
    multiprocess registry holds only what the files hold)."""
    path = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not path:
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path)
    registry.register(register_collector())
    return registry


@checks.register(checks.Tags.security, deploy=True)
def check_metrics_token(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """``check --deploy``: an open /metrics tells anyone the booking volume and the view names."""
    if settings.METRICS_TOKEN:
        return []
    return [
        checks.Info(
            "METRICS_TOKEN is not set: /metrics is readable by anyone who can reach the app.",
            hint="Set METRICS_TOKEN (or METRICS_TOKEN_FILE) and give Prometheus the same token, "
            "or keep /metrics off the public proxy. See docs/metrics.md.",
            id="bookit.I009",
        )
    ]


def metrics_view(request: HttpRequest) -> HttpResponse:
    """``/metrics``: django-prometheus's exporter, behind a bearer token when one is set.

    Without METRICS_TOKEN it is open (local use); production sets the token or keeps the path
    off the public proxy. compare_digest: no timing side channel on the token.
    """
    token = settings.METRICS_TOKEN
    if token:
        header = request.headers.get("Authorization", "")
        scheme, _, supplied = header.partition(" ")
        if scheme.lower() != "bearer" or not supplied:
            response = HttpResponse("Authentication required.\n", status=401)
            response["WWW-Authenticate"] = 'Bearer realm="metrics"'
            return response
        if not hmac.compare_digest(supplied.strip().encode(), token.encode()):
            return HttpResponse("Forbidden.\n", status=403)
    return HttpResponse(generate_latest(export_registry()), content_type=CONTENT_TYPE_LATEST)


def serve_worker_metrics() -> int | None:
    """Serve this process's metrics on settings.METRICS_PORT (scheduler and bot processes).

    Their events (no-shows released, bookings cancelled from Telegram) happen outside the web
    replicas, so they are scraped on their own (the "bookit-workers" job in prometheus.yml).
    The port is internal to the compose network; it has no token.
    """
    from django.conf import settings
    from prometheus_client import start_http_server

    if not settings.METRICS_PORT:
        return None
    start_http_server(settings.METRICS_PORT)
    return settings.METRICS_PORT
