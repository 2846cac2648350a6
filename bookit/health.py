"""Probes for the orchestrator: /healthz (liveness) and /readyz (readiness).

Liveness only says the process answers, so a database outage does not get every replica killed
and restarted; readiness says whether this replica can serve traffic right now.
"""

import logging
import secrets

from django.core.cache import cache
from django.db import DatabaseError, connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

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
    except DatabaseError:
        logger.warning("readyz: database unreachable", exc_info=True)
        return False


def _cache_ok() -> bool:
    # django-redis runs with IGNORE_EXCEPTIONS (a Redis outage degrades to cache misses), so an
    # unreachable Redis does not raise: only a write that reads back proves it works.
    key = f"readyz:{secrets.token_hex(8)}"
    value = secrets.token_hex(8)
    try:
        cache.set(key, value, timeout=10)
        ok = cache.get(key) == value
        cache.delete(key)
    except Exception:  # any backend's connection error means "not ready", never a 500
        logger.warning("readyz: cache unreachable", exc_info=True)
        return False
    if not ok:
        logger.warning("readyz: cache did not return the value just written")
    return ok


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: the database and the cache answer. 503 with the failing part otherwise."""
    checks = {
        "database": "ok" if _database_ok() else "error",
        "cache": "ok" if _cache_ok() else "error",
    }
    ready = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "error", **checks}, status=200 if ready else 503
    )
