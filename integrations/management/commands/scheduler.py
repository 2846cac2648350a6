"""`manage.py scheduler`: run the periodic tasks of settings.SCHEDULER_TASKS.

Each task is a plain function without arguments that returns how many items it handled. The
loop is deliberately dumb: several scheduler processes may run at once (a rolling deploy, a
second replica), so correctness lives in the tasks, which claim their rows with
SELECT ... FOR UPDATE SKIP LOCKED; the scheduler only promises to call each one about every
`interval` seconds, and that one failing task never stops the others.
"""

import importlib
import logging
import signal
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from bookit import heartbeat
from bookit.memo import memo_scope

logger = logging.getLogger("bookit.scheduler")


def _drop_stale_connections() -> None:
    """What Django does around each HTTP request, for a long-running process.

    Without it the loop would keep a connection the server dropped (a PostgreSQL restart) or one
    past CONN_MAX_AGE, and every later run would fail. A connection inside a transaction (a test,
    or a caller's atomic block) is left alone.
    """
    for conn in connections.all(initialized_only=True):
        if not conn.in_atomic_block:
            conn.close_if_unusable_or_obsolete()


@dataclass
class Task:
    path: str
    interval: float
    func: Callable[[], int]
    next_run: float = 0.0
    failures: int = field(default=0)

    def run(self) -> int | None:
        """Run once; returns the count, or None when the task raised (logged, not re-raised)."""
        _drop_stale_connections()
        started = time.monotonic()
        try:
            # One task run is one unit of work: the booking policy is read once for it.
            with memo_scope():
                count = self.func()
        except Exception:
            self.failures += 1
            logger.exception("scheduler: task %s failed", self.path)
            return None
        finally:
            _drop_stale_connections()
        elapsed = time.monotonic() - started
        log = logger.info if count else logger.debug
        log("scheduler: %s handled %s item(s) in %.2fs", self.path, count, elapsed)
        return count


def load_tasks(entries: Iterable[tuple[str, float]]) -> list[Task]:
    """Resolve (dotted path, interval) pairs. Every app of the product is installed, so a task
    that cannot be imported or called is a configuration error: refuse to start, naming each."""
    tasks, errors = [], []
    for path, interval in entries:
        module_name, _, attr = path.rpartition(".")
        try:
            func = getattr(importlib.import_module(module_name), attr)
        except (ImportError, AttributeError) as exc:
            errors.append(f"{path} (not importable: {exc})")
            continue
        if not callable(func):
            errors.append(f"{path} (not callable)")
            continue
        tasks.append(Task(path=path, interval=float(interval), func=func))
    if errors:
        raise ImproperlyConfigured(f"SCHEDULER_TASKS: {'; '.join(errors)}")
    return tasks


class Scheduler:
    """Calls each task when due. `clock` is injectable so the timing is testable without sleeps."""

    def __init__(
        self,
        tasks: list[Task],
        *,
        clock: Callable[[], float] = time.monotonic,
        on_success: Callable[[], None] | None = None,
    ):
        self.tasks = tasks
        self.clock = clock
        # Called after every pass in which no task failed: the heartbeat of the healthcheck.
        self.on_success = on_success
        self.stop_event = threading.Event()

    def run_due(self) -> dict[str, int | None]:
        """Run every task whose time has come; returns {path: count or None if it failed}."""
        results = {}
        for task in self.tasks:
            if self.stop_event.is_set():
                break
            now = self.clock()
            if now >= task.next_run:
                results[task.path] = task.run()
                # Scheduled from the end of the run: a slow task is not started again at once.
                task.next_run = self.clock() + task.interval
        return results

    def seconds_until_next(self) -> float:
        if not self.tasks:
            return 60.0
        return max(0.0, min(task.next_run for task in self.tasks) - self.clock())

    def run_forever(self) -> None:
        while not self.stop_event.is_set():
            results = self.run_due()
            if self.on_success is not None and None not in results.values():
                self.on_success()
            # Event.wait wakes at once on stop(), so SIGTERM never waits out a long interval.
            self.stop_event.wait(self.seconds_until_next())

    def stop(self, *_args) -> None:
        self.stop_event.set()


class Command(BaseCommand):
    help = "Run the periodic tasks (no-show release, reminders, notification outbox, cleanup)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--once",
            action="store_true",
            help="Run every task once and exit (for tests and cron); exit status 1 if one failed.",
        )

    def handle(self, *args, once: bool = False, **options):
        tasks = load_tasks(settings.SCHEDULER_TASKS)
        if once:
            scheduler = Scheduler(tasks)
            results = scheduler.run_due()
            for path, count in results.items():
                self.stdout.write(f"{path}: {'failed' if count is None else count}")
            failed = [path for path, count in results.items() if count is None]
            if failed:
                raise CommandError(f"{len(failed)} task(s) failed: {', '.join(failed)}")
            return
        from integrations.metrics import serve_worker_metrics

        heartbeat.clear("scheduler")
        scheduler = Scheduler(tasks, on_success=partial(heartbeat.beat, "scheduler"))
        serve_worker_metrics()
        if threading.current_thread() is threading.main_thread():
            # docker stop sends SIGTERM: finish the running task, then leave.
            signal.signal(signal.SIGTERM, scheduler.stop)
            signal.signal(signal.SIGINT, scheduler.stop)
        logger.info(
            "scheduler: started with %d task(s): %s",
            len(tasks),
            ", ".join(f"{t.path} every {t.interval:g}s" for t in tasks) or "none",
        )
        scheduler.run_forever()
        logger.info("scheduler: stopped")
