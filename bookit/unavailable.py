"""Honest answers while the database is unreachable: 503 with Retry-After, never an HTML 500.

A connection error is not a bug in the request: the client should retry. The API answers JSON
``{detail}``, pages a short self-contained page (it must not touch the session, the user or
anything else that needs the database). Django closes the broken connection at the end of the
request (CONN_HEALTH_CHECKS / errors_occurred), so the first request after recovery succeeds
without a worker restart.
"""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext

logger = logging.getLogger("bookit.unavailable")

RETRY_AFTER_SECONDS = 5
DATABASE_ERRORS = (OperationalError, InterfaceError)


def is_database_unavailable(exc: BaseException | None) -> bool:
    return isinstance(exc, DATABASE_ERRORS)


def database_unavailable_body() -> dict:
    # The one error schema of the API: {detail, errors}.
    detail = gettext("The service is temporarily unavailable. Try again shortly.")
    return {"detail": detail, "errors": {}}


def database_unavailable_response(request: HttpRequest, exc: BaseException) -> HttpResponse:
    # One line per request, no traceback: the cause is known and the outage logs elsewhere.
    logger.warning("database unavailable: %s %s: %s", request.method, request.path, exc)
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(database_unavailable_body(), status=503)
    else:
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Turns a database connection error raised by a view into the 503 above."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if is_database_unavailable(exc):
            return database_unavailable_response(request, exc)
        return None


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: also catches connection errors raised outside views (middleware, templates)."""
    import sys

    exc = sys.exc_info()[1]
    if exc is not None and is_database_unavailable(exc):
        return database_unavailable_response(request, exc)
    from django.views.defaults import server_error as default_server_error

    return default_server_error(request)
