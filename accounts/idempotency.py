"""``Idempotency-Key`` for every create (DESIGN.md, "Honest answers under faults and retries").

A client whose 201 was lost retries; without this it got "409 seat already booked" about its own
booking. With the header:
- the first answer (status + body) is kept for 24 h per member and key, and a repeat with the
  same body gets it again plus ``Idempotent-Replayed: true``;
- the same key with another body (or on another endpoint) is a 422;
- concurrent repeats create one row: the record is inserted in the same transaction as the
  create, so the unique index (user, key) makes a concurrent repeat wait for the first one's
  commit and then replay its answer (or, should it still not see it, answer 409 "in progress");
- 5xx answers are not kept (the transaction rolls back): the client may simply retry.
Use: decorate the view's ``post`` with ``@idempotent`` and add ``IDEMPOTENCY_SCHEMA`` parameters
and responses to its ``extend_schema``.
"""

import datetime as dt
import functools
import hashlib
import json
from collections.abc import Callable

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from accounts.models import IdempotencyRecord
from bookit.errors import Conflict, Unprocessable, ValidationFailed
from bookit.schema import ConflictErrorSerializer, ErrorSerializer

HEADER = "Idempotency-Key"
# The header as WSGI puts it in META: read there, a request without it builds nothing (the
# request.headers mapping copies every header of the request; issue 15).
_META_KEY = "HTTP_IDEMPOTENCY_KEY"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
TTL = dt.timedelta(hours=24)

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    HEADER,
    str,
    OpenApiParameter.HEADER,
    description=(
        "Any string up to 255 characters. A repeat with the same key and body gets the first "
        "answer again (with `Idempotent-Replayed: true`) instead of creating a second row; "
        "answers are kept 24 h."
    ),
)
REPLAYED_PARAMETER = OpenApiParameter(
    REPLAYED_HEADER,
    str,
    OpenApiParameter.HEADER,
    response=True,
    enum=["true"],
    description="Present when this is the stored answer to an earlier request with the same key.",
)
# The one error component of the schema (bookit.schema), also for these answers.
ERROR_BODY = ErrorSerializer
CONFLICT_BODY = ConflictErrorSerializer
IDEMPOTENCY_RESPONSES = {
    409: OpenApiResponse(
        CONFLICT_BODY,
        description="Conflict (e.g. a booking overlap; `conflict.mine` says whether it is the "
        "caller's own booking), or a request with this Idempotency-Key is still in progress.",
    ),
    422: OpenApiResponse(
        ERROR_BODY, description="The Idempotency-Key was already used with another body."
    ),
    503: OpenApiResponse(
        ERROR_BODY, description="The database is unavailable; retry after `Retry-After`."
    ),
}
IDEMPOTENCY_PARAMETERS = [IDEMPOTENCY_PARAMETER, REPLAYED_PARAMETER]


def _canonical(value):
    if isinstance(value, UploadedFile):
        digest = hashlib.sha256()
        for chunk in value.chunks():
            digest.update(chunk)
        value.seek(0)
        return {"file": value.name, "size": value.size, "sha256": digest.hexdigest()}
    if hasattr(value, "lists"):  # QueryDict / MultiValueDict: every value of every key
        return {k: [_canonical(v) for v in vs] for k, vs in value.lists()}
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    return value


def request_fingerprint(request) -> str:
    payload = {
        "method": request.method,
        "path": request.path,
        "data": _canonical(request.data),
        "files": _canonical(getattr(request, "FILES", {}) or {}),
    }
    text = json.dumps(payload, sort_keys=True, cls=JSONEncoder, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _key_from(request) -> str | None:
    key = request.META.get(_META_KEY)
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        message = _("Idempotency-Key must be 1 to %(n)d characters.") % {"n": MAX_KEY_LENGTH}
        raise ValidationFailed(message, errors={HEADER: [message]})
    return key


def _replay(*, user, key: str, fingerprint: str) -> Response | None:
    record = IdempotencyRecord.objects.filter(user=user, key=key).first()
    if record is None:
        return None
    if record.created_at <= timezone.now() - TTL:
        record.delete()  # expired: the key starts afresh
        return None
    if record.fingerprint != fingerprint:
        raise Unprocessable(
            _("This Idempotency-Key was already used with a different request."),
            errors={HEADER: [_("Use a new key for a different request.")]},
        )
    return Response(record.body, status=record.status_code, headers={REPLAYED_HEADER: "true"})


class _KeyTaken(Exception):
    pass


class _NotKept(Exception):
    def __init__(self, response: Response):
        self.response = response


def idempotent(handler: Callable) -> Callable:
    """Decorator for an APIView ``post`` that creates something (see the module docstring)."""

    @functools.wraps(handler)
    def wrapper(view, request, *args, **kwargs):
        key = _key_from(request)
        if key is None:
            return handler(view, request, *args, **kwargs)
        user = request.user
        fingerprint = request_fingerprint(request)
        replay = _replay(user=user, key=key, fingerprint=fingerprint)
        if replay is not None:
            return replay
        try:
            with transaction.atomic():
                try:
                    with transaction.atomic():
                        record = IdempotencyRecord.objects.create(
                            user=user, key=key, fingerprint=fingerprint, status_code=0
                        )
                except IntegrityError:
                    raise _KeyTaken from None
                try:
                    response = handler(view, request, *args, **kwargs)
                except Exception as exc:  # the answer DRF would give, so it can be kept
                    response = view.handle_exception(exc)
                if response.status_code >= 500:
                    raise _NotKept(response)
                record.status_code = response.status_code
                record.body = json.loads(json.dumps(response.data, cls=JSONEncoder))
                record.save(update_fields=["status_code", "body"])
                return response
        except _NotKept as not_kept:
            return not_kept.response
        except _KeyTaken:
            # A concurrent request with this key committed (the unique index made us wait).
            replay = _replay(user=user, key=key, fingerprint=fingerprint)
            if replay is not None:
                return replay
            raise Conflict(
                _("A request with this Idempotency-Key is still in progress."),
                errors={HEADER: [_("Retry in a moment to get its answer.")]},
            ) from None

    return wrapper


def idempotency_cleanup() -> int:
    """Periodic: drop answers older than 24 h."""
    deleted, _rows = IdempotencyRecord.objects.filter(created_at__lte=timezone.now() - TTL).delete()
    return deleted
