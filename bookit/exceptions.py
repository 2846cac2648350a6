"""One DRF exception handler: every API error is JSON ``{detail, errors}``."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from bookit.errors import DomainError
from bookit.unavailable import (
    RETRY_AFTER_SECONDS,
    database_unavailable_body,
    is_database_unavailable,
)


def _flatten(detail, prefix: str = "") -> dict:
    """Field -> list of messages; nested errors (a list item, a nested object) as "field.0"."""
    if isinstance(detail, dict):
        flat = {}
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(value, dict):
                flat.update(_flatten(value, name))
            elif isinstance(value, list) and any(isinstance(v, dict | list) for v in value):
                flat.update(_flatten(dict(enumerate(value)), name))
            else:
                flat[name] = [str(v) for v in value] if isinstance(value, list) else [str(value)]
        return {name: messages for name, messages in flat.items() if messages}
    if isinstance(detail, list):
        return _flatten({"non_field_errors": detail}, prefix)
    return {}


def api_exception_handler(exc, context):
    if is_database_unavailable(exc):
        # Not the client's fault and not a bug: 503 + Retry-After (bookit/unavailable.py).
        response = Response(database_unavailable_body(), status=status.HTTP_503_SERVICE_UNAVAILABLE)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    if isinstance(exc, DomainError):
        body = {"detail": str(exc.message), "errors": _flatten(exc.errors), **exc.extra}
        return Response(body, status=exc.status_code)
    if isinstance(exc, RequestDataTooBig):
        # Django would answer its HTML 400 page; over DATA_UPLOAD_MAX_MEMORY_SIZE is a 413.
        detail = gettext("The request body is too large.")
        return Response(
            {"detail": detail, "errors": {}}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
        )
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        fallback = gettext("Invalid input.")
        first = next(iter(errors.values()), [fallback])
        response.data = {"detail": str(first[0]) if first else fallback, "errors": errors}
        response.status_code = status.HTTP_400_BAD_REQUEST
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
        response.data = {"detail": str(detail), "errors": {}}
    return response
