#!/bin/sh
# BookIT container entrypoint.
#   web (the default): apply migrations, make sure the S3/MinIO bucket exists, serve with gunicorn.
#   anything else is run as given, e.g. `python manage.py scheduler` or `python manage.py runbot`.
set -eu

if [ "${1:-web}" != "web" ]; then
  exec "$@"
fi

# Several web replicas may start together: migrate.py holds a PostgreSQL advisory lock, so one
# applies the migrations and the others wait, then find nothing left to do.
python deploy/migrate.py
# Idempotent; does nothing without S3_BUCKET. --wait: MinIO may still be starting.
python manage.py ensure_bucket --wait 60

# One worker process with 8 threads per container, and more containers to scale
# (docker compose up --scale web=3): each process keeps its own Prometheus registry, so with one
# process per container every scrape of a replica is complete and consistent.
exec gunicorn bookit.wsgi:application \
  --bind "${GUNICORN_BIND:-0.0.0.0:8000}" \
  --worker-class gthread --workers 1 --threads 8 \
  --timeout 60 --graceful-timeout 30 \
  --no-control-socket \
  --access-logfile - --error-logfile -
