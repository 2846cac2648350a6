"""DRF throttles with atomic counters: the limit holds under concurrency and across replicas.

DRF's SimpleRateThrottle keeps a list of timestamps per client and rewrites it on every request
(read, append, write). Concurrent requests (gthread workers, several replicas) read the same list
and overwrite each other's entries, so under load the history undercounts and the throttle lets
through far more than its rate. Here a fixed window is one counter: ``add`` creates it with the
window's expiry (SET NX EX on Redis) and ``incr`` bumps it (INCRBY), both atomic, so with N
concurrent requests exactly ``rate`` get through per window. A request inside a window costs
one round trip, all of its throttles together (see _counts).

Redis is an optimisation: when the shared cache does not answer (circuit open), the counter is
kept in this process's memory instead, so a limit still applies, per replica, until it returns.
"""

import hashlib
import threading

import redis
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache import cache as default_cache
from django_redis.cache import RedisCache  # type: ignore[import-untyped]
from rest_framework import throttling

LOCAL_ALIAS = "local"
# For each key: INCR, and on the window's first request PEXPIRE (ARGV[i], its window in ms),
# all in one atomic script: one round trip for every throttle of a request.
WINDOWS_SCRIPT = """
local counts = {}
for i, key in ipairs(KEYS) do
  local count = redis.call('INCR', key)
  if count == 1 then redis.call('PEXPIRE', key, ARGV[i]) end
  counts[i] = count
end
return counts
"""
# The name Redis knows the script by (EVALSHA), not a security measure.
WINDOWS_SHA = hashlib.sha1(WINDOWS_SCRIPT.encode(), usedforsecurity=False).hexdigest()


_threads = threading.local()


def _script_client(redis_cache: RedisCache) -> redis.Redis:
    """This thread's client for WINDOWS_SCRIPT.

    The client keeps one connection of the cache's pool for the thread (redis-py's
    single_connection_client): a request does not take a connection from the pool, check it
    for unread data (a non-blocking read) and give it back. A connection that fails is
    reconnected by its next command, through the circuit breaker (bookit.cache). A new pool
    (another cache) gets a new client; the thread's last client gives its connection back
    when the thread ends.
    """
    pool = redis_cache.client.get_client(write=True).connection_pool
    held = getattr(_threads, "held", None)
    if held is None or held[0] is not pool:
        if held is not None:
            held[1].close()
        client = redis.Redis(connection_pool=pool, single_connection_client=True)
        held = _threads.held = (pool, client)
    return held[1]


def _run_script(client: redis.Redis, keys: list[str], args: list[int]) -> list:
    """WINDOWS_SCRIPT by its SHA1 (EVALSHA), loaded first if Redis does not know it.

    What redis-py's ``Script`` does, without the import and the checks it repeats on every
    call (0.05 M instructions a booking, measured)."""
    try:
        return client.evalsha(WINDOWS_SHA, len(keys), *keys, *args)
    except redis.exceptions.NoScriptError:
        client.script_load(WINDOWS_SCRIPT)
        return client.evalsha(WINDOWS_SHA, len(keys), *keys, *args)


def _redis(cache) -> RedisCache | None:
    if cache is default_cache:  # DRF's throttles hold the proxy; the backend is behind it
        cache = caches[DEFAULT_CACHE_ALIAS]
    return cache if isinstance(cache, RedisCache) else None


def _counts(cache, windows: list[tuple[str, int]]) -> list[int | None]:
    """Each window's counter (key, seconds) after this request; None where the cache did not
    answer.

    On Redis one script (WINDOWS_SCRIPT) for all of them: a request costs one round trip,
    whatever its throttles, a window's first request included (each counter is created with
    its expiry atomically). A connection error or timeout (the circuit breaker open included)
    is "did not answer" for every window.

    Elsewhere (the process-local fallback, tests without Redis): ``incr`` first, inside a
    window the counter exists; only the window's first request also creates it with ``add``.
    Two first requests at once: one ``add`` wins, the other finds the key and increments it.
    """
    redis_cache = _redis(cache)
    if redis_cache is not None:
        keys = [redis_cache.client.make_key(key) for key, _timeout in windows]
        expiries = [timeout * 1000 for _key, timeout in windows]
        try:
            counts = _run_script(_script_client(redis_cache), keys, expiries)
            return [int(count) for count in counts]
        except redis.exceptions.RedisError:
            return [None] * len(windows)
    return [_local_count(cache, key, timeout) for key, timeout in windows]


def _local_count(cache, key: str, timeout: int) -> int | None:
    try:
        return cache.incr(key)
    except ValueError:
        pass  # no counter yet: this request opens the window
    if cache.add(key, 1, timeout):
        return 1
    try:
        return cache.incr(key)
    except ValueError:
        # Created and expired in between (a window of a second), or the cache did not answer.
        return None


class AtomicWindowMixin(throttling.SimpleRateThrottle):
    # Set by SimpleRateThrottle.__init__ (parse_rate); declared for the type checker.
    num_requests: int
    duration: int

    def window(self, request, view) -> tuple[str, int] | None:
        """This request's counter (key, window in seconds), or None when it is not counted."""
        if self.rate is None:
            return None
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return None
        self.now = self.timer()
        window = int(self.now // self.duration)
        self._retry_after = (window + 1) * self.duration - self.now
        return f"{self.key}:w{window}", self.duration

    def allowed(self, window: tuple[str, int], count: int | None) -> bool:
        """Whether the request passes with the shared counter at ``count`` (None: the shared
        cache did not answer, the process-local counter decides)."""
        if count is None:
            count = _local_count(caches[LOCAL_ALIAS], *window)
        return count is None or count <= self.num_requests

    def allow_request(self, request, view) -> bool:
        window = self.window(request, view)
        if window is None:
            return True
        return self.allowed(window, _counts(self.cache, [window])[0])

    def wait(self) -> float:
        return self._retry_after


def refused_waits(throttles: list, request, view) -> list[float | None]:
    """DRF's check_throttles loop (every throttle counts the request, refused or not; the
    waits of those that refuse it), with the counters of the atomic-window throttles on one
    cache counted in one call: one Redis round trip for the user and the booking throttle."""
    counted: list[tuple[AtomicWindowMixin, tuple[str, int]]] = []
    waits = []
    for throttle in throttles:
        if isinstance(throttle, AtomicWindowMixin) and throttle.cache is default_cache:
            window = throttle.window(request, view)
            if window is not None:
                counted.append((throttle, window))
        elif not throttle.allow_request(request, view):
            waits.append(throttle.wait())
    if counted:
        counts = _counts(default_cache, [window for _throttle, window in counted])
        for (throttle, window), count in zip(counted, counts, strict=True):
            if not throttle.allowed(window, count):
                waits.append(throttle.wait())
    return waits


class BookingThrottles:
    """For an APIView that books: the "booking" scope's rate on top of the default throttles
    for the methods in ``booking_methods`` (None: every method), and all of a request's
    throttles counted in one round trip (refused_waits)."""

    throttle_scope = "booking"
    booking_methods: tuple[str, ...] | None = ("POST",)

    def get_throttles(self) -> list:
        throttles = super().get_throttles()  # type: ignore[misc]
        methods = self.booking_methods
        if methods is None or self.request.method in methods:  # type: ignore[attr-defined]
            return [*throttles, ScopedRateThrottle()]
        return throttles

    def check_throttles(self, request) -> None:
        waits = refused_waits(self.get_throttles(), request, self)
        if waits:
            durations = [wait for wait in waits if wait is not None]
            self.throttled(request, max(durations, default=None))  # type: ignore[attr-defined]


class AnonRateThrottle(AtomicWindowMixin, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(AtomicWindowMixin, throttling.UserRateThrottle):
    pass


class ScopedRateThrottle(AtomicWindowMixin, throttling.ScopedRateThrottle):
    def window(self, request, view) -> tuple[str, int] | None:
        # The rate comes from the view's scope, known only now (as in DRF's own class).
        self.scope = getattr(view, self.scope_attr, None)
        if not self.scope:
            return None
        self.rate = self.get_rate()
        num_requests, duration = self.parse_rate(self.rate)
        if num_requests is None or duration is None:
            return None
        self.num_requests, self.duration = num_requests, duration
        return super().window(request, view)
