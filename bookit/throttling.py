"""DRF throttles with atomic counters: the limit holds under concurrency and across replicas.

DRF's SimpleRateThrottle keeps a list of timestamps per client and rewrites it on every request
(read, append, write). Concurrent requests (gthread workers, several replicas) read the same list
and overwrite each other's entries, so under load the history undercounts and the throttle lets
through far more than its rate. Here a fixed window is one counter: ``add`` creates it with the
window's expiry (SET NX EX on Redis) and ``incr`` bumps it (INCRBY), both atomic, so with N
concurrent requests exactly ``rate`` get through per window. A request inside a window costs
one round trip (see _count).

Redis is an optimisation: when the shared cache does not answer (circuit open), the counter is
kept in this process's memory instead, so a limit still applies, per replica, until it returns.
"""

import redis
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache import cache as default_cache
from django_redis.cache import RedisCache  # type: ignore[import-untyped]
from rest_framework import throttling

LOCAL_ALIAS = "local"
# INCR, and on the window's first request PEXPIRE, as one atomic script: one round trip.
WINDOW_SCRIPT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return count
"""


def _count(cache, key: str, timeout: int) -> int | None:
    """The window's counter after this request, or None when the cache did not answer.

    On Redis one script (WINDOW_SCRIPT): a request costs one round trip, the window's first
    one included (the counter is created with its expiry atomically). A connection error or
    timeout (the circuit breaker open included) is "did not answer".

    Elsewhere (the process-local fallback, tests without Redis): ``incr`` first, inside a
    window the counter exists; only the window's first request also creates it with ``add``.
    Two first requests at once: one ``add`` wins, the other finds the key and increments it.
    """
    if cache is default_cache:  # DRF's throttles hold the proxy; the backend is behind it
        cache = caches[DEFAULT_CACHE_ALIAS]
    if isinstance(cache, RedisCache):
        try:
            client = cache.client.get_client(write=True)
            return int(client.eval(WINDOW_SCRIPT, 1, cache.client.make_key(key), timeout * 1000))
        except redis.exceptions.RedisError:
            return None
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

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        counter_key = f"{self.key}:w{window}"
        count = _count(self.cache, counter_key, self.duration)
        if count is None:
            count = _count(caches[LOCAL_ALIAS], counter_key, self.duration)
        self._retry_after = (window + 1) * self.duration - self.now
        return count is None or count <= self.num_requests

    def wait(self) -> float:
        return self._retry_after


class AnonRateThrottle(AtomicWindowMixin, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(AtomicWindowMixin, throttling.UserRateThrottle):
    pass


class ScopedRateThrottle(AtomicWindowMixin, throttling.ScopedRateThrottle):
    def allow_request(self, request, view) -> bool:
        # The rate comes from the view's scope, known only now (as in DRF's own class).
        self.scope = getattr(view, self.scope_attr, None)
        if not self.scope:
            return True
        self.rate = self.get_rate()
        num_requests, duration = self.parse_rate(self.rate)
        if num_requests is None or duration is None:
            return True
        self.num_requests, self.duration = num_requests, duration
        return super().allow_request(request, view)
