"""bookit.db: django-prometheus' statement metrics, the same counts with the labelled children
found once; PostgreSQL's per-request health check only when the socket has something to say."""

import select

import pytest
from django.db import DatabaseError, connection, connections
from django_prometheus.db import (
    errors_total,
    execute_many_total,
    execute_total,
    query_duration_seconds,
)

from bookit.db.metrics import counted_cursor

pytestmark = pytest.mark.django_db


FAMILIES = (execute_total, execute_many_total, errors_total, query_duration_seconds)


def _sample(name: str, **labels: str) -> float:
    """One sample of the database families (not the whole registry: collecting the business
    gauges runs statements of its own)."""
    labels = {"alias": "default", "vendor": connection.vendor, **labels}
    for family in FAMILIES:
        for metric in family.collect():
            for sample in metric.samples:
                if sample.name == name and sample.labels == labels:
                    return sample.value
    return 0.0


def test_the_backend_is_ours_and_keeps_the_metric_families():
    assert type(connections["default"]).__module__.startswith("bookit.db.")
    # The families are django-prometheus' own objects: dashboards and alerts read the same names.
    names = {m._name for m in (execute_total, execute_many_total, errors_total)}
    assert names == {"django_db_execute", "django_db_execute_many", "django_db_errors"}
    assert query_duration_seconds._name == "django_db_query_duration_seconds"


def test_statements_errors_and_durations_are_counted():
    executed = _sample("django_db_execute_total")
    timed = _sample("django_db_query_duration_seconds_count")
    many = _sample("django_db_execute_many_total")
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.executemany(
            "UPDATE django_content_type SET model = model WHERE id = %s", [(1,), (2,), (3,)]
        )
    assert _sample("django_db_execute_total") == executed + 4
    assert _sample("django_db_execute_many_total") == many + 3
    assert _sample("django_db_query_duration_seconds_count") == timed + 2

    kind_before = {
        name: _sample("django_db_errors_total", type=name)
        for name in ("OperationalError", "ProgrammingError")
    }
    with pytest.raises(DatabaseError) as caught:
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM no_such_table_anywhere")
    kind = type(caught.value.__cause__ or caught.value).__name__
    assert _sample("django_db_errors_total", type=kind) == kind_before.get(kind, 0) + 1
    assert _sample("django_db_query_duration_seconds_count") == timed + 3


def test_the_cursor_class_and_its_children_are_made_once():
    with connection.cursor() as one, connection.cursor() as two:
        assert type(one.cursor) is type(two.cursor)
    base = type(one.cursor).__mro__[1]
    assert counted_cursor(base, "default", connection.vendor) is type(one.cursor)


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="runs in the PostgreSQL leg (DATABASE_URL)"
)


@postgres_only
def test_a_quiet_connection_is_not_sent_select_1(monkeypatch):
    connection.ensure_connection()
    checks = []
    monkeypatch.setattr(
        type(connections["default"]), "is_usable", lambda self: checks.append(1) or True
    )
    connection.health_check_done = False
    with connection.cursor() as cursor:
        cursor.execute("SELECT 2")
    assert checks == [] and connection.health_check_done


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_connection_the_server_ended_is_checked_and_replaced():
    import psycopg

    connection.ensure_connection()
    old = connection.connection
    pid = old.info.backend_pid
    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        user=settings["USER"],
        dbname=settings["NAME"],
        autocommit=True,
    ) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
    # The server's goodbye reaches the socket (waited for up to 10 s): what the check looks at.
    poller = select.poll()
    poller.register(old.fileno(), select.POLLIN)
    poller.poll(10_000)
    connection.health_check_done = False  # a new request
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid
    assert connection.connection is not old


@postgres_only
def test_hand_written_statements_bind_on_the_server_and_are_prepared(member):
    from django.test.utils import CaptureQueriesContext
    from psycopg import ClientCursor

    from accounts.models import User
    from bookit import rows
    from bookit.memo import memo_scope

    with connection.cursor() as orm:  # the ORM keeps Django's client-side binding
        assert isinstance(orm.cursor, ClientCursor)
    with memo_scope():
        statement = rows.cursor("default")
        assert not isinstance(statement.cursor, ClientCursor)
        for _ in range(6):
            assert rows.get_by_pk(User, member.pk) == member
        statement.execute("SELECT count(*) FROM pg_prepared_statements WHERE NOT from_sql")
        assert statement.fetchall()[0][0] >= 1
        with CaptureQueriesContext(connection) as queries:
            rows.get_by_pk(User, member.pk)
    # Captured as a client-binding cursor would have sent it: the values written in.
    assert queries.captured_queries[0]["sql"].endswith(f'"id" = {member.pk}')
