"""bookit.rows gives what the ORM gives: the same instances, field for field."""

import datetime as dt

import pytest
from django.forms.models import model_to_dict

from accounts.tests.factories import make_user
from bookit import rows
from integrations.webhooks.models import WebhookEndpoint
from reservations.models import BookingRule, Reservation
from seats.models import Floor, Seat

pytestmark = pytest.mark.django_db


def _values(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


def test_a_row_by_primary_key_is_the_orm_instance_with_its_joined_row():
    floor = Floor.objects.create(name="F")
    seat = Seat.objects.create(floor=floor, label="A1", kind="quiet_desk", amenities=["monitor"])
    got = rows.get_by_pk(Seat, seat.pk, related="floor")
    expected = Seat.objects.select_related("floor").get(pk=seat.pk)
    assert got is not None and _values(got) == _values(expected)
    assert got.amenities == ["monitor"]  # the JSONField's own decoding
    assert Seat._meta.get_field("floor").is_cached(got)  # no query for seat.floor
    assert _values(got.floor) == _values(expected.floor)
    assert not got._state.adding and got._state.db == "default"
    assert rows.get_by_pk(Seat, seat.pk + 1000) is None


def test_a_user_row_keeps_its_datetimes_aware():
    user = make_user("rows@example.com")
    got = rows.get_by_pk(type(user), user.pk)
    assert got is not None and _values(got) == _values(type(user).objects.get(pk=user.pk))
    assert got.date_joined.tzinfo is not None


def test_all_rows_filtered_and_ordered_as_the_orm():
    floor = Floor.objects.create(name="F")
    BookingRule.objects.create(kind="meeting_room", max_minutes=60)
    BookingRule.objects.create(floor=floor, opens_at=dt.time(9))
    got = rows.all_of(BookingRule, order_by=("floor_id", "kind"))
    assert [model_to_dict(r) for r in got] == [model_to_dict(r) for r in BookingRule.objects.all()]
    user = make_user("staff@example.com", is_staff=True)
    for active in (True, False, True):
        WebhookEndpoint.objects.create(
            url="https://example.com/h",
            events=["reservation.created"],
            is_active=active,
            secret="s",
            created_by=user,
        )
    got_hooks = rows.all_of(WebhookEndpoint, true="is_active", order_by=("id",))
    expected = WebhookEndpoint.objects.filter(is_active=True).order_by("id")
    assert [_values(e) for e in got_hooks] == [_values(e) for e in expected]
    assert got_hooks[0].events == ["reservation.created"]


def test_a_row_with_all_of_a_small_table_is_get_by_pk_and_all_of():
    from reservations.models import BookingPolicy

    policy, _created = BookingPolicy.objects.get_or_create(pk=1)
    assert rows.get_with_all(BookingPolicy, 1, BookingRule) == (policy, [])  # no rules yet
    got, got_rules = rows.get_with_all(BookingPolicy, 1, BookingRule)
    assert _values(got) == _values(BookingPolicy.objects.get(pk=1))
    floor = Floor.objects.create(name="F")
    BookingRule.objects.create(kind="meeting_room", max_minutes=60)
    BookingRule.objects.create(floor=floor, opens_at=dt.time(9))
    BookingRule.objects.create(kind="quiet_desk", advance_days=3)
    order = ("floor_id", "kind")
    got, got_rules = rows.get_with_all(BookingPolicy, 1, BookingRule, order_by=order)
    assert _values(got) == _values(BookingPolicy.objects.get(pk=1))
    expected = rows.all_of(BookingRule, order_by=order)
    assert [_values(r) for r in got_rules] == [_values(r) for r in expected]
    assert len(got_rules) == 3
    assert rows.get_with_all(BookingPolicy, 2, BookingRule) == (None, [])


def test_insert_writes_the_row_save_would(frozen):
    floor = Floor.objects.create(name="F")
    seat = Seat.objects.create(floor=floor, label="A1")
    user = make_user("ins@example.com")
    start = dt.datetime(2030, 1, 2, 10, tzinfo=dt.UTC)
    reservation = Reservation(user=user, seat=seat, start=start, end=start + dt.timedelta(hours=1))
    rows.insert(reservation)
    assert reservation.pk and not reservation._state.adding
    assert _values(Reservation.objects.get(pk=reservation.pk)) == _values(reservation)


def test_no_save_signal_is_connected_to_what_insert_writes():
    """rows.insert skips Model.save, so it sends no pre_save / post_save: nothing may listen."""
    from django.db.models.signals import post_save, pre_save

    assert not pre_save.has_listeners(Reservation)
    assert not post_save.has_listeners(Reservation)


def test_a_request_runs_its_statements_through_one_cursor():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bookit.memo import memo_scope

    assert rows.cursor("default") is not rows.cursor("default")  # outside a request: new ones
    with memo_scope():
        first = rows.cursor("default")
        assert rows.cursor("default") is first
        with CaptureQueriesContext(connection) as captured:  # captured now: a logging cursor
            floor = Floor.objects.create(name="F")
            assert rows.get_by_pk(Floor, floor.pk) is not None
            assert rows.cursor("default") is not first
        assert len(captured) == 2
        assert rows.cursor("default") is not first  # not captured any more: a plain one again


@pytest.mark.django_db(transaction=True)
def test_the_request_cursor_is_replaced_after_a_reconnection():
    from django.db import connection

    from bookit.memo import memo_scope

    if connection.vendor == "sqlite":
        pytest.skip("Django never closes the in-memory test database")
    floor = Floor.objects.create(name="F")
    with memo_scope():
        kept = rows.cursor("default")
        connection.close()  # the old cursor belongs to the closed connection
        assert rows.get_by_pk(Floor, floor.pk) is not None
        assert rows.cursor("default") is not kept


def test_a_datetime_column_reads_as_the_orm_reads_it():
    """datetime_reader: what the ORM returns for a datetime column of a hand-written statement
    (SQLite sends text, made aware here; PostgreSQL's values pass unchanged), with the
    expression it asks the backend about built once, not per statement."""
    from django.db import connection

    reservation_start = dt.datetime(2030, 1, 2, 9, 30, tzinfo=dt.UTC)
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s", [connection.ops.adapt_datetimefield_value(reservation_start)])
        (raw,) = cursor.fetchone()
    read = rows.datetime_reader("default")
    assert read(raw) == reservation_start and read(raw).tzinfo is not None
    if connection.vendor == "postgresql":
        assert read is rows._unchanged
    assert rows._datetime_column() is rows._datetime_column()
