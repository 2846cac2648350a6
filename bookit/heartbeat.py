"""Heartbeats of the worker processes (scheduler, bot) and the check that reads them.

"The process exists" is not "the process works": a scheduler stuck in a query, or a bot whose
event loop is blocked or that cannot reach Telegram, still shows as running. So each worker
records the time of its last *successful* loop (a scheduler pass in which no task failed, a
getUpdates answer from Telegram) in a small file, and ``manage.py healthcheck <worker>``, the
compose healthcheck, fails when that time is older than the allowed age. The same time is a
Prometheus gauge on the worker's metrics port, for alerting across restarts.

The file holds wall-clock seconds because it is written by one process and read by another.
A write that fails is logged, never raised: the worker keeps working and the check, which then
sees an old heartbeat, reports the truth.
"""

import json
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from prometheus_client import Gauge

logger = logging.getLogger(__name__)

WORKERS = ("scheduler", "bot")

LAST_SUCCESS = Gauge(
    "bookit_worker_last_success_timestamp_seconds",
    "Unix time of the worker's last successful loop (scheduler pass, Telegram poll).",
    ["worker"],
)


def heartbeat_path(worker: str) -> Path:
    if worker not in WORKERS:
        raise ValueError(f"unknown worker {worker!r}; one of {', '.join(WORKERS)}")
    return Path(settings.HEARTBEAT_DIR) / f"{worker}.json"


def beat(worker: str, *, now: float | None = None) -> None:
    """Record a successful loop of ``worker`` now."""
    at = time.time() if now is None else now
    LAST_SUCCESS.labels(worker=worker).set(at)
    path = heartbeat_path(worker)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written aside and renamed: the check never reads a half-written file.
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        tmp.write_text(json.dumps({"worker": worker, "pid": os.getpid(), "at": at}))
        os.replace(tmp, path)
    except OSError:
        logger.warning("heartbeat: could not write %s", path, exc_info=True)


def clear(worker: str) -> None:
    """Forget the last run's heartbeat, so it never vouches for a process that just started
    (a restarted container keeps its /tmp)."""
    heartbeat_path(worker).unlink(missing_ok=True)


@dataclass(frozen=True)
class HeartbeatStatus:
    worker: str
    max_age: float
    age: float | None  # None: no heartbeat yet (or unreadable)
    pid: int | None = None

    @property
    def ok(self) -> bool:
        return self.age is not None and self.age <= self.max_age

    def describe(self) -> str:
        if self.age is None:
            return f"{self.worker}: no heartbeat yet (not started, or no loop has succeeded)"
        state = "ok" if self.ok else "STALE"
        return (
            f"{self.worker}: {state}, last successful loop {self.age:.1f}s ago "
            f"(limit {self.max_age:g}s, pid {self.pid})"
        )


def heartbeat_status(worker: str, *, max_age: float, now: float | None = None) -> HeartbeatStatus:
    path = heartbeat_path(worker)
    try:
        data = json.loads(path.read_text())
        at, pid = float(data["at"]), int(data["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return HeartbeatStatus(worker=worker, max_age=max_age, age=None)
    current = time.time() if now is None else now
    # A clock stepped backwards makes the age negative; that beat is as fresh as it gets.
    return HeartbeatStatus(worker=worker, max_age=max_age, age=max(0.0, current - at), pid=pid)
