"""Model rows read and written with SQL built once per process, for the fixed statements of
the hot paths (the booking POST: the member, the seat with its floor, the policy and its
rules, the webhook endpoints; the booking's insert).

The ORM compiles a queryset on every call (lookups resolved, joins set up, columns quoted):
for a primary-key read that costs several times what the statement costs PostgreSQL. These
helpers write the same statements (every concrete column of the model, as the ORM selects
them) once per model and connection, and return the same instances: ``Model.from_db`` with
the fields' own converters (a JSONField's decoding, SQLite's datetimes), a joined row cached
on its foreign key as ``select_related`` does. They go through the connection's cursor, so
query capture, the Prometheus wrappers and error translation (IntegrityError) are the same.
Default managers that filter rows are not consulted: use these only for models whose default
manager returns every row.
"""

import datetime as dt
import functools
from collections.abc import Callable, Sequence
from typing import Any, TypeVar, cast

from django.db import connections, router
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.db.models import DateTimeField, Field, ForeignKey, Model, Value

from bookit.memo import forget, memoized

M = TypeVar("M", bound=Model)


@functools.cache
def _columns(model: type[Model], alias: str) -> tuple[str, list[str], list[tuple[int, Any, list]]]:
    """("t"."a", "t"."b", ...), the field attnames, and (index, column, converters) of each
    field that has converters (as the compiler applies them: the backend's, then the field's)."""
    connection = connections[alias]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    fields: list[Field] = list(model._meta.concrete_fields)
    select = ", ".join(f"{table}.{quote(_column(f))}" for f in fields)
    converters = []
    for i, field in enumerate(fields):
        col = field.get_col(model._meta.db_table)
        funcs = connection.ops.get_db_converters(col) + field.get_db_converters(connection)
        if funcs:
            converters.append((i, col, funcs))
    return select, [f.attname for f in fields], converters


def cursor(alias: str) -> CursorWrapper:
    """A cursor on ``alias`` for hand-written statements: inside a request (bookit.memo's
    scope) the request's one cursor, elsewhere a new one each call. Run a statement and read
    it to its end with ``fetchall()`` before the next one (on SQLite a statement read with
    ``fetchone()`` stays in progress: a savepoint could then not be released); never close it.

    ``connection.cursor()`` costs more than a primary-key read's own Python: the health check,
    the backend's cursor and Django's wrapper are built each time, and a booking ran eight
    statements through eight cursors. The cursor is replaced when it no longer fits the
    connection: reconnected (another DB-API connection), or statements captured now and not
    when it was made (or the reverse).
    """
    connection = connections[alias]
    key = f"bookit.rows:cursor:{alias}"

    def make() -> CursorWrapper:
        # PostgreSQL (bookit.db): a cursor binding parameters on the server, statements
        # prepared, reading timestamptz with psycopg's C loader.
        made = getattr(connection, "statement_cursor", connection.cursor)()
        fast_datetimes(made, alias)
        return made

    current: CursorWrapper = memoized(key, make)
    captured = isinstance(current, CursorDebugWrapper)
    if current.cursor.connection is not connection.connection or captured != bool(
        connection.queries_logged
    ):
        forget(key)
        current = memoized(key, make)
    return current


def _instance(model: type[M], alias: str, values: Sequence[Any]) -> M:
    _select, names, converters = _columns(model, alias)
    connection = connections[alias]
    converted = list(values)
    for i, col, funcs in converters:
        value = converted[i]
        for convert in funcs:
            value = convert(value, col, connection)
        converted[i] = value
    return model.from_db(alias, names, converted)


def columns(model: type[Model]) -> str:
    """Every concrete column of ``model``, qualified and in field order: the select list of a
    hand-written statement whose rows ``instance()`` turns into models."""
    return _columns(model, router.db_for_read(model))[0]


def instance(model: type[M], values: Sequence[Any]) -> M:
    """The instance the ORM would build from a row of ``columns(model)``."""
    return _instance(model, router.db_for_read(model), values)


def db_datetimes(alias: str, *values: dt.datetime) -> list[Any]:
    """Datetime parameters of a hand-written statement as the ORM sends them (UTC text on
    SQLite, as they are on PostgreSQL): it must compare like with like."""
    adapt = connections[alias].ops.adapt_datetimefield_value
    return [adapt(value) for value in values]


@functools.cache
def _datetime_column() -> Value:
    """Any datetime expression will do for asking the backend's converters; a field costs
    more to build (Field.__init__) than the statement it serves, so it is built once."""
    return Value(None, output_field=DateTimeField())


def _unchanged(value: Any) -> Any:
    return value


def datetime_reader(alias: str) -> Callable[[Any], dt.datetime]:
    """A datetime column's value of a hand-written statement as the ORM returns it (the
    backend's converters: SQLite's text or naive UTC made aware; nothing on PostgreSQL)."""
    connection = connections[alias]
    column = _datetime_column()
    funcs = connection.ops.get_db_converters(column)
    if not funcs:
        return _unchanged

    def read(value: Any) -> dt.datetime:
        for convert in funcs:
            value = convert(value, column, connection)
        return value

    return read


@functools.cache
def _timestamptz_loader() -> tuple[int, Any]:
    import psycopg
    from psycopg.pq import Format

    oid = psycopg.postgres.types["timestamptz"].oid
    return oid, psycopg.adapters.get_loader(oid, Format.TEXT)


def fast_datetimes(cursor: Any, alias: str) -> None:
    """Read this cursor's timestamptz columns with psycopg's own loader (C, in psycopg[binary]).

    Django registers a Python subclass of psycopg's pure-Python loader to put the connection's
    zone on each value (``psycopg_any.BaseTzLoader``): about five times the cost a value. With
    the connection in UTC (Django's with USE_TZ, unless DATABASES sets TIME_ZONE) psycopg's
    loader gives the same aware datetimes; otherwise, and on other databases, nothing changes.
    """
    connection = connections[alias]
    if connection.vendor != "postgresql" or connection.timezone_name != "UTC":
        return
    oid, loader = _timestamptz_loader()
    cursor.cursor.adapters.register_loader(oid, loader)


@functools.cache
def _joined(model: type[Model], alias: str, related: str | None) -> tuple[str, str, int]:
    """The select list, the FROM clause and the select list's width of ``model`` with its
    foreign key ``related`` joined (or none)."""
    quote = connections[alias].ops.quote_name
    select, names, _converters = _columns(model, alias)
    table = quote(model._meta.db_table)
    if not related:
        return select, table, len(names)
    fk = cast(ForeignKey, model._meta.get_field(related))
    other_model = fk.related_model
    other_select, other_names, _c = _columns(other_model, alias)
    other_table = quote(other_model._meta.db_table)
    sql_from = (
        f"{table} INNER JOIN {other_table} ON ({table}.{quote(_column(fk))} = "
        f"{other_table}.{quote(_column(other_model._meta.pk))})"
    )
    return f"{select}, {other_select}", sql_from, len(names) + len(other_names)


def joined(model: type[Model], related: str | None) -> tuple[str, str, int]:
    """For a hand-written statement reading ``model`` with the row of its foreign key
    ``related`` (as ``select_related``): the select list, the FROM clause and how many
    columns the select list has. ``joined_instance`` builds the instance from them."""
    return _joined(model, router.db_for_read(model), related)


def _joined_instance(model: type[M], alias: str, related: str | None, row: Sequence[Any]) -> M:
    width = len(_columns(model, alias)[1])
    obj = _instance(model, alias, row[:width])
    if related:
        fk = cast(ForeignKey, model._meta.get_field(related))
        fk.set_cached_value(obj, _instance(fk.related_model, alias, row[width:]))
    return obj


def joined_instance(model: type[M], related: str | None, row: Sequence[Any]) -> M:
    """The instance (its ``related`` row cached on it) from a row of ``joined(model,
    related)``'s select list."""
    return _joined_instance(model, router.db_for_read(model), related, row)


@functools.cache
def _by_pk_sql(model: type[Model], alias: str, related: str | None) -> str:
    quote = connections[alias].ops.quote_name
    select, sql_from, _width = _joined(model, alias, related)
    table = quote(model._meta.db_table)
    return f"SELECT {select} FROM {sql_from} WHERE {table}.{quote(_column(model._meta.pk))} = %s"


def get_by_pk(model: type[M], pk: Any, *, related: str | None = None) -> M | None:
    """``model.objects.select_related(related).filter(pk=pk).first()`` (one foreign key
    ``related`` joined, or none), or None when there is no such row."""
    alias = router.db_for_read(model)
    statement = cursor(alias)
    statement.execute(_by_pk_sql(model, alias, related), [pk])
    fetched = statement.fetchall()
    if not fetched:
        return None
    return _joined_instance(model, alias, related, fetched[0])


def _column(field: Any) -> str:
    return str(field.column)


@functools.cache
def _all_sql(model: type[Model], alias: str, true: str, order_by: tuple[str, ...]) -> str:
    quote = connections[alias].ops.quote_name
    select, _names, _converters = _columns(model, alias)
    table = quote(model._meta.db_table)
    sql = f"SELECT {select} FROM {table}"
    if true:
        sql += f" WHERE {table}.{quote(true)}"
    if order_by:
        sql += " ORDER BY " + ", ".join(f"{table}.{quote(c)} ASC" for c in order_by)
    return sql


def all_of(model: type[M], *, true: str = "", order_by: tuple[str, ...] = ()) -> list[M]:
    """Every row of ``model`` (``true``: only those where this boolean column is true),
    ordered by the named columns."""
    alias = router.db_for_read(model)
    statement = cursor(alias)
    statement.execute(_all_sql(model, alias, true, order_by))
    rows = statement.fetchall()
    return [_instance(model, alias, row) for row in rows]


@functools.cache
def _insert_sql(model: type[Model], alias: str) -> tuple[str, list[Field]]:
    quote = connections[alias].ops.quote_name
    pk = model._meta.pk
    fields = [f for f in model._meta.concrete_fields if f is not pk]
    table = quote(model._meta.db_table)
    sql = (
        f"INSERT INTO {table} ({', '.join(quote(_column(f)) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))}) RETURNING {table}.{quote(_column(pk))}"
    )
    return sql, fields


def insert(obj: Model) -> None:
    """``obj.save()`` of a new row (no pre_save / post_save signals: none is connected to the
    models this is used for): every concrete column but the auto primary key, which comes
    back with RETURNING."""
    alias = router.db_for_write(type(obj))
    connection = connections[alias]
    sql, fields = _insert_sql(type(obj), alias)
    values = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
    statement = cursor(alias)
    statement.execute(sql, values)
    (row,) = statement.fetchall()
    obj.pk = row[0]
    obj._state.adding = False
    obj._state.db = alias


@functools.cache
def _with_all_sql(
    model: type[Model], other: type[Model], alias: str, order_by: tuple[str, ...]
) -> str:
    quote = connections[alias].ops.quote_name
    select, _names, _converters = _columns(model, alias)
    other_select, _n, _c = _columns(other, alias)
    table, other_table = quote(model._meta.db_table), quote(other._meta.db_table)
    sql = (
        f"SELECT {select}, {other_select} FROM {table} LEFT OUTER JOIN {other_table} ON (1 = 1)"
        f" WHERE {table}.{quote(_column(model._meta.pk))} = %s"
    )
    if order_by:
        sql += " ORDER BY " + ", ".join(f"{other_table}.{quote(c)} ASC" for c in order_by)
    return sql


def get_with_all(
    model: type[M], pk: Any, other: type[Model], *, order_by: tuple[str, ...] = ()
) -> tuple[M | None, list]:
    """``get_by_pk(model, pk)`` and ``all_of(other, order_by=order_by)`` in one statement (a
    row and a small table read together, e.g. a settings row and its overrides): (None, [])
    when there is no such row."""
    alias = router.db_for_read(model)
    statement = cursor(alias)
    statement.execute(_with_all_sql(model, other, alias, order_by), [pk])
    fetched = statement.fetchall()
    if not fetched:
        return None, []
    width = len(_columns(model, alias)[1])
    obj = _instance(model, alias, fetched[0][:width])
    other_pk = width + [f.attname for f in other._meta.concrete_fields].index(
        other._meta.pk.attname
    )
    others = [_instance(other, alias, row[width:]) for row in fetched if row[other_pk] is not None]
    return obj, others
