from django_prometheus.db.backends.sqlite3 import base as prometheus_base

from bookit.db.metrics import counted_cursor

DatabaseFeatures = prometheus_base.DatabaseFeatures


class DatabaseWrapper(prometheus_base.DatabaseWrapper):
    """django-prometheus' SQLite backend (connections counted); its cursor class and labelled
    children made once per database instead of once per cursor (``counted_cursor``)."""

    def create_cursor(self, name=None):
        return self.connection.cursor(
            factory=counted_cursor(self.CURSOR_CLASS, self.alias, self.vendor)
        )
