"""gunicorn's settings for the web container: `deploy/entrypoint.sh` serves with them, and
`make bench` (bench/web/run.py) starts the app and its raw baseline with them.

Processes and threads: ``WEB_CONCURRENCY`` worker processes (default 2, one per core of a
two-core host, when ``REDIS_URL`` gives them a shared cache; 1 without), each with
``GUNICORN_THREADS`` threads (default 8) for the time a request waits on PostgreSQL or Redis,
and at most twice that many connections. A process runs Python on one core at a time (the
GIL), so a single worker leaves the second core to the database; docs/performance.md (eighth
round) has the figures. Scale further with replicas (``docker compose up --scale web=3``).

Metrics with several processes: prometheus_client's multiprocess mode. Every worker writes its
counters and histograms to files in ``PROMETHEUS_MULTIPROC_DIR``; ``/metrics``, whichever worker
answers it, adds up every worker's files (integrations.metrics.export_registry), so a scrape is
the whole container's. The directory is emptied when gunicorn starts (a previous run's files
would be added to this run's counters); a worker that exits keeps its counts there (counters
never go backwards when a worker is recycled) and is marked dead for the live gauges.
"""

import os
import shutil
import tempfile
from pathlib import Path

METRICS_DIR = "PROMETHEUS_MULTIPROC_DIR"
_made: list[str] = []  # the directory on_starting made (removed again on_exit)

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
worker_class = "gthread"
# Two by default only with a shared cache: without REDIS_URL each process would keep its own
# cached sessions (a logout seen by one worker only) and its own throttle counts.
workers = int(os.environ.get("WEB_CONCURRENCY", "2" if os.environ.get("REDIS_URL") else "1"))
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
# A worker holds at most this many connections (its threads' worth in flight, as many idle
# keep-alive ones) and leaves the rest in the listen queue, where the other worker can take
# them. gthread's default, 1,000, let one worker take most of a client's keep-alive connections
# and keep them while the other idled: the map page's throughput then moved by 2x from run to
# run (docs/performance.md, eighth round).
worker_connections = 2 * threads
timeout = 60
graceful_timeout = 30
control_socket_disable = True
accesslog = "-"
errorlog = "-"


def on_starting(server) -> None:
    """Before any worker exists: the metrics directory, empty. Workers inherit the variable, and
    prometheus_client reads it when a worker first imports it (after the fork: no preload)."""
    if not os.environ.get(METRICS_DIR):
        os.environ[METRICS_DIR] = tempfile.mkdtemp(prefix="bookit-metrics-")
        _made.append(os.environ[METRICS_DIR])
    directory = Path(os.environ[METRICS_DIR])
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.db"):
        stale.unlink()
    if server.cfg.workers > 1 and not os.environ.get("REDIS_URL"):
        server.log.warning(
            "%d worker processes without REDIS_URL: each keeps its own cache (sessions, "
            "throttle counts); set REDIS_URL or WEB_CONCURRENCY=1",
            server.cfg.workers,
        )


def child_exit(server, worker) -> None:
    """A worker exited (recycled by --timeout, killed, or at shutdown): its live gauges go."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid, os.environ[METRICS_DIR])


def on_exit(server) -> None:
    for path in _made:
        shutil.rmtree(path, ignore_errors=True)
