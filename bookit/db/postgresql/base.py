import select
from typing import Any

from django.db.backends.postgresql import base as django_base
from django_prometheus.db.backends.postgresql import base as prometheus_base

from bookit.db.metrics import counted_cursor


class DatabaseWrapper(prometheus_base.DatabaseWrapper):
    """django-prometheus' PostgreSQL backend (connections counted), statements counted by
    ``counted_cursor``, and a cheaper health check."""

    def get_connection_params(self) -> dict[str, Any]:
        params = django_base.DatabaseWrapper.get_connection_params(self)
        params["cursor_factory"] = counted_cursor(params["cursor_factory"], self.alias, self.vendor)
        return params

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
