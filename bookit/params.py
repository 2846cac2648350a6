"""The one input layer: query parameters (and body values, via bookit.fields) into typed values.

Every rule that makes a value unsafe to hand to the ORM or to date arithmetic lives here, once:
- NUL bytes are refused (PostgreSQL cannot store or compare them and raises instead);
- integers are ASCII digits only and fit a 64-bit column (``"²".isdigit()`` is true, ``int("²")``
  fails, and SQLite raises OverflowError past 2**63);
- dates and datetimes stay inside SUPPORTED_YEARS, so "the next day" or a time-zone shift never
  overflows ``datetime`` (``9999-12-31`` + one day does);
- datetimes carry a UTC offset: a naive time would silently mean the server's zone.
Each failure is a 400 with the parameter's name as the field, through the one exception handler.
"""

import datetime as dt
import re
from typing import NoReturn

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bookit.errors import ValidationFailed

SUPPORTED_YEARS = range(1970, 3000)
MAX_ID = 2**63 - 1
ASCII_INT = re.compile(r"[0-9]{1,19}")

# Shared with the body fields in bookit.fields, so a query and a body say the same thing.
NUL_MESSAGE = gettext_lazy("Null characters are not allowed.")
INT_MESSAGE = gettext_lazy("Must be a whole number.")
NAIVE_MESSAGE = gettext_lazy("Times must include a UTC offset.")
DATETIME_MESSAGE = gettext_lazy("Use ISO 8601 with an offset, e.g. 2026-12-01T10:00:00+03:00.")


def range_message() -> str:
    return _("Must be between the years %(first)d and %(last)d.") % {
        "first": SUPPORTED_YEARS.start,
        "last": SUPPORTED_YEARS.stop - 1,
    }


def _fail(name: str, message: object) -> NoReturn:
    raise ValidationFailed.on(name, str(message))


def text_param(params, name: str) -> str | None:
    """A stripped string, or None when absent or empty."""
    raw = params.get(name)
    if raw is None:
        return None
    if "\x00" in raw:
        _fail(name, NUL_MESSAGE)
    return raw.strip() or None


def in_supported_range(value: dt.date | dt.datetime) -> bool:
    return value.year in SUPPORTED_YEARS


def datetime_param(params, name: str, *, required: bool = False) -> dt.datetime | None:
    raw = text_param(params, name)
    if raw is None:
        if required:
            _fail(name, _("This parameter is required."))
        return None
    # A "+" in a query string arrives as a space when the client did not encode it.
    raw = raw.replace(" ", "+") if "T" in raw else raw
    try:
        value = parse_datetime(raw) if raw.isascii() else None
    except ValueError:
        value = None
    if value is None:
        _fail(name, DATETIME_MESSAGE)
    if timezone.is_naive(value):
        _fail(name, NAIVE_MESSAGE)
    if not in_supported_range(value):
        _fail(name, range_message())
    return value


def date_param(params, name: str) -> dt.date | None:
    raw = text_param(params, name)
    if raw is None:
        return None
    try:
        value = parse_date(raw) if raw.isascii() else None
    except ValueError:
        value = None
    if value is None:
        _fail(name, _("Use a date like 2026-12-01."))
    if not in_supported_range(value):
        _fail(name, range_message())
    return value


def int_param(params, name: str) -> int | None:
    """A non-negative id-sized integer: ASCII digits only."""
    raw = text_param(params, name)
    if raw is None:
        return None
    if not ASCII_INT.fullmatch(raw) or int(raw) > MAX_ID:
        _fail(name, INT_MESSAGE)
    return int(raw)


def bool_param(params, name: str) -> bool | None:
    raw = text_param(params, name)
    if raw is None:
        return None
    if raw.lower() not in {"true", "false", "1", "0"}:
        _fail(name, _("Must be true or false."))
    return raw.lower() in {"true", "1"}


def collect_errors(*parsers) -> tuple[list, dict[str, list[str]]]:
    """Run several parsers (zero-argument callables); return their values and all field errors.

    For forms of filters that report every bad parameter at once rather than the first one.
    """
    values, errors = [], {}
    for parse in parsers:
        try:
            values.append(parse())
        except ValidationFailed as exc:
            values.append(None)
            errors.update(exc.errors)
    return values, errors
