import select
from typing import Any

from django.db.backends.postgresql import base as django_base
from django.db.backends.postgresql import operations
from django_prometheus.db.backends.postgresql import base as prometheus_base
from psycopg import ClientCursor, errors

from bookit.db.metrics import counted_cursor

# psycopg's own default. Only server-binding cursors prepare (statement_cursor). An OPTIONS
# "prepare_threshold" (DB_PREPARE_THRESHOLD, bookit.settings) is kept as given, e.g. None
# behind a transaction-pooling PgBouncer older than 1.21, which cannot keep them.
PREPARE_THRESHOLD = 5


class DatabaseOperations(operations.DatabaseOperations):
    def last_executed_query(self, cursor: Any, sql: str, params: Any) -> str:
        """Django reads the statement a client-binding cursor sent; a server-binding one
        (``statement_cursor``) sent ``$1``-style text and the values apart: they are written
        in as a client-binding cursor would have (debug views, captured queries, logs)."""
        if isinstance(cursor, ClientCursor) or self.connection.features.uses_server_side_binding:
            return super().last_executed_query(cursor, sql, params)
        try:
            return self.compose_sql(sql, params)
        except errors.DataError:  # as Django's: a value the text cannot show
            return sql


class DatabaseWrapper(prometheus_base.DatabaseWrapper):
    """django-prometheus' PostgreSQL backend (connections counted), statements counted by
    ``counted_cursor``, and a cheaper health check."""

    ops_class = DatabaseOperations

    def get_connection_params(self) -> dict[str, Any]:
        params = django_base.DatabaseWrapper.get_connection_params(self)
        params["cursor_factory"] = counted_cursor(params["cursor_factory"], self.alias, self.vendor)
        return params

    def statement_cursor(self) -> Any:
        """A cursor (Django's wrapper, counted) that binds its parameters on the server, for
        the hand-written statements of ``bookit.rows``: psycopg dumps their parameters in C
        instead of quoting each into the statement's text in Python (Django's default client
        binding), and the server plans a statement once per connection, preparing it when it
        has run ``PREPARE_THRESHOLD`` times (a text written once, so the same each run). The
        ORM's own statements keep Django's client-side binding, which never prepares."""
        self.close_if_health_check_failed()
        self.ensure_connection()
        with self.wrap_database_errors:
            cursor_class = counted_cursor(django_base.ServerBindingCursor, self.alias, self.vendor)
            raw = cursor_class(self.connection)
        return self._prepare_cursor(raw)

    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        connection = super().get_new_connection(conn_params)
        if "prepare_threshold" not in self.settings_dict["OPTIONS"]:  # Django's default: None
            connection.prepare_threshold = PREPARE_THRESHOLD
        return connection

    def close_if_health_check_failed(self) -> None:
        """CONN_HEALTH_CHECKS: Django sends ``SELECT 1`` before each request's first statement,
        a round trip the request then waits for. A connection the server closed or broke
        (restart, crash, terminated backend, idle timeout) has something to read on its
        socket, an end of file or the server's last message; only then is the real check run
        (and the connection replaced if it fails). A quiet socket is a live connection as far
        as a check could tell: a server that dies right after it fails the statement either
        way, and Django closes that connection at the end of the request."""
        if (
            self.connection is not None
            and self.health_check_enabled
            and not self.health_check_done  # type: ignore[has-type]
            and socket_is_quiet(self.connection)
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()


def socket_is_quiet(connection: Any) -> bool:
    """True when the idle psycopg ``connection`` is open and its server has sent nothing."""
    if connection.closed or connection.broken:
        return False
    try:
        fd = connection.fileno()
    except Exception:  # closed meanwhile: let the real check decide
        return False
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLPRI)
    return not poller.poll(0)  # POLLHUP and POLLERR are always reported
