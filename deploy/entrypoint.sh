#!/bin/sh
# BookIT container entrypoint.
#   web (the default): apply migrations, make sure the S3/MinIO bucket exists, serve with gunicorn.
#   anything else is run as given, e.g. `python manage.py scheduler` or `python manage.py runbot`.
set -eu

if [ "${1:-web}" != "web" ]; then
  exec "$@"
fi

# prometheus_client reads PROMETHEUS_MULTIPROC_DIR when it is first imported, and the migrations
# below import it: a directory named there must exist before them (gunicorn empties it at start).
if [ -n "${PROMETHEUS_MULTIPROC_DIR:-}" ]; then
  mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
fi

# Several web replicas may start together: migrate.py holds a PostgreSQL advisory lock, so one
# applies the migrations and the others wait, then find nothing left to do.
python deploy/migrate.py
# Idempotent; does nothing without S3_BUCKET. --wait: MinIO may still be starting.
python manage.py ensure_bucket --wait 60

# gunicorn gthread with deploy/gunicorn.conf.py: WEB_CONCURRENCY worker processes (default 2, one
# per core) of GUNICORN_THREADS threads (default 8), Prometheus' multiprocess mode so that every
# scrape adds up all the workers; more containers to scale further (docker compose up --scale web=3).
exec gunicorn bookit.wsgi:application --config deploy/gunicorn.conf.py
