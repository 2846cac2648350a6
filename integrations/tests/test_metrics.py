"""Business metrics: each counter and gauge moves as the action says; /metrics stays up."""

import datetime as dt

import pytest
from django.db import DatabaseError, OperationalError, connection, transaction
from django.utils import timezone
from prometheus_client import REGISTRY

from accounts.tests.factories import make_user
from bookit.errors import Conflict
from bookit.tests.clock import MSK, msk
from reservations.services import (
    release_no_shows,
    reservation_cancel,
    reservation_check_in,
    reservation_create,
)
from reservations.tests.factories import make_reservation
from seats.tests.factories import make_floor, make_seat


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def tomorrow_at(hour: int) -> dt.datetime:
    today = timezone.localtime(timezone.now(), MSK).date()
    return msk(today + dt.timedelta(days=1), hour)


@pytest.fixture
def desk(db):
    return make_seat("M1", make_floor("Metrics floor"))


@pytest.fixture
def desk2(desk):
    return make_seat("M2", desk.floor)


LABELS = {"kind": "desk", "floor": "Metrics floor"}


def test_creating_a_booking_counts_it_after_commit(
    member, desk, django_capture_on_commit_callbacks
):
    before = sample("bookit_reservations_created_total", **LABELS)
    upcoming = sample("bookit_reservations_upcoming")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        reservation_create(user=member, seat=desk, start=tomorrow_at(10), end=tomorrow_at(11))
    assert callbacks, "the counter must wait for the commit"
    assert sample("bookit_reservations_created_total", **LABELS) == before + 1
    assert sample("bookit_reservations_upcoming") == upcoming + 1


def test_a_rolled_back_booking_is_not_counted(member, desk, django_capture_on_commit_callbacks):
    before = sample("bookit_reservations_created_total", **LABELS)
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            reservation_create(user=member, seat=desk, start=tomorrow_at(10), end=tomorrow_at(11))
            raise RuntimeError("the outer transaction fails")
    assert sample("bookit_reservations_created_total", **LABELS) == before


def test_cancelling_counts_a_cancellation(member, desk, django_capture_on_commit_callbacks):
    reservation = reservation_create(
        user=member, seat=desk, start=tomorrow_at(12), end=tomorrow_at(13)
    )
    before = sample("bookit_reservations_cancelled_total", **LABELS)
    with django_capture_on_commit_callbacks(execute=True):
        reservation_cancel(reservation=reservation, by=member)
    assert sample("bookit_reservations_cancelled_total", **LABELS) == before + 1


def test_check_in_and_no_show_are_counted(
    member, other_member, staff, desk, desk2, django_capture_on_commit_callbacks
):
    start = tomorrow_at(14)
    shown = reservation_create(user=member, seat=desk, start=start, end=tomorrow_at(15))
    missed = reservation_create(user=other_member, seat=desk2, start=start, end=tomorrow_at(15))
    checked_before = sample("bookit_reservations_checked_in_total", **LABELS)
    no_show_before = sample("bookit_reservations_no_show_total", **LABELS)
    with django_capture_on_commit_callbacks(execute=True):
        reservation_check_in(reservation=shown, by=staff, now=start)
    with django_capture_on_commit_callbacks(execute=True):
        release_no_shows(now=start + dt.timedelta(minutes=30))
    assert sample("bookit_reservations_checked_in_total", **LABELS) == checked_before + 1
    assert sample("bookit_reservations_no_show_total", **LABELS) == no_show_before + 1
    missed.refresh_from_db()
    assert missed.status == "no_show"


def test_conflicts_are_counted_by_kind(member, other_member, desk, desk2):
    reservation_create(user=member, seat=desk, start=tomorrow_at(10), end=tomorrow_at(11))
    seat_before = sample("bookit_booking_conflicts_total", kind="seat")
    member_before = sample("bookit_booking_conflicts_total", kind="member")
    with pytest.raises(Conflict):
        reservation_create(user=other_member, seat=desk, start=tomorrow_at(10), end=tomorrow_at(11))
    assert sample("bookit_booking_conflicts_total", kind="seat") == seat_before + 1
    with pytest.raises(Conflict):
        reservation_create(user=member, seat=desk2, start=tomorrow_at(10), end=tomorrow_at(11))
    assert sample("bookit_booking_conflicts_total", kind="member") == member_before + 1


def test_occupancy_gauge_reflects_seats_held_now(member, other_member, desk, desk2):
    floor = {"floor": "Metrics floor"}
    make_seat("M3", desk.floor, is_active=False)  # inactive seats are not counted
    assert sample("bookit_seat_occupancy_ratio", **floor) == 0
    now = timezone.now()
    make_reservation(
        member, desk, now - dt.timedelta(hours=1), now + dt.timedelta(hours=1), "checked_in"
    )
    # A cancelled booking and a booking past its check-in grace hold nothing.
    make_reservation(
        other_member, desk2, now - dt.timedelta(hours=1), now + dt.timedelta(hours=1), "cancelled"
    )
    make_reservation(
        other_member, desk2, now - dt.timedelta(minutes=40), now + dt.timedelta(hours=1)
    )
    assert sample("bookit_seat_occupancy_ratio", **floor) == 0.5
    assert sample("bookit_seats_active", **floor) == 2
    assert sample("bookit_seats_occupied", **floor) == 1


def test_last_day_outcomes_come_from_the_database(member, other_member, desk, desk2):
    before = {
        status: sample("bookit_reservations_started_24h", status=status)
        for status in ("booked", "checked_in", "no_show", "cancelled")
    }
    now = timezone.now()
    make_reservation(
        member, desk, now - dt.timedelta(hours=3), now - dt.timedelta(hours=2), "checked_in"
    )
    make_reservation(
        other_member, desk2, now - dt.timedelta(hours=3), now - dt.timedelta(hours=2), "no_show"
    )
    make_reservation(member, desk, now - dt.timedelta(hours=30), now - dt.timedelta(hours=29))
    make_reservation(member, desk, now + dt.timedelta(hours=3), now + dt.timedelta(hours=4))
    after = {status: sample("bookit_reservations_started_24h", status=status) for status in before}
    assert after == {
        "booked": before["booked"],
        "checked_in": before["checked_in"] + 1,
        "no_show": before["no_show"] + 1,
        "cancelled": before["cancelled"],
    }


def test_members_gauge_counts_verified_and_pending(db):
    verified = sample("bookit_members", status="verified")
    pending = sample("bookit_members", status="pending")
    make_user("v@example.com", verified=True)
    make_user("p1@example.com", verified=False)
    make_user("p2@example.com", verified=False)
    make_user("boss@example.com", verified=True, is_staff=True)  # staff are not members
    assert sample("bookit_members", status="verified") == verified + 1
    assert sample("bookit_members", status="pending") == pending + 2


def test_tickets_gauge_counts_by_status(member):
    from tickets.models import Ticket

    open_before = sample("bookit_tickets", status="open")
    Ticket.objects.create(author=member, subject="Lamp", text="Broken")
    Ticket.objects.create(author=member, subject="Door", text="Stuck", status="resolved")
    assert sample("bookit_tickets", status="open") == open_before + 1
    assert sample("bookit_tickets", status="resolved") >= 1
    assert REGISTRY.get_sample_value("bookit_tickets", {"status": "rejected"}) == 0


def test_outbox_backlog_counts_pending_notifications(member):
    from integrations.models import Notification, NotificationDelivery

    before = sample("bookit_notification_outbox_backlog")
    for key, status in (("m-1", "pending"), ("m-2", "sent"), ("m-3", "failed")):
        row = Notification.objects.create(user=member, kind="reminder", dedupe_key=key)
        NotificationDelivery.objects.create(notification=row, channel="email", status=status)
    assert sample("bookit_notification_outbox_backlog") == before + 1
    assert sample("bookit_notification_outbox_failed") >= 1


def test_metrics_endpoint_survives_a_database_outage(client, db):
    def refuse(execute, sql, params, many, context):
        raise OperationalError("database is down")

    with connection.execute_wrapper(refuse):
        response = client.get("/metrics")
    assert response.status_code == 200
    body = response.content.decode()
    assert "bookit_collector_up 0.0" in body
    assert "django_http_requests_before_middlewares_total" in body


def test_collector_reports_up_when_the_database_answers(client, db):
    body = client.get("/metrics").content.decode()
    assert "bookit_collector_up 1.0" in body
    assert "bookit_members{" in body


def test_in_multiprocess_mode_the_files_are_exported_with_the_state_gauges(
    client, db, monkeypatch, tmp_path
):
    """gunicorn's workers (deploy/gunicorn.conf.py): /metrics reads every worker's files, not
    this process's registry, and still computes the database gauges (bookit_tickets, ...).
    bookit/tests/ops/test_worker_processes.py runs the real thing with two workers."""
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))  # no worker wrote anything
    body = client.get("/metrics").content.decode()
    assert "bookit_collector_up 1.0" in body
    assert "bookit_members{" in body
    assert "django_http_requests_before_middlewares_total" not in body  # only the files count
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR")
    assert (
        "django_http_requests_before_middlewares_total" in client.get("/metrics").content.decode()
    )


def test_one_failing_gauge_group_does_not_hide_the_others(db, monkeypatch):
    from integrations import metrics

    def broken(now):
        raise DatabaseError("relation does not exist")

    monkeypatch.setattr(metrics, "_tickets", broken)
    assert REGISTRY.get_sample_value("bookit_collector_up") == 0
    assert REGISTRY.get_sample_value("bookit_reservations_upcoming") is not None


class TestMetricsToken:
    def test_open_without_a_token_configured(self, client, settings, db):
        settings.METRICS_TOKEN = ""
        assert client.get("/metrics").status_code == 200

    def test_missing_token_is_401(self, client, settings, db):
        settings.METRICS_TOKEN = "s3cret-token"
        response = client.get("/metrics")
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert b"bookit_" not in response.content

    def test_wrong_token_is_403(self, client, settings, db):
        settings.METRICS_TOKEN = "s3cret-token"
        response = client.get("/metrics", headers={"authorization": "Bearer nope"})
        assert response.status_code == 403

    def test_right_token_is_200(self, client, settings, db):
        settings.METRICS_TOKEN = "s3cret-token"
        response = client.get("/metrics", headers={"authorization": "Bearer s3cret-token"})
        assert response.status_code == 200
        assert b"bookit_collector_up" in response.content


def test_deploy_check_warns_about_an_open_metrics_endpoint(settings):
    from integrations.metrics import check_metrics_token

    settings.METRICS_TOKEN = ""
    assert [m.id for m in check_metrics_token()] == ["bookit.I009"]
    settings.METRICS_TOKEN = "s3cret-token"
    assert check_metrics_token() == []


def test_worker_processes_serve_their_own_metrics(settings):
    import socket
    import urllib.request

    from integrations.metrics import serve_worker_metrics

    settings.METRICS_PORT = 0
    assert serve_worker_metrics() is None
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.METRICS_PORT = port
    assert serve_worker_metrics() == port
    body = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
    assert "bookit_reservations_no_show_total" in body
