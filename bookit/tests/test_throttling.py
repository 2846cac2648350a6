"""The atomic-window throttles: a booking POST counts its user and booking throttles together
(one Redis round trip), each keeps its own limit, and a cache that does not answer falls back
to the process-local counter."""

import threading

import pytest
import redis
from django.core.cache import caches
from rest_framework.throttling import ScopedRateThrottle, UserRateThrottle

from bookit import throttling

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
on_redis = throttling._redis(caches["default"]) is not None


@pytest.fixture
def rates(monkeypatch):
    """Sets the user and booking rates for the test (DRF reads them from the class)."""

    def set_rates(*, user: str, booking: str) -> None:
        values = {**ScopedRateThrottle.THROTTLE_RATES, "user": user, "booking": booking}
        monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", values)
        monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", values)

    return set_rates


@pytest.fixture(autouse=True)
def _local_counters():
    caches[throttling.LOCAL_ALIAS].clear()
    yield
    caches[throttling.LOCAL_ALIAS].clear()


def _book(api) -> int:
    # Refused by validation when let through: a throttled request never gets that far.
    return api.post("/api/reservations", {"seat": "x"}, format="json").status_code


def test_the_booking_throttle_refuses_past_its_rate_with_retry_after(member_api, rates):
    rates(user="100/min", booking="2/min")
    assert [_book(member_api) for _ in range(3)] == [400, 400, 429]
    response = member_api.post("/api/reservations", {}, format="json")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60


def test_a_refused_booking_still_counts_against_the_user_rate(member_api, rates):
    """As DRF's check_throttles: every throttle counts the request, whichever refuses it."""
    rates(user="3/min", booking="1/min")
    assert [_book(member_api) for _ in range(3)] == [400, 429, 429]
    assert member_api.get("/api/reservations").status_code == 429  # the user's fourth request


def test_the_user_throttle_refuses_a_booking_too(member_api, other_api, rates):
    rates(user="2/min", booking="100/min")
    assert member_api.get("/api/reservations").status_code == 200
    assert [_book(member_api) for _ in range(2)] == [400, 429]
    assert _book(other_api) == 400  # the counters are per member


@pytest.mark.skipif(not on_redis, reason="the shared counters live on Redis (REDIS_URL)")
def test_on_redis_both_throttles_are_one_round_trip(member_api, rates, monkeypatch):
    rates(user="100/min", booking="2/min")
    calls = []
    real_evalsha = redis.Redis.evalsha

    def counting_evalsha(self, sha, numkeys, *args):
        calls.append(numkeys)
        return real_evalsha(self, sha, numkeys, *args)

    monkeypatch.setattr(redis.Redis, "evalsha", counting_evalsha)
    assert [_book(member_api) for _ in range(3)] == [400, 400, 429]
    assert calls == [2, 2, 2]  # the user and the booking counters, one script each request
    assert member_api.get("/api/reservations").status_code == 200
    assert calls[-1] == 1


@pytest.mark.skipif(not on_redis, reason="the fallback is for a Redis that does not answer")
def test_with_redis_down_the_local_counter_still_limits(member_api, rates, monkeypatch):
    rates(user="100/min", booking="2/min")

    def down(self, *args):
        raise redis.exceptions.ConnectionError("down")

    monkeypatch.setattr(redis.Redis, "evalsha", down)
    assert [_book(member_api) for _ in range(3)] == [400, 400, 429]


@pytest.mark.skipif(not on_redis, reason="the script is loaded on Redis (REDIS_URL)")
def test_a_script_redis_has_forgotten_is_loaded_again(member_api, rates):
    rates(user="100/min", booking="2/min")
    assert _book(member_api) == 400
    client = caches["default"].client.get_client(write=True)
    client.script_flush()
    assert client.script_exists(throttling.WINDOWS_SHA) == [False]
    assert [_book(member_api) for _ in range(2)] == [400, 429]  # the count went on
    assert client.script_exists(throttling.WINDOWS_SHA) == [True]


@pytest.mark.skipif(not on_redis, reason="the thread's connection is one of Redis' pool")
def test_each_thread_keeps_one_connection_for_its_throttles(member_api, rates):
    rates(user="100/min", booking="100/min")
    pool = caches["default"].client.get_client(write=True).connection_pool
    _book(member_api)
    client = throttling._script_client(caches["default"])
    connection = client.connection
    in_use = len(pool._in_use_connections)
    for _ in range(5):
        _book(member_api)
    assert throttling._script_client(caches["default"]) is client
    assert client.connection is connection  # not taken from the pool and given back each time
    assert len(pool._in_use_connections) == in_use

    # Another thread gets a client and a connection of its own.
    other = []
    thread = threading.Thread(
        target=lambda: other.append(throttling._script_client(caches["default"]))
    )
    thread.start()
    thread.join()
    assert other[0] is not client and other[0].connection is not connection


def test_without_redis_each_counter_opens_and_counts_its_window():
    local = caches[throttling.LOCAL_ALIAS]
    windows = [("t:a:w1", 60), ("t:b:w1", 60)]
    assert throttling._counts(local, windows) == [1, 1]
    assert throttling._counts(local, windows[:1]) == [2]
    assert throttling._counts(local, windows) == [3, 2]
