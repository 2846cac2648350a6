"""Parsing query parameters into typed values with field-level 400 errors."""

import datetime as dt
from typing import NoReturn

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from bookit.errors import ValidationFailed


def _fail(name: str, message: str) -> NoReturn:
    raise ValidationFailed.on(name, message)


def datetime_param(params, name: str, *, required: bool = False) -> dt.datetime | None:
    raw = (params.get(name) or "").strip()
    if not raw:
        if required:
            _fail(name, _("This parameter is required."))
        return None
    # A "+" in a query string arrives as a space when the client did not encode it.
    raw = raw.replace(" ", "+") if "T" in raw else raw
    try:
        value = parse_datetime(raw)
    except ValueError:
        value = None
    if value is None:
        _fail(name, _("Use ISO 8601 with an offset, e.g. 2026-12-01T10:00:00+03:00."))
    if timezone.is_naive(value):
        _fail(name, _("Times must include a UTC offset."))
    return value


def date_param(params, name: str) -> dt.date | None:
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = parse_date(raw)
    except ValueError:
        value = None
    if value is None:
        _fail(name, _("Use a date like 2026-12-01."))
    return value


def int_param(params, name: str) -> int | None:
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        _fail(name, _("Must be a whole number."))
    return int(raw)
