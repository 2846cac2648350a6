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

import functools
from collections.abc import Sequence
from typing import Any, TypeVar, cast

from django.db import connections, router
from django.db.models import Field, ForeignKey, Model

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


def get_by_pk(model: type[M], pk: Any, *, related: str | None = None) -> M | None:
    """``model.objects.select_related(related).filter(pk=pk).first()`` (one foreign key
    ``related`` joined, or none), or None when there is no such row."""
    alias = router.db_for_read(model)
    connection = connections[alias]
    quote = connection.ops.quote_name
    select, names, _converters = _columns(model, alias)
    table = quote(model._meta.db_table)
    sql_from = table
    fk: ForeignKey | None = None
    if related:
        fk = cast(ForeignKey, model._meta.get_field(related))
        other_model = fk.related_model
        other_select, _n, _c = _columns(other_model, alias)
        other_table = quote(other_model._meta.db_table)
        select = f"{select}, {other_select}"
        sql_from = (
            f"{table} INNER JOIN {other_table} ON ({table}.{quote(_column(fk))} = "
            f"{other_table}.{quote(_column(other_model._meta.pk))})"
        )
    where = f"{table}.{quote(_column(model._meta.pk))} = %s"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {select} FROM {sql_from} WHERE {where}", [pk])
        row = cursor.fetchone()
    if row is None:
        return None
    obj = _instance(model, alias, row[: len(names)])
    if fk is not None:
        other = _instance(fk.related_model, alias, row[len(names) :])
        fk.set_cached_value(obj, other)
    return obj


def _column(field: Any) -> str:
    return str(field.column)


def all_of(model: type[M], *, true: str = "", order_by: Sequence[str] = ()) -> list[M]:
    """Every row of ``model`` (``true``: only those where this boolean column is true),
    ordered by the named columns."""
    alias = router.db_for_read(model)
    connection = connections[alias]
    quote = connection.ops.quote_name
    select, _names, _converters = _columns(model, alias)
    table = quote(model._meta.db_table)
    sql = f"SELECT {select} FROM {table}"
    if true:
        sql += f" WHERE {table}.{quote(true)}"
    if order_by:
        sql += " ORDER BY " + ", ".join(f"{table}.{quote(c)} ASC" for c in order_by)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        rows = cursor.fetchall()
    return [_instance(model, alias, row) for row in rows]


def insert(obj: Model) -> None:
    """``obj.save()`` of a new row (no pre_save / post_save signals: none is connected to the
    models this is used for): every concrete column but the auto primary key, which comes
    back with RETURNING."""
    model = type(obj)
    alias = router.db_for_write(model)
    connection = connections[alias]
    quote = connection.ops.quote_name
    pk = model._meta.pk
    assert pk is not None
    fields = [f for f in model._meta.concrete_fields if f is not pk]
    values = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} "
        f"({', '.join(quote(_column(f)) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))}) "
        f"RETURNING {quote(model._meta.db_table)}.{quote(_column(pk))}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    assert row is not None
    obj.pk = row[0]
    obj._state.adding = False
    obj._state.db = alias
