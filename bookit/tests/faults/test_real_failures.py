"""Real failures against a real gunicorn: PostgreSQL stopped and kill -9'd, Redis killed and
SIGSTOPped, while requests run. No mocks: our own throwaway servers
(bookit/tests/faults/servers.py).

What must hold: the API answers JSON 503 with Retry-After while the database is gone (pages a
short 503 page), never a 500; the first request after recovery succeeds without restarting
gunicorn; every acknowledged booking is in the database; with Redis dead or hung every request
is still served, /readyz says "degraded", and the outage is logged once, without tracebacks.
"""

import datetime as dt
import threading
import time
import urllib.parse
import zoneinfo

import psycopg
import pytest
from django.db import connection

from bookit.tests.faults import servers

pytestmark = [
    pytest.mark.faults,
    pytest.mark.postgres,
    pytest.mark.skipif(servers.available() is not None, reason=str(servers.available())),
    # Their own servers, independent of the suite's database: run once, in the PostgreSQL leg
    # of .ci/run (about 30 s), not again on SQLite.
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="runs in the PostgreSQL leg (DATABASE_URL)"
    ),
]
MSK = zoneinfo.ZoneInfo("Europe/Moscow")


class Stack:
    def __init__(self) -> None:
        self._slot = 0
        self._lock = threading.Lock()
        self.app = None
        self.pg = servers.Postgres()
        self.redis = servers.Redis()
        try:
            self.pg.init().start()
            self.redis.start()
            self.db_url = self.pg.createdb("bookit_faults")
            self.env = servers.app_env(database_url=self.db_url, redis_url=self.redis.url)
            servers.manage(self.env, "migrate", "--noinput")
            self.data = servers.seed(self.env, members=8, seats=8)
            self.app = servers.Gunicorn(self.env).wait_ready()
        except BaseException:
            self.close()
            raise

    def auth(self, member: int = 0) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.data['tokens'][member]}"}

    def get(self, path: str, member: int = 0, **kw):
        return servers.request("GET", self.app.base + path, headers=self.auth(member), **kw)

    def book(self, member: int = 0, headers: dict | None = None):
        """A booking no other request of this run collides with (own seat, own slot)."""
        with self._lock:
            slot, self._slot = self._slot, self._slot + 1
        # Two days ahead at least: the real clock may cross midnight during the run.
        day = dt.datetime.now(MSK).date() + dt.timedelta(days=2 + slot // 14)
        start = dt.datetime.combine(day, dt.time(8 + slot % 14), MSK)
        body = {
            "seat": self.data["seats"][member],
            "start": start.isoformat(),
            "end": (start + dt.timedelta(hours=1)).isoformat(),
        }
        return servers.request(
            "POST",
            self.app.base + "/api/reservations",
            data=body,
            headers={**self.auth(member), **(headers or {})},
        )

    def reservation_ids(self) -> set[int]:
        with psycopg.connect(self.pg.url("bookit_faults")) as conn:
            return {row[0] for row in conn.execute("SELECT id FROM reservations_reservation")}

    def log(self) -> str:
        return "".join(self.app.log)

    def close(self) -> None:
        if self.app is not None:
            self.app.stop()
        self.redis.stop()
        self.pg.destroy()


@pytest.fixture(scope="module")
def stack():
    stack = Stack()
    yield stack
    stack.close()


def wait_until(predicate, timeout: float = 20) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def _availability_path() -> str:
    """The availability read, whose statements the workers' connections prepare."""
    start = dt.datetime.combine(dt.datetime.now(MSK).date() + dt.timedelta(days=2), dt.time(10))
    window = {"start": start.replace(tzinfo=MSK), "end": start.replace(hour=12, tzinfo=MSK)}
    return "/api/seat?" + urllib.parse.urlencode({k: v.isoformat() for k, v in window.items()})


def test_database_stopped_api_is_json_503_pages_short_503_then_recovers(stack):
    assert stack.book()[0] == 201
    availability = _availability_path()
    for _ in range(6):  # past psycopg's threshold: prepared on the connections that served them
        assert stack.get(availability)[0] == 200
    stack.pg.stop()
    try:
        status, body, _ = stack.get(availability)
        assert status == 503 and body["detail"]
        status, body, headers = stack.get("/api/reservations")
        assert status == 503
        assert set(body) >= {"detail"} and body["detail"]
        assert int(headers["Retry-After"]) > 0
        status, body, _ = stack.book()
        assert status == 503 and body["detail"]
        page = servers.request(
            "GET",
            stack.app.base + "/",
            headers={"Cookie": "sessionid=" + "a" * 32, "Accept-Language": "en"},
        )
        assert page[0] == 503 and "text/html" in page[2]["Content-Type"]
        assert "unavailable" in page[1] and len(page[1]) < 2000
        assert servers.request("GET", stack.app.base + "/readyz")[0] == 503
    finally:
        stack.pg.start()
    # The very first request after recovery succeeds: no worker restart.
    assert stack.get("/api/reservations")[0] == 200
    # New connections, statements prepared again: the same seats as before the outage.
    for _ in range(6):
        status, body, _ = stack.get(availability)
        assert status == 200 and len(body) == len(stack.data["seats"])
    assert stack.app.proc.poll() is None
    assert "Internal Server Error" not in stack.log()


def test_database_crash_mid_load_loses_no_acknowledged_booking(stack):
    answers: list[tuple[int, dict]] = []
    lock = threading.Lock()
    crashed = threading.Event()

    def member_loop(member: int):
        for _ in range(12):
            status, body, _ = stack.book(member)
            with lock:
                answers.append((status, body))
            if len(answers) >= 16:
                crashed.wait(timeout=30)

    threads = [threading.Thread(target=member_loop, args=(m,)) for m in range(4)]
    for t in threads:
        t.start()
    assert wait_until(lambda: len(answers) >= 16)
    stack.pg.kill9()
    time.sleep(0.5)  # requests run against the dead database
    stack.pg.start()
    crashed.set()
    for t in threads:
        t.join(timeout=60)

    statuses = {status for status, _ in answers}
    assert statuses <= {201, 503}, statuses  # never a 500, never a misleading 409
    acknowledged = {body["id"] for status, body in answers if status == 201}
    assert acknowledged and acknowledged <= stack.reservation_ids()
    assert stack.book()[0] == 201


def test_idempotent_retry_after_a_lost_answer_replays_it(stack):
    headers = {"Idempotency-Key": "lost-201"}
    first = stack.book(1, headers)
    stack._slot -= 1  # the client retries the very same request
    again = stack.book(1, headers)
    assert first[0] == again[0] == 201
    assert again[1] == first[1] and again[2]["Idempotent-Replayed"] == "true"


@pytest.mark.parametrize("fault", ["killed", "hung"])
def test_redis_down_or_hung_every_request_is_served_and_logged_once(stack, fault):
    start = len(stack.log())
    (stack.redis.kill if fault == "killed" else stack.redis.pause)()
    try:
        results = [stack.get("/api/seat")[0] for _ in range(5)]
        results += [stack.book(2)[0] for _ in range(5)]
        assert results == [200] * 5 + [201] * 5
        status, body, _ = servers.request("GET", stack.app.base + "/readyz")
        assert (status, body["cache"], body["database"]) == (200, "degraded", "ok")
    finally:
        if fault == "killed":
            stack.redis.start()
        else:
            stack.redis.resume()
    log = stack.log()[start:]
    assert log.count("cache 127.0.0.1") == 1, "".join(stack.app.log)[-3000:]
    assert "Traceback" not in log
    # The breaker probes again after its cooldown: the cache is back without a restart.
    assert wait_until(
        lambda: servers.request("GET", stack.app.base + "/readyz")[1].get("cache") == "ok"
    )


def test_a_policy_edit_while_redis_is_hung_is_in_force_at_once_and_after(stack):
    set_max = "from reservations.models import BookingPolicy as P; P.objects.update(max_minutes={})"
    stack.redis.pause()
    try:
        servers.manage(stack.env, "shell", "-c", set_max.format(30))
        assert stack.book(3)[0] == 400  # one hour is now too long
    finally:
        stack.redis.resume()
    assert wait_until(
        lambda: servers.request("GET", stack.app.base + "/readyz")[1].get("cache") == "ok"
    )
    assert stack.book(3)[0] == 400  # and not stale once Redis is back
    servers.manage(stack.env, "shell", "-c", set_max.format(12 * 60))
    assert stack.book(3)[0] == 201
