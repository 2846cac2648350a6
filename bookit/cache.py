"""Redis is an optimisation, never a dependency: fail fast, skip a failing server, log once.

django-redis already turns a connection error into a cache miss (IGNORE_EXCEPTIONS), but each
operation still waits for its own socket timeout and logs its own traceback: with Redis hung,
every cache call of every request paid the full timeout. This module adds, per Redis server and
per process:
- a circuit breaker: the first failure opens it, and for COOLDOWN seconds every operation fails at
  once without touching the network; then a single caller probes (half-open) while the others
  keep skipping, and a success closes it again;
- one WARNING when an outage starts and one INFO when it ends, instead of a traceback per call.
The socket timeouts (settings, <= 0.5 s) bound the wait of the one caller that finds out.
"""

import logging
import threading
import time
from collections.abc import Callable

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

logger = logging.getLogger("bookit.cache")

COOLDOWN = 5.0
_FAILURES = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)


class CircuitBreaker:
    """Closed -> open (skip for ``cooldown`` s) -> half-open (one probe) -> closed or open again."""

    def __init__(
        self, name: str, *, cooldown: float = COOLDOWN, clock: Callable[[], float] = time.monotonic
    ):
        self.name = name
        self.cooldown = cooldown
        self.clock = clock
        self._lock = threading.Lock()
        self._open_until = 0.0  # 0: closed
        self._probe_deadline = 0.0
        self._prober: int | None = None
        self.skipped = 0  # operations refused while open (observable in tests and /readyz)

    @property
    def is_open(self) -> bool:
        return self._open_until != 0.0

    def allow(self) -> bool:
        with self._lock:
            if not self._open_until:
                return True
            now = self.clock()
            if self._prober == threading.get_ident() and now < self._probe_deadline:
                return True  # the probing thread's own next step (connect, handshake, command)
            # A probe that never reported back (its thread died) must not keep the breaker
            # stuck: after another cooldown someone else may probe.
            if now >= self._open_until and now >= self._probe_deadline:
                self._probe_deadline = now + self.cooldown
                self._prober = threading.get_ident()
                return True
            self.skipped += 1
            return False

    def success(self) -> None:
        if not self._open_until:
            return
        with self._lock:
            was_open, self._open_until, self._probe_deadline = self._open_until, 0.0, 0.0
            self._prober = None
        if was_open:
            logger.info("cache %s reachable again; using it", self.name)

    def failure(self, exc: BaseException) -> None:
        with self._lock:
            was_closed = not self._open_until
            self._open_until = self.clock() + self.cooldown
            self._probe_deadline = self._open_until
            self._prober = None
        if was_closed:
            logger.warning(
                "cache %s unreachable (%s: %s); skipping it for %.0f s at a time until it answers",
                self.name,
                type(exc).__name__,
                exc,
                self.cooldown,
            )


_breakers: dict[str, CircuitBreaker] = {}
_breakers_lock = threading.Lock()


def breaker_for(name: str) -> CircuitBreaker:
    with _breakers_lock:
        if name not in _breakers:
            _breakers[name] = CircuitBreaker(name)
        return _breakers[name]


def breakers() -> list[CircuitBreaker]:
    with _breakers_lock:
        return list(_breakers.values())


class BreakerConnection(redis.connection.Connection):
    """A redis-py connection that asks the breaker before sending and reports every outcome."""

    @property
    def breaker(self) -> CircuitBreaker:
        return breaker_for(f"{self.host}:{self.port}/{self.db}")

    def _guarded(self, call, *args, **kwargs):
        breaker = self.breaker
        if not breaker.allow():
            raise redis.exceptions.ConnectionError(f"cache {breaker.name} skipped (circuit open)")
        try:
            return call(*args, **kwargs)
        except _FAILURES as exc:
            breaker.failure(exc)
            raise

    def connect_check_health(self, *args, **kwargs):
        # The pool connects before any command is sent: a refused or hung connect counts too.
        if self._sock:
            return super().connect_check_health(*args, **kwargs)
        return self._guarded(super().connect_check_health, *args, **kwargs)

    def send_packed_command(self, command, check_health=True):
        return self._guarded(super().send_packed_command, command, check_health=check_health)

    def read_response(self, *args, **kwargs):
        try:
            response = super().read_response(*args, **kwargs)
        except _FAILURES as exc:
            self.breaker.failure(exc)
            raise
        self.breaker.success()
        return response


class BreakerConnectionPool(redis.connection.ConnectionPool):
    """CONNECTION_POOL_CLASS for django-redis: breaker connections, no hidden retries.

    A retry would multiply the socket timeout; the breaker and the next request retry instead.
    """

    def __init__(self, connection_class=redis.connection.Connection, **kwargs):
        if connection_class is redis.connection.Connection:
            connection_class = BreakerConnection
        kwargs["retry"] = Retry(NoBackoff(), 0)
        super().__init__(connection_class=connection_class, **kwargs)


def cache_state() -> str:
    """ "ok", or "degraded" while any Redis breaker of this process is open."""
    return "degraded" if any(b.is_open for b in breakers()) else "ok"
