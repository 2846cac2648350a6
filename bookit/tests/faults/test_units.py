"""Fast, in-process checks of the fault mechanisms (the real failures are test_real_failures)."""

import logging

import pytest
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from django.test.utils import CaptureQueriesContext

from bookit.cache import CircuitBreaker
from bookit.tests.clock import at
from reservations.models import BookingPolicy


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class TestCircuitBreaker:
    def test_it_opens_on_failure_skips_then_lets_one_probe_close_it(self, caplog):
        clock = FakeClock()
        breaker = CircuitBreaker("redis-x", cooldown=5, clock=clock)
        assert breaker.allow()
        with caplog.at_level(logging.INFO, logger="bookit.cache"):
            breaker.failure(ConnectionError("refused"))
            breaker.failure(ConnectionError("refused"))  # the same outage: no second warning
            assert not breaker.allow() and not breaker.allow()
            clock.now += 5
            assert breaker.allow()  # the probe
            breaker.failure(TimeoutError("hung"))  # still down: closed again for a cooldown
            assert not breaker.allow()
            clock.now += 5
            assert breaker.allow()
            breaker.success()
            assert breaker.allow() and not breaker.is_open
        warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
        assert len(warnings) == 1 and "redis-x unreachable" in warnings[0].getMessage()
        assert [r.getMessage() for r in caplog.records if r.levelno == logging.INFO] == [
            "cache redis-x reachable again; using it"
        ]

    def test_while_one_thread_probes_the_others_keep_skipping(self):
        import threading

        clock = FakeClock()
        breaker = CircuitBreaker("redis-y", cooldown=5, clock=clock)
        breaker.failure(ConnectionError("refused"))
        clock.now += 5
        assert breaker.allow() and breaker.allow()  # the prober's connect, then its command
        other: list[bool] = []
        thread = threading.Thread(target=lambda: other.append(breaker.allow()))
        thread.start()
        thread.join()
        assert other == [False]

    def test_the_configured_timeouts_bound_every_wait_to_half_a_second(self):
        from bookit import settings as project_settings

        assert project_settings.CACHE_SOCKET_TIMEOUT <= 0.5


@pytest.mark.django_db
@pytest.mark.usefixtures("frozen")
class TestPolicyReadOncePerRequest:
    def test_a_booking_reads_the_policy_row_once(self, member_api, seat):
        from django.db import connection

        BookingPolicy.objects.get_or_create(pk=1)
        with CaptureQueriesContext(connection) as queries:
            response = member_api.post(
                "/api/reservations",
                {"seat": seat.pk, "start": at(1, 10).isoformat(), "end": at(1, 11).isoformat()},
                format="json",
            )
        assert response.status_code == 201
        policy_reads = [q for q in queries if "reservations_bookingpolicy" in q["sql"]]
        assert len(policy_reads) == 1

    def test_an_edit_by_any_path_is_in_force_on_the_next_request(self, member_api, seat):
        body = {"seat": seat.pk, "start": at(1, 10).isoformat(), "end": at(1, 12).isoformat()}
        BookingPolicy.objects.get_or_create(pk=1)
        # A raw update: no invalidation hook runs (as when Redis was unreachable for one).
        BookingPolicy.objects.filter(pk=1).update(max_minutes=60)
        assert member_api.post("/api/reservations", body, format="json").status_code == 400
        BookingPolicy.objects.filter(pk=1).update(max_minutes=12 * 60)
        assert member_api.post("/api/reservations", body, format="json").status_code == 201


@pytest.mark.django_db
def test_a_lost_database_is_a_json_503_with_retry_after_in_process(member_api, monkeypatch):
    def refuse(self, sql, params=None):
        raise OperationalError("connection refused")

    monkeypatch.setattr(CursorWrapper, "execute", refuse)
    response = member_api.get("/api/reservations")
    assert response.status_code == 503
    assert set(response.json()) == {"detail", "errors"}  # the one error schema
    assert int(response["Retry-After"]) > 0


@pytest.mark.django_db
def test_a_lost_database_is_a_short_503_page_in_process(client, member, monkeypatch):
    client.force_login(member)

    def refuse(self, sql, params=None):
        raise OperationalError("connection refused")

    monkeypatch.setattr(CursorWrapper, "execute", refuse)
    from django.core.cache import cache

    cache.clear()  # the cached_db session must come from the (lost) database
    response = client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"]
    assert b"unavailable" in response.content and len(response.content) < 2000
