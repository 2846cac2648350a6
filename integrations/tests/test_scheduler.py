"""manage.py scheduler: runs each task when due, survives failures, stops on SIGTERM."""

import datetime as dt
import io
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from accounts.tests.factories import make_user
from integrations.management.commands.scheduler import Scheduler, Task, load_tasks
from reservations.models import Reservation
from reservations.signals import reservation_changed
from seats.tests.factories import make_seat

ROOT = Path(__file__).resolve().parents[2]


def boom() -> int:
    raise RuntimeError("task exploded")


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _past_bookings(user, seat, count: int) -> None:
    """``count`` booked, never checked-in reservations, all past their check-in grace."""
    base = timezone.now().replace(microsecond=0) - dt.timedelta(hours=1)
    Reservation.objects.bulk_create(
        Reservation(
            user=user,
            seat=seat,
            start=base - dt.timedelta(hours=i),
            end=base - dt.timedelta(hours=i) + dt.timedelta(minutes=30),
        )
        for i in range(count)
    )


@pytest.mark.django_db
def test_once_releases_no_shows_and_reports_counts(member):
    seat = make_seat("A1")
    start = timezone.now() - dt.timedelta(hours=2)
    stale = Reservation.objects.create(
        user=member, seat=seat, start=start, end=start + dt.timedelta(hours=1)
    )
    out = io.StringIO()

    call_command("scheduler", "--once", stdout=out)

    stale.refresh_from_db()
    assert stale.status == Reservation.Status.NO_SHOW
    assert "reservations.services.release_no_shows: 1" in out.getvalue()


def test_a_misconfigured_task_stops_the_scheduler_naming_every_bad_entry():
    with pytest.raises(ImproperlyConfigured) as caught:
        load_tasks(
            [
                ("integrations.no_such_module.send", 10),
                ("reservations.services.no_such_function", 10),
                ("os.sep", 10),
                ("reservations.services.release_no_shows", 60),
            ]
        )
    message = str(caught.value)
    assert "integrations.no_such_module.send (not importable" in message
    assert "reservations.services.no_such_function (not importable" in message
    assert "os.sep (not callable)" in message
    assert "release_no_shows" not in message


def test_every_configured_task_loads(settings):
    tasks = load_tasks(settings.SCHEDULER_TASKS)
    assert [t.path for t in tasks] == [path for path, _ in settings.SCHEDULER_TASKS]


@pytest.mark.django_db
def test_a_failing_task_is_logged_and_the_others_keep_their_schedule(caplog):
    calls = []
    clock = FakeClock()
    scheduler = Scheduler(
        [
            Task(path="boom", interval=10, func=boom),
            Task(path="count", interval=5, func=lambda: calls.append(clock.now) or 1),
        ],
        clock=clock,
    )

    assert scheduler.run_due() == {"boom": None, "count": 1}
    clock.now = 4
    assert scheduler.run_due() == {}
    assert scheduler.seconds_until_next() == 1
    clock.now = 5
    assert scheduler.run_due() == {"count": 1}
    clock.now = 10
    assert scheduler.run_due() == {"boom": None, "count": 1}

    assert calls == [0, 5, 10]
    assert scheduler.tasks[0].failures == 2
    assert "task boom failed" in caplog.text and "RuntimeError: task exploded" in caplog.text


@pytest.mark.django_db
def test_once_runs_every_task_and_fails_when_one_failed(settings, member):
    seat = make_seat("A1")
    _past_bookings(member, seat, 3)
    settings.SCHEDULER_TASKS = [
        (f"{__name__}.boom", 60),
        ("reservations.services.release_no_shows", 60),
    ]
    out = io.StringIO()

    with pytest.raises(CommandError, match=r"1 task\(s\) failed: .*boom"):
        call_command("scheduler", "--once", stdout=out)

    assert "reservations.services.release_no_shows: 3" in out.getvalue()
    assert not Reservation.objects.filter(status=Reservation.Status.BOOKED).exists()


def test_stop_wakes_the_loop_at_once():
    scheduler = Scheduler([Task(path="slow", interval=3600, func=lambda: 0)])
    thread = threading.Thread(target=scheduler.run_forever)
    thread.start()
    scheduler.stop()
    thread.join(timeout=30)
    assert not thread.is_alive()


def test_sigterm_stops_a_running_scheduler_gracefully(tmp_path):
    """A real process: the tasks fail (empty database), the loop survives, SIGTERM ends it."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}", "DEBUG": "1"}
    env.pop("REDIS_URL", None)
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "scheduler"],
        cwd=ROOT,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: list[str] = []
    failed_once = threading.Event()

    def read() -> None:
        for line in proc.stderr:
            lines.append(line)
            if "release_no_shows failed" in line:
                failed_once.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert failed_once.wait(timeout=60), "".join(lines)
        assert proc.poll() is None, "a failing task must not end the scheduler"
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    reader.join(timeout=10)
    output = "".join(lines)
    assert "scheduler: started" in output
    assert "scheduler: stopped" in output


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_never_process_a_reservation_twice():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (SKIP LOCKED); set DATABASE_URL=postgres://...")
    from reservations.services import release_no_shows

    user = make_user("noshow@example.com")
    seat = make_seat("A1")
    _past_bookings(user, seat, 200)
    seen: list[int] = []
    seen_lock = threading.Lock()

    def on_change(sender, reservation, action, **kwargs):
        if action == "no_show":
            with seen_lock:
                seen.append(reservation.pk)

    reservation_changed.connect(on_change, weak=False)
    barrier = threading.Barrier(2)
    totals: list[int] = []
    errors: list[BaseException] = []

    def scheduler_instance() -> None:
        # Each thread has its own database connection, like two scheduler containers.
        try:
            barrier.wait()
            totals.append(release_no_shows(batch=7))
        except BaseException as exc:  # surfaced below: an exception in a thread is silent
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=scheduler_instance) for _ in range(2)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        reservation_changed.disconnect(on_change)

    assert not errors
    assert len(seen) == 200
    assert len(set(seen)) == 200
    assert sum(totals) == 200
    assert Reservation.objects.filter(status=Reservation.Status.NO_SHOW).count() == 200
