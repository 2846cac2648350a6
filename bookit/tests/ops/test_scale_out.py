"""Two web replicas share nothing but PostgreSQL and Redis, and behave as one site.

Two real gunicorn servers are started through the container entrypoint (deploy/entrypoint.sh
web: migrations under the advisory lock, ensure_bucket, gunicorn gthread) on two loopback ports,
against this test's database. A token or a session obtained on one works on the other, and a
storm of bookings for one seat spread over both yields exactly one booking.
"""

import datetime as dt
import os
import re
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid
import zoneinfo
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.utils import timezone
from rest_framework_simplejwt.tokens import AccessToken

from accounts.models import User
from accounts.tests.factories import PASSWORD, make_user
from bookit.tests.faults.servers import Gunicorn, request
from reservations.models import BookingPolicy, Reservation
from seats.models import Floor, Seat

ROOT = Path(__file__).resolve().parents[3]
MSK = zoneinfo.ZoneInfo("Europe/Moscow")
STORM = 40

pytestmark = pytest.mark.postgres


class Server(Gunicorn):
    """One web replica: `deploy/entrypoint.sh web`, as the container runs it."""

    def __init__(self, env: dict[str, str]) -> None:
        super().__init__(env, command=["sh", "deploy/entrypoint.sh", "web"])

    def wait_ready(self, timeout: float = 180) -> None:
        super().wait_ready(timeout, path="/readyz")


def cookies_from(headers) -> dict[str, str]:
    jar = {}
    for value in headers.get_all("Set-Cookie") or []:
        name, _, rest = value.partition("=")
        jar[name.strip()] = rest.split(";", 1)[0]
    return jar


def _database_url() -> str:
    db = connection.settings_dict
    auth = urllib.parse.quote(db["USER"] or "postgres")
    if db["PASSWORD"]:
        auth += ":" + urllib.parse.quote(db["PASSWORD"])
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _next_day_slot() -> tuple[str, str]:
    day = timezone.localtime(timezone.now(), MSK).date() + dt.timedelta(days=1)
    start = dt.datetime.combine(day, dt.time(10, 0), MSK)
    return start.isoformat(), (start + dt.timedelta(hours=1)).isoformat()


@pytest.fixture
def servers():
    if connection.vendor != "postgresql" or not os.environ.get("REDIS_URL"):
        pytest.skip(
            "scale-out needs the shared state of production: run with "
            "DATABASE_URL=postgres://... and REDIS_URL=redis://..."
        )
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))},
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "DJANGO_SETTINGS_MODULE": "bookit.settings",
        "DEBUG": "1",
        # Shared by every replica, as in production: tokens and sessions signed on one verify
        # on the other (and this test's own key, so it can mint tokens too).
        "SECRET_KEY": settings.SIMPLE_JWT["SIGNING_KEY"],
        "DATABASE_URL": _database_url(),
        "REDIS_URL": os.environ["REDIS_URL"],
        "CACHE_KEY_PREFIX": f"scaleout-{uuid.uuid4().hex[:8]}",
        "THROTTLE_AUTH": "100000/min",
        "THROTTLE_ANON": "100000/min",
        "THROTTLE_USER": "100000/min",
        "THROTTLE_BOOKING": "100000/min",
    }
    env.pop("S3_BUCKET", None)
    started = [Server(env), Server(env)]
    try:
        for server in started:
            server.wait_ready()
        yield started
    finally:
        for server in started:
            server.stop()


@pytest.fixture
def people():
    """Verified members; the first can log in with a password the servers can check."""
    BookingPolicy.objects.get_or_create(pk=1)
    users = [make_user(f"storm{i}@example.com", first_name=f"M{i}") for i in range(STORM)]
    # The suite's fast MD5 hasher is unknown to the servers (their default is PBKDF2).
    hasher = PBKDF2PasswordHasher()
    User.objects.filter(pk=users[0].pk).update(password=hasher.encode(PASSWORD, hasher.salt()))
    return users


@pytest.mark.django_db(transaction=True)
def test_two_replicas_share_auth_and_never_double_book(servers, people):
    a, b = servers
    seat = Seat.objects.create(floor=Floor.objects.create(name="Floor 1"), label="A1")
    first = people[0]

    # A JWT from replica A is accepted by replica B.
    status, tokens, _ = request(
        "POST", f"{a.base}/api/auth/login", data={"email": first.email, "password": PASSWORD}
    )
    assert status == 200, tokens
    status, me, _ = request(
        "GET", f"{b.base}/api/user/me", headers={"Authorization": f"Bearer {tokens['access']}"}
    )
    assert status == 200, me
    assert me["email"] == first.email

    # A session from A's login form is a session on B.
    status, page, head = request("GET", f"{a.base}/login/")
    assert status == 200
    jar = cookies_from(head)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    status, _, head = request(
        "POST",
        f"{a.base}/login/",
        form={"csrfmiddlewaretoken": token, "email": first.email, "password": PASSWORD},
        cookies=jar,
        headers={"Referer": f"{a.base}/login/"},
    )
    assert status == 302
    session = {"sessionid": cookies_from(head)["sessionid"]}
    status, _, head = request("GET", f"{b.base}/profile/", cookies=session)
    assert status == 200, head.get("Location")
    status, _, _ = request("GET", f"{b.base}/profile/")
    assert status == 302  # and without it B sends to the login page

    # Tokens for everyone, signed with the key the replicas share (as a login on either would
    # issue; 40 password logins would only measure PBKDF2 on a busy machine).
    access = {i: str(AccessToken.for_user(user)) for i, user in enumerate(people)}

    # The storm: every member books the same seat and hour at once, over both replicas.
    start, end = _next_day_slot()
    barrier = threading.Barrier(STORM)
    results: list[tuple[int, object]] = []

    def book(index: int) -> None:
        server = (a, b)[index % 2]
        barrier.wait()
        status, body, _ = request(
            "POST",
            f"{server.base}/api/reservations",
            data={"seat": seat.pk, "start": start, "end": end},
            headers={"Authorization": f"Bearer {access[index]}"},
        )
        results.append((status, body))

    _run_threads([lambda i=i: book(i) for i in range(STORM)])

    statuses = Counter(status for status, _ in results)
    assert statuses == {201: 1, 409: STORM - 1}, results
    live = Reservation.objects.filter(seat=seat, status__in=["booked", "checked_in"])
    assert live.count() == 1
    winner = next(body for status, body in results if status == 201)
    assert live.get().pk == winner["id"]


def _run_threads(targets) -> None:
    errors: list[BaseException] = []

    def guarded(target):
        try:
            target()
        except BaseException as exc:  # an assertion in a thread is otherwise lost
            errors.append(exc)

    threads = [threading.Thread(target=guarded, args=(t,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert not errors, errors
