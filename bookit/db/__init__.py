"""Database backends: django-prometheus' (the same metrics), each statement counted without
building its labels again, and PostgreSQL's per-request health check without a round trip
while the connection's socket is quiet (issue 15, docs/performance.md)."""
