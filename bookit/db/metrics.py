"""django-prometheus' statement metrics, with each connection's labelled children found once.

``django_prometheus.db.common.ExportingCursorWrapper`` looks up three labelled children and
builds two context managers for every statement (about 9 µs each, 11 statements a booking);
SQLite's backend also builds the wrapper class for every cursor. Here the class and its
children are made once per (cursor class, alias, vendor): the same metric families
(``django_db_execute_total``, ``django_db_execute_many_total``, ``django_db_errors_total``,
``django_db_query_duration_seconds``), the same labels, the same counts.
"""

import functools
from time import perf_counter
from typing import Any

from django_prometheus.db import (
    errors_total,
    execute_many_total,
    execute_total,
    query_duration_seconds,
)


@functools.cache
def counted_cursor(cursor_class: type, alias: str, vendor: str) -> type:
    """``cursor_class`` counting its statements, errors and durations for ``alias``."""
    executed = execute_total.labels(alias, vendor)
    executed_many = execute_many_total.labels(alias, vendor)
    duration = query_duration_seconds.labels(alias, vendor)

    def failed(exc: BaseException) -> None:
        errors_total.labels(alias, vendor, type(exc).__name__).inc()

    class CountedCursor(cursor_class):
        def execute(self, *args: Any, **kwargs: Any) -> Any:
            executed.inc()
            started = perf_counter()
            try:
                return super().execute(*args, **kwargs)
            except BaseException as exc:
                failed(exc)
                raise
            finally:
                duration.observe(perf_counter() - started)

        def executemany(self, query: Any, param_list: Any, *args: Any, **kwargs: Any) -> Any:
            executed.inc(len(param_list))
            executed_many.inc(len(param_list))
            started = perf_counter()
            try:
                return super().executemany(query, param_list, *args, **kwargs)
            except BaseException as exc:
                failed(exc)
                raise
            finally:
                duration.observe(perf_counter() - started)

    CountedCursor.__name__ = CountedCursor.__qualname__ = f"Counted{cursor_class.__name__}"
    return CountedCursor
