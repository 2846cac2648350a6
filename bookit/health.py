"""Probes for the orchestrator: /healthz (liveness) and /readyz (readiness).

Liveness only says the process answers, so a database outage does not get every replica killed
and restarted; readiness says whether this replica can serve traffic right now. The database is
required (503 without it); the cache is an optimisation, so an unreachable cache is reported as
"degraded" with 200: taking every replica out of the balancer for a Redis outage would turn a
slower site into no site.
"""

import logging
import secrets

from django.core.cache import cache
from django.db import DatabaseError, connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from bookit.cache import cache_state

logger = logging.getLogger(__name__)


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers. Readiness (database, cache) is /readyz."""
    return JsonResponse({"status": "ok"})


def _database_ok() -> bool:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError as exc:
        # One line: a probe every few seconds must not print a traceback each time.
        logger.warning("readyz: database unreachable: %s", exc)
        return False


def _cache_ok() -> bool:
    # django-redis runs with IGNORE_EXCEPTIONS (a Redis outage degrades to cache misses), so an
    # unreachable Redis does not raise: only a write that reads back proves it works. While the
    # circuit breaker is cooling down these fail at once; when it is due, this is its probe.
    key = f"readyz:{secrets.token_hex(8)}"
    value = secrets.token_hex(8)
    try:
        cache.set(key, value, timeout=10)
        ok = cache.get(key) == value
        cache.delete(key)
    except Exception:  # any backend's connection error means "not ready", never a 500
        logger.warning("readyz: cache unreachable", exc_info=True)
        return False
    return ok and cache_state() == "ok"


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: 503 without the database; a failing cache only makes the status "degraded"."""
    database = "ok" if _database_ok() else "error"
    cache_check = "ok" if _cache_ok() else "degraded"
    if database != "ok":
        overall = "error"
    else:
        overall = cache_check
    return JsonResponse(
        {"status": overall, "database": database, "cache": cache_check},
        status=200 if database == "ok" else 503,
    )
