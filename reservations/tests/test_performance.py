"""The hot paths stay cheap by construction: statement counts, one policy read, index plans.

Figures (throughput, latency) come from ``make bench``; these tests pin what can be asserted
deterministically: how many statements a booking takes, that the policy is read once per
request, that the availability query on PostgreSQL is an index scan on reservations.
"""

import datetime as dt
import json

import pytest
from django.db import connection
from rest_framework.test import APIClient

from accounts.jwt import tokens_for_user
from accounts.tests.factories import make_user
from bookit.tests.clock import at
from integrations.models import Notification
from reservations import messages as msg
from reservations import policy as policy_module
from reservations import selectors, services
from reservations.models import BookingPolicy, Reservation
from reservations.tests.factories import make_reservation
from seats.api.serializers import SeatAvailabilitySerializer, seat_availability_data
from seats.models import Floor, Seat
from seats.selectors import seats_filtered
from seats.tests.factories import make_seat

Status = Reservation.Status
# Django reports the transaction's own BEGIN (BEGIN IMMEDIATE on SQLite) and COMMIT too.
TRANSACTION_CONTROL = 2


def _work(ctx) -> list[str]:
    """The statements that do the work: everything but BEGIN / COMMIT."""
    sql = [q["sql"] for q in ctx.captured_queries]
    return [q for q in sql if not q.startswith(("BEGIN", "COMMIT"))]


def _booking_transaction(ctx) -> list[str]:
    """The statements between BEGIN and COMMIT: the booking itself."""
    sql = [q["sql"] for q in ctx.captured_queries]
    begin = next(i for i, q in enumerate(sql) if q.startswith("BEGIN"))
    commit = next(i for i, q in enumerate(sql) if q.startswith("COMMIT"))
    return sql[begin + 1 : commit]


# The booking itself is three statements: the lock (member and seat in one SELECT ... FOR
# UPDATE, which also reads the seat with its floor when the request sent only its id, and the
# policy with its rules when the request has not read them), one check statement (the
# reservations in the way, the member's upcoming ones and, in the same UNION ALL, the seat's
# blocks of issue 17) and the insert. The same transaction then writes what the booking
# announces, so that a rolled-back booking announces nothing: issue 18's outbox event with the
# delivery rows of the channels the member chose (one INSERT ... RETURNING feeding the
# deliveries' INSERT on PostgreSQL, two statements elsewhere) and issue 20's lookup of the
# webhook endpoints subscribed to the event. Those statements touch only these tables.
ANNOUNCING_TABLES = ("integrations_notification", "integrations_webhook")
CORE = 3
# The outbox event and its deliveries.
NOTIFY = 1 if connection.vendor == "postgresql" else 2
WEBHOOK_LOOKUP = 1
POLICY_TABLE = '"reservations_bookingpolicy"'


def _split_booking(ctx) -> tuple[list[str], list[str]]:
    """The booking's own statements and, after them, the announcing ones."""
    statements = _booking_transaction(ctx)
    core, announcing = statements[:CORE], statements[CORE:]
    lock = core[0]
    assert lock.startswith("SELECT") and '"accounts_user"' in lock and '"seats_seat"' in lock, core
    if connection.vendor == "postgresql":  # the member and the seat, nothing else
        assert lock.endswith('FOR UPDATE OF "accounts_user", "seats_seat"'), lock
    # Every other check in one statement, the seat's blocks (issue 17) included.
    assert '"reservations_reservation"' in core[1], core
    assert '"reservations_seatblock"' in core[1] and "UNION ALL" in core[1], core
    assert core[2].startswith('INSERT INTO "reservations_reservation"'), core
    assert all(any(t in q for t in ANNOUNCING_TABLES) for q in announcing), announcing
    return core, announcing


@pytest.fixture
def policy_reads(monkeypatch):
    """Counts reads of the booking policy row (bookit.memo keeps one per request)."""
    reads = []
    real = policy_module._load

    def counting():
        reads.append(1)
        return real()

    monkeypatch.setattr(policy_module, "_load", counting)
    return reads


# transaction=True: the booking's atomic() is then the outermost block, BEGIN/COMMIT as in
# production, instead of a SAVEPOINT pair inside the test's own transaction.
@pytest.mark.django_db(transaction=True)
def test_staff_booking_with_an_outbox_row_is_three_statements_then_the_announcing_ones(
    frozen, staff, seat, django_assert_max_num_queries
):
    member = make_user("tg@example.com", telegram_id=777)
    BookingPolicy.objects.get_or_create(pk=1)  # the row exists in production; count reads only
    # The transaction: the lock, reading the policy row with the booking rules (issue 17's
    # per-seat overrides) too (nothing is kept outside a request), every check in one statement
    # (blocks included), insert; then the announcing statements (the outbox event with its
    # email and Telegram deliveries, and the webhook endpoint lookup).
    with django_assert_max_num_queries(CORE + NOTIFY + WEBHOOK_LOOKUP + TRANSACTION_CONTROL) as ctx:
        reservation = services.reservation_create(
            user=member, seat=seat, start=at(1, 10), end=at(1, 11), by=staff
        )
    core, announcing = _split_booking(ctx)
    assert len(core) == CORE, core
    assert POLICY_TABLE in core[0] and '"reservations_bookingrule"' in core[0], core
    assert len(announcing) == NOTIFY + WEBHOOK_LOOKUP, announcing
    if connection.vendor == "postgresql":  # the budget: at most 6 per booking
        assert len(_work(ctx)) <= 6
    assert Reservation.objects.get(pk=reservation.pk).user == member
    notification = Notification.objects.get(user=member, kind="booking_created")
    channels = sorted(notification.deliveries.values_list("channel", flat=True))
    assert channels == ["email", "telegram"]


@pytest.mark.django_db(transaction=True)
def test_member_booking_post_is_six_statements_in_all(
    frozen, member, seat, django_assert_max_num_queries, policy_reads
):
    """A real JWT bearer request: the user, then the booking itself in three statements (the
    lock, which also reads the seat with its floor and the policy row with the booking rules of
    issue 17, once per request; every check with the seat's blocks; insert) and its announcing
    ones (the member's own booking is confirmed by email: outbox event + its delivery; webhook
    lookup). On PostgreSQL that is the issue's budget: six statements per booking, and nothing
    else but BEGIN and COMMIT."""
    BookingPolicy.objects.get_or_create(pk=1)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens_for_user(member)['access']}")
    policy_reads.clear()
    body = {"seat": seat.pk, "start": at(1, 10).isoformat(), "end": at(1, 11).isoformat()}
    announcing_count = NOTIFY + WEBHOOK_LOOKUP
    with django_assert_max_num_queries(1 + CORE + announcing_count + TRANSACTION_CONTROL) as ctx:
        response = client.post("/api/reservations", body, format="json")
    core, announcing = _split_booking(ctx)
    assert len(core) == CORE, core
    assert len(announcing) == announcing_count, announcing
    work = _work(ctx)
    assert len(work) == 1 + CORE + announcing_count, work
    if connection.vendor == "postgresql":
        assert len(work) == 6
    assert '"accounts_user"' in work[0] and "FOR UPDATE" not in work[0], work  # the JWT's user
    # The seat and the policy are read once, by the lock, not before the transaction.
    assert [q for q in work if '"seats_seat"' in q and '"seats_floor"' in q] == [core[0]], work
    assert [q for q in work if POLICY_TABLE in q] == [core[0]], work
    assert response.status_code == 201, response.content
    assert response.json()["seat_label"] == seat.label
    assert Reservation.objects.filter(user=member, seat=seat, status=Status.BOOKED).count() == 1
    assert policy_reads == []  # the lock's read is the request's: nothing reads it again
    notification = Notification.objects.get(user=member, kind="booking_created")
    assert list(notification.deliveries.values_list("channel", flat=True)) == ["email"]
    assert notification.payload["floor"] == seat.floor.name


@pytest.mark.django_db(transaction=True)
def test_a_policy_read_earlier_in_the_request_is_not_read_again_by_the_lock(
    frozen, member, seat, django_assert_max_num_queries
):
    """When the request already holds the policy (here: the whole-day mode reads it to find
    the day's hours), the lock reads the member and the seat only."""
    BookingPolicy.objects.get_or_create(pk=1)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens_for_user(member)['access']}")
    body = {"seat": seat.pk, "whole_day": True, "date": at(1, 10).date().isoformat()}
    with django_assert_max_num_queries(20) as ctx:
        response = client.post("/api/reservations", body, format="json")
    assert response.status_code == 201, response.content
    core, _announcing = _split_booking(ctx)
    assert POLICY_TABLE not in core[0], core
    assert len([q for q in _work(ctx) if POLICY_TABLE in q]) == 1, _work(ctx)


@pytest.mark.django_db(transaction=True)
def test_an_unknown_seat_id_is_the_serializer_s_400_and_writes_nothing(member, frozen):
    """The common body's seat is read by the lock: an unknown id answers exactly what the
    serializer answers for the same id sent as text, and leaves nothing behind."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens_for_user(member)['access']}")
    window = {"start": at(1, 10).isoformat(), "end": at(1, 11).isoformat()}
    by_lock = client.post("/api/reservations", {"seat": 99999, **window}, format="json")
    by_serializer = client.post("/api/reservations", {"seat": "99999", **window}, format="json")
    assert by_lock.status_code == by_serializer.status_code == 400
    assert by_lock.json() == by_serializer.json()
    assert by_lock.json()["errors"] == {"seat": ['Invalid pk "99999" - object does not exist.']}
    assert not Reservation.objects.exists() and not Notification.objects.exists()


def test_a_repeated_event_key_writes_nothing_more(member):
    """notify()'s single INSERT keeps "never sent twice": the second call adds no row."""
    from integrations.notifications.outbox import notify

    first = notify(user=member, kind="welcome", key="perf:1", payload={"a": 1})
    assert first is not None and first.pk
    assert notify(user=member, kind="welcome", key="perf:1", payload={"a": 2}) is None
    stored = Notification.objects.get(dedupe_key="perf:1")
    assert stored.pk == first.pk and stored.payload == {"a": 1}
    assert stored.deliveries.count() == 1


def test_the_single_check_statement_still_applies_every_rule(frozen, member, other_member, seat):
    """Seat clash, member clash, limit and stale no-shows all come from one query now."""
    seat2 = make_seat("A2", floor=seat.floor)
    stale = make_reservation(other_member, seat, at(0, 8), at(0, 12))  # past its grace at 09:05
    services.reservation_create(user=member, seat=seat, start=at(0, 9, 30), end=at(0, 10))
    stale.refresh_from_db()
    assert stale.status == Status.NO_SHOW
    with pytest.raises(services.Conflict) as seat_clash:
        services.reservation_create(user=other_member, seat=seat, start=at(0, 9, 30), end=at(0, 11))
    assert seat_clash.value.extra["conflict"]["seat"] == seat.pk
    with pytest.raises(services.Conflict) as own_clash:
        services.reservation_create(user=member, seat=seat2, start=at(0, 9, 30), end=at(0, 10))
    assert "start" in own_clash.value.errors
    services.reservation_create(user=member, seat=seat2, start=at(1, 10), end=at(1, 11))
    services.reservation_create(user=member, seat=seat2, start=at(2, 10), end=at(2, 11))
    with pytest.raises(services.ValidationFailed) as limit:
        services.reservation_create(user=member, seat=seat2, start=at(3, 10), end=at(3, 11))
    assert "non_field_errors" in limit.value.errors


def test_the_map_page_reads_the_policy_once(frozen, member, seat, client, policy_reads):
    client.force_login(member)
    policy_reads.clear()
    assert client.get("/").status_code == 200
    assert len(policy_reads) == 1


def _serializer_answer(states) -> list:
    """What the schema serializer answers for these availability states (no favourites or
    holders), the reference the fast path is held to."""
    for state in states:
        state.seat.available, state.seat.mine = state.available, state.mine
        state.seat.busy_until = state.busy_until
        state.seat.state, state.seat.reason = state.state, state.reason
        state.seat.favourite, state.seat.holder = False, None
    return SeatAvailabilitySerializer([s.seat for s in states], many=True).data


def test_availability_fast_path_matches_the_schema_serializer(frozen, member, other_member):
    floor = Floor.objects.create(name="F")
    seats = [
        Seat.objects.create(floor=floor, label="B2", kind="quiet_desk", amenities=["monitor"]),
        Seat.objects.create(floor=floor, label="B10", x=5, y=7, is_active=False),
        Seat.objects.create(floor=floor, label="B1"),
    ]
    make_reservation(member, seats[0], at(1, 10), at(1, 11))
    make_reservation(other_member, seats[2], at(1, 9), at(1, 12))
    states = selectors.seat_availability(
        seats=seats_filtered(include_inactive=True),
        start=at(1, 10),
        end=at(1, 11),
        user=member,
    )
    expected = _serializer_answer(states)
    assert json.dumps(seat_availability_data(states)) == json.dumps(expected)
    assert [row["label"] for row in expected] == ["B1", "B2", "B10"]


def test_availability_formats_each_busy_until_right_when_seats_share_it(frozen, member):
    """seat_availability_data formats each instant once: seats that free up together and one
    that frees up later still get the serializer's own text."""
    floor = Floor.objects.create(name="F")
    seats = [Seat.objects.create(floor=floor, label=f"C{i}") for i in range(4)]
    others = [make_user(f"o{i}@example.com") for i in range(3)]
    for other, seat, end in zip(others, seats[:3], (at(1, 12), at(1, 12), at(1, 13)), strict=True):
        make_reservation(other, seat, at(1, 9), end)
    states = selectors.seat_availability(
        seats=seats_filtered(), start=at(1, 10), end=at(1, 11), user=member
    )
    expected = _serializer_answer(states)
    rows = seat_availability_data(states)
    assert json.dumps(rows) == json.dumps(expected)
    assert [row["busy_until"] is None for row in rows] == [False, False, False, True]
    assert rows[0]["busy_until"] == rows[1]["busy_until"] != rows[2]["busy_until"]


def test_booking_answer_fast_path_matches_the_serializer(frozen, member, seat):
    from reservations.api.serializers import ReservationSerializer, reservation_data

    booked = make_reservation(member, seat, at(1, 10), at(1, 11))
    checked = make_reservation(member, seat, at(0, 9), at(0, 10), status=Status.CHECKED_IN)
    checked.checked_in_at = at(0, 9, 2)
    cancelled = make_reservation(None, seat, at(2, 10), at(2, 11), status=Status.CANCELLED)
    cancelled.cancelled_at = at(0, 8)
    for reservation in (booked, checked, cancelled):
        expected = ReservationSerializer(reservation).data
        assert json.dumps(reservation_data(reservation)) == json.dumps(expected)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN plans are PostgreSQL's")
def test_availability_is_an_index_range_scan_on_reservations(frozen, member):
    """Years of history, one window: the plan must not read the whole table.

    No planner switches: enough rows and fresh statistics make the sequential scan the
    expensive choice, as in production, so a missing or unusable index shows up here.
    """
    floor = Floor.objects.create(name="F")
    seats = Seat.objects.bulk_create(
        [Seat(floor=floor, label=f"S{i}", x=i, y=i) for i in range(50)]
    )
    history = []
    for day in range(400):
        start = at(-day - 1, 10)
        for n, s in enumerate(seats):
            status = Status.CHECKED_IN if n % 2 else Status.NO_SHOW
            history.append(
                Reservation(seat=s, start=start, end=start + dt.timedelta(hours=2), status=status)
            )
    Reservation.objects.bulk_create(history, batch_size=5000)
    for s in seats[:10]:
        make_reservation(member if s is seats[0] else None, s, at(1, 10), at(1, 11))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE reservations_reservation")
    # The statement availability runs (selectors.window_rows), as it is sent.
    sql, params = selectors.window_sql(start=at(1, 10), end=at(1, 12), cut=at(0, 8))
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Seq Scan on reservations_reservation" not in plan, plan
    assert "Index" in plan, plan
    assert "Sort" not in plan, plan
    assert len(selectors.window_rows(start=at(1, 10), end=at(1, 12))) == 10


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's generic plans")
def test_the_window_statement_prepared_is_still_an_index_scan(frozen, member):
    """The window statement is bound on the server and prepared (bookit.rows.cursor): after five
    runs PostgreSQL may switch it to one generic plan, made without the window's values. That
    plan, forced here, must read reservations through an index too."""
    floor = Floor.objects.create(name="F")
    seats = Seat.objects.bulk_create(
        [Seat(floor=floor, label=f"S{i}", x=i, y=i) for i in range(20)]
    )
    history = [
        Reservation(seat=s, start=at(-day - 1, 10), end=at(-day - 1, 12), status=Status.CHECKED_IN)
        for day in range(300)
        for s in seats
    ]
    Reservation.objects.bulk_create(history, batch_size=5000)
    sql, params = selectors.window_sql(start=at(1, 10), end=at(1, 12), cut=at(0, 8))
    head, *rest = sql.split("%s")
    numbered = head + "".join(f"${n}{part}" for n, part in enumerate(rest, start=1))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE reservations_reservation")
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        cursor.execute(f"PREPARE bookit_window AS {numbered}")
        try:
            cursor.execute(
                f"EXPLAIN EXECUTE bookit_window({', '.join(['%s'] * len(params))})", params
            )
            plan = "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("DEALLOCATE bookit_window")
    assert "$1" in plan, plan  # the generic plan indeed
    assert "Seq Scan on reservations_reservation" not in plan, plan
    assert "Index" in plan, plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="server-side binding is psycopg's")
def test_the_availability_request_binds_every_statement_on_the_server(frozen, member, seat):
    """The hot read's statements bind their values on the server, where PostgreSQL prepares a
    statement it has seen five times on a connection: sent as text with the values written in
    (Django's client-side binding), each is parsed and planned again, and the database then
    spent more CPU on the request than a hand-written app's prepared statements (issue 15)."""
    from psycopg import ClientCursor

    make_reservation(member, seat, at(1, 10), at(1, 11))
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens_for_user(member)['access']}")
    bound: list[tuple[str, bool]] = []

    def record(execute, sql, params, many, context):
        bound.append((sql, isinstance(context["cursor"].cursor, ClientCursor)))
        return execute(sql, params, many, context)

    url = f"/api/seat?start={at(1, 10).isoformat()}&end={at(1, 12).isoformat()}"
    url = url.replace("+", "%2B")
    assert api.get(url).status_code == 200  # the first one creates the policy row
    with connection.execute_wrapper(record):
        for _ in range(6):
            response = api.get(url)
            assert response.status_code == 200
            assert [row["state"] for row in response.json()] == ["mine"]
    assert len(bound) == 6 * 5  # member, seats, policy with its rules, window, blocks
    assert [sql for sql, client_side in bound if client_side] == []
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE NOT from_sql")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any("FROM reservations_reservation r" in text for text in prepared), prepared
    assert any("FROM seats_seat s JOIN seats_floor" in text for text in prepared), prepared


def test_seat_rows_are_seats_filtered_with_the_viewer_s_favourites(
    member, other_member, django_assert_num_queries
):
    from seats.models import FavouriteSeat
    from seats.selectors import favourite_seat_ids, seat_rows

    upper = Floor.objects.create(name="Upper", ordering=2)
    lower = Floor.objects.create(name="Lower", ordering=1)
    seats = [
        Seat.objects.create(floor=upper, label="A10", amenities=["monitor", "window"]),
        Seat.objects.create(floor=upper, label="A2", kind="quiet_desk", amenities=["monitor"]),
        Seat.objects.create(floor=lower, label="B1", x=3, y=4, is_active=False),
        Seat.objects.create(floor=lower, label="b3", kind="quiet_desk", amenities=[]),
    ]
    FavouriteSeat.objects.create(user=member, seat=seats[1])
    FavouriteSeat.objects.create(user=other_member, seat=seats[3])
    fields = ("id", "floor_id", "label", "kind", "x", "y", "is_active", "floor_name")
    for filters in (
        {},
        {"include_inactive": True},
        {"floor": lower.pk, "include_inactive": True},
        {"kind": "quiet_desk"},
        {"amenity": "monitor"},
        {"amenity": "monitor,window"},
    ):
        stars = favourite_seat_ids(member)
        expected = [
            (*(getattr(s, f) for f in fields), s.amenities, s.pk in stars)
            for s in seats_filtered(**filters)
        ]
        with django_assert_num_queries(1):
            rows = seat_rows(viewer=member, **filters)
        assert [
            (*(getattr(r, f) for f in fields), list(r.amenities), r.favourite) for r in rows
        ] == (expected), filters
    assert [r.label for r in seat_rows(include_inactive=True)] == ["B1", "b3", "A2", "A10"]
    assert not any(r.favourite for r in seat_rows(viewer=None, include_inactive=True))


def test_window_rows_are_live_in_window(frozen, member, other_member):
    """The SQL availability runs answers exactly what the queryset it replaced answers."""
    seats = [make_seat(label=f"W{i}") for i in range(8)]
    other_member.show_on_map = True
    other_member.save(update_fields=["show_on_map"])
    rows = [
        make_reservation(member, seats[0], at(1, 10), at(1, 11)),
        make_reservation(other_member, seats[1], at(1, 9), at(1, 12)),
        make_reservation(member, seats[2], at(1, 8), at(1, 10)),  # back to back: out
        make_reservation(None, seats[3], at(1, 10), at(1, 12), status=Status.HELD),
        make_reservation(other_member, seats[4], at(1, 10), at(1, 12), status=Status.CANCELLED),
        make_reservation(
            make_user("third@example.com"), seats[5], at(0, 8), at(0, 11)
        ),  # grace over: out
        make_reservation(other_member, seats[6], at(0, 9), at(0, 18), status=Status.CHECKED_IN),
        make_reservation(member, seats[7], at(0, 7), at(0, 18)),
    ]
    # Booked late (after its start): its grace counts from the booking, so it still holds.
    Reservation.objects.filter(pk=rows[7].pk).update(late_booked_at=at(0, 9, 0))
    for start, end in ((at(1, 10), at(1, 11)), (at(0, 8), at(1, 23)), (at(0, 10), at(0, 11))):
        expected = (
            Reservation.objects.live()
            .overlapping(start=start, end=end)
            .values_list(
                "seat_id", "user_id", "end", "user__first_name", "user__show_on_map", "user__avatar"
            )
        )
        got = selectors.window_rows(start=start, end=end)
        assert sorted(got, key=str) == sorted(expected, key=str), (start, end)
        assert got, (start, end)
    everything = selectors.window_rows(start=at(0, 0), end=at(2, 0))
    assert sorted(row[0] for row in everything) == [seats[i].pk for i in (0, 1, 2, 3, 6, 7)]


START, END = "2026-12-02T10:00:00+03:00", "2026-12-02T11:00:00+03:00"
# Booking bodies, well-formed or not: reservation_input must answer each as the serializer does.
BOOKING_BODIES = [
    {"seat": "SEAT", "start": START, "end": END},
    {"seat": "SEAT", "start": "2026-12-02T07:00:00Z", "end": "2026-12-02T08:00:00.000+00:00"},
    {"seat": "SEAT", "start": "2026-12-02 10:00+03:00", "end": "2026-12-02T16:00:00+09:00"},
    {"seat": "SEAT", "start": START, "end": END, "note": "ignored"},
    {"seat": "SEAT", "start": START, "end": END, "whole_day": False},
    {"seat": "SEAT", "whole_day": True},
    {"seat": "SEAT", "whole_day": "yes", "date": "2026-12-03"},
    {"seat": "SEAT", "whole_day": True, "date": "2026-12-05"},  # a Saturday: closed
    {"seat": "SEAT", "whole_day": "maybe", "date": "soon"},
    {"seat": "SEAT", "whole_day": None, "date": None},
    {"seat": "SEAT", "whole_day": [1], "date": 20261203},
    {"seat": "SEAT", "start": START, "whole_day": True, "date": "2026-12-03"},
    {"seat": "SEAT"},
    {"seat": "SEAT", "start": START},
    {"seat": "SEAT", "end": END},
    {"start": START, "end": END},
    {"seat": None, "start": START, "end": END},
    {"seat": "", "start": START, "end": END},
    {"seat": True, "start": START, "end": END},
    {"seat": 1.5, "start": START, "end": END},
    {"seat": "SEAT_TEXT", "start": START, "end": END},
    {"seat": " 12 ", "start": START, "end": END},
    {"seat": "abc", "start": START, "end": END},
    {"seat": "²", "start": START, "end": END},
    {"seat": 0, "start": START, "end": END},
    {"seat": -1, "start": START, "end": END},
    {"seat": 2**63, "start": START, "end": END},
    {"seat": 2**63 - 1, "start": START, "end": END},
    {"seat": 99999, "start": START, "end": END},
    {"seat": [1], "start": START, "end": END},
    {"seat": {"id": 1}, "start": START, "end": END},
    {"seat": "SEAT", "start": None, "end": END},
    {"seat": "SEAT", "start": "", "end": ""},
    {"seat": "SEAT", "start": "2026-12-02T10:00:00", "end": END},
    {"seat": "SEAT", "start": "2026-12-02", "end": END},
    {"seat": "SEAT", "start": "tomorrow", "end": END},
    {"seat": "SEAT", "start": 1764662400, "end": END},
    {"seat": "SEAT", "start": [START], "end": {"at": END}},
    {"seat": "SEAT", "start": "0001-01-01T00:00:00+00:00", "end": END},
    {"seat": "SEAT", "start": START, "end": "9999-12-31T23:59:59+14:00"},
    {"seat": "SEAT", "start": "2026-12-02T10:00:00+03:00\x00", "end": END},
    {"seat": "SEAT", "start": "２０２６-12-02T10:00:00+03:00", "end": END},
    {"seat": "SEAT", "start": "2026-12-02T25:00:00+03:00", "end": END},
    {"seat": 99999, "start": "tomorrow", "end": ""},
    {},
    [],
    ["SEAT", START, END],
    "seat",
    5,
    None,
]


def _outcome(run):
    """A validation's result in comparable form: the values, or the 400's field messages."""
    from rest_framework import serializers

    from bookit.exceptions import _flatten

    try:
        values = run()
    except serializers.ValidationError as exc:
        return "400", _flatten(exc.detail)
    seat = values["seat"]
    if isinstance(seat, int):  # the common body's seat, read by the booking's lock
        found = Seat.objects.select_related("floor").filter(pk=seat).first()
        if found is None:  # the booking's 400 for it
            return "400", {"seat": [msg.seat_does_not_exist(seat)]}
        seat = found
    return "ok", {
        "seat": (seat.pk, seat.floor.name),
        "start": (values["start"].isoformat(), values["start"].tzinfo),
        "end": (values["end"].isoformat(), values["end"].tzinfo),
    }


@pytest.mark.parametrize("zone", ["Europe/Moscow", "Asia/Tokyo"])
@pytest.mark.parametrize("body", BOOKING_BODIES, ids=range(len(BOOKING_BODIES)))
def test_reservation_input_is_the_serializer(frozen, seat, body, zone):
    """The booking POST reads its body with reservation_input: the same values, and for a bad
    body the same field messages (in the same order), as ReservationInputSerializer."""
    from django.utils import timezone

    from reservations.api.serializers import ReservationInputSerializer, reservation_input

    def filled(value):
        if value == "SEAT":
            return seat.pk
        if value == "SEAT_TEXT":
            return str(seat.pk)
        if isinstance(value, dict):
            return {k: filled(v) for k, v in value.items()}
        if isinstance(value, list):
            return [filled(v) for v in value]
        return value

    data = filled(body)

    def by_serializer():
        serializer = ReservationInputSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    with timezone.override(zone):
        expected = _outcome(by_serializer)
        got = _outcome(lambda: reservation_input(data))
    assert got == expected
    if expected[0] == "400":
        assert list(got[1]) == list(expected[1])  # the first message is the answer's detail


def test_the_common_booking_body_skips_the_serializer(frozen, seat, monkeypatch):
    """The point of reservation_input: a well-formed body builds no serializer."""
    from reservations.api import serializers as s

    def refuse(*args, **kwargs):
        raise AssertionError("the serializer was built")

    monkeypatch.setattr(s.ReservationInputSerializer, "__init__", refuse)
    values = s.reservation_input({"seat": seat.pk, "start": START, "end": END})
    assert values["seat"] == seat.pk and values["start"].isoformat() == START
    with pytest.raises(AssertionError):
        s.reservation_input({"seat": str(seat.pk), "start": START, "end": END})
