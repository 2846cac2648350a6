"""The login lockout and the rate limits hold under concurrency (atomic counters, not RMW).

Sixteen threads, each with its own client (and database connection), are released together at a
barrier; at most the limit may reach the password hasher or get through the throttle.
"""

import threading

import pytest
import time_machine
from django.contrib.auth.hashers import MD5PasswordHasher, get_hasher
from django.db import connection
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from accounts.models import LoginFailure
from accounts.tests.factories import make_user
from bookit.tests.clock import NOW
from bookit.tests.race import race

LOGIN = "/api/auth/login"
THREADS = 16


class CountingHasher(MD5PasswordHasher):
    """Counts password checks; the short pause widens the window a racy lockout would miss."""

    algorithm = "counting_md5"
    calls = 0
    lock = threading.Lock()

    def verify(self, password, encoded):
        with type(self).lock:
            type(self).calls += 1
        threading.Event().wait(0.02)
        return super().verify(password, encoded)


def storm(request, n: int = THREADS) -> list[int]:
    """Run ``request(client)`` in n threads released at once; their status codes."""
    return race(lambda: request(APIClient()).status_code, senders=n)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
def test_sixteen_concurrent_wrong_passwords_reach_the_hasher_at_most_five_times(settings):
    settings.PASSWORD_HASHERS = ["accounts.tests.test_abuse.CountingHasher"]
    settings.LOGIN_MAX_FAILURES_PER_ACCOUNT = 5
    make_user("target@example.com", verified=True)
    # The class Django loaded by dotted path (pytest may have imported this module under
    # another name): its counter is the one that counts.
    hasher = type(get_hasher("counting_md5"))
    hasher.calls = 0

    codes = storm(
        lambda c: c.post(LOGIN, {"email": "target@example.com", "password": "wrong"}, format="json")
    )

    assert hasher.calls == 5, codes
    assert sorted(codes) == [401] * 5 + [429] * 11
    assert LoginFailure.objects.filter(email="target@example.com").count() == 5


@pytest.mark.django_db
def test_a_correct_password_clears_the_claimed_attempt(api):
    make_user("ok@example.com", password="right-password-1", verified=True)
    response = api.post(
        LOGIN, {"email": "ok@example.com", "password": "right-password-1"}, format="json"
    )
    assert response.status_code == 200
    assert not LoginFailure.objects.exists()


def test_sixteen_concurrent_requests_pass_a_limit_of_five_exactly_five_times(monkeypatch):
    # Frozen without ticking: the whole storm falls into one window of the fixed-window counter.
    monkeypatch.setattr(
        ScopedRateThrottle, "THROTTLE_RATES", {**ScopedRateThrottle.THROTTLE_RATES, "auth": "5/min"}
    )
    with time_machine.travel(NOW, tick=False):
        # An invalid body is a 400 without touching the database: only the throttle decides.
        codes = storm(lambda c: c.post(LOGIN, {"email": "not-an-email"}, format="json"))
    assert sorted(codes) == [400] * 5 + [429] * 11
