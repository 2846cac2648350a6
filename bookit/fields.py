"""Serializer fields for request bodies that apply the rules of bookit.params.

A body and a query string are two spellings of the same input: a naive datetime, a year out of
range or a fractional id is refused in both, with the same message.
"""

import datetime as dt

from rest_framework import serializers

from bookit import params, rows


def iso_datetime(value: dt.datetime | None, tz: dt.tzinfo) -> str | None:
    """DRF's DateTimeField output (ISO 8601 in ``tz``, "Z" for UTC) without its per-call
    settings and time-zone lookups, for the hot answers built without a serializer (tests hold
    them to the serializer's exact output)."""
    if value is None:
        return None
    text = value.astimezone(tz).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


class AwareDateTimeField(serializers.DateTimeField):
    """An ISO 8601 datetime that must carry a UTC offset.

    DRF's own field would read a naive value in the server's zone, so the same request would
    mean another instant on a server configured differently.
    """

    default_error_messages = {
        "naive": params.NAIVE_MESSAGE,
        "invalid": params.DATETIME_MESSAGE,
    }

    def enforce_timezone(self, value):
        if value.tzinfo is None or value.utcoffset() is None:
            self.fail("naive")
        if not params.in_supported_range(value):
            raise serializers.ValidationError(params.range_message(), code="range")
        return super().enforce_timezone(value)


class IdField(serializers.IntegerField):
    """A database id in a body: a JSON integer (not 1.5, not true) that fits a 64-bit column."""

    default_error_messages = {"invalid": params.INT_MESSAGE}

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", params.MAX_ID)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | str):
            # int(1.5) and int(True) would quietly pick seat 1.
            self.fail("invalid")
        if isinstance(data, str) and not params.ASCII_INT.fullmatch(data.strip()):
            self.fail("invalid")
        value = super().to_internal_value(data)
        # Validators also run here: as a RelatedIdField's pk_field only this method is called.
        self.run_validators(value)
        return value


class RelatedIdField(serializers.PrimaryKeyRelatedField):
    """A reference by id, validated as an IdField before the lookup.

    ``joined``: for a hot path, the row is read by primary key with SQL built once per process
    (bookit.rows), that foreign key joined, instead of ``queryset.get`` compiled per request;
    the queryset must then be the model's unfiltered ``select_related(joined)`` (it still
    describes the field, e.g. in the schema)."""

    def __init__(self, *, joined: str | None = None, **kwargs):
        kwargs.setdefault("pk_field", IdField())
        self.joined = joined
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if self.joined is None:
            return super().to_internal_value(data)
        pk = self.pk_field.to_internal_value(data)  # an int in range, or a 400
        obj = rows.get_by_pk(self.get_queryset().model, pk, related=self.joined)
        if obj is None:
            self.fail("does_not_exist", pk_value=pk)
        return obj
