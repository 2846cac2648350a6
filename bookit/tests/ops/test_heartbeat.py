"""Worker heartbeats: `manage.py healthcheck scheduler|bot` passes while the worker loops and
fails when it is wedged (SIGSTOP), dead, or cannot do its job (Telegram unreachable).

The unit tests freeze the clock; the process tests run the real `manage.py scheduler` and
`manage.py runbot` (against a fake Bot API on loopback) and the real healthcheck command.
"""

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import time_machine
from django.core.management import CommandError, call_command
from prometheus_client import REGISTRY

from bookit import heartbeat
from integrations.management.commands.scheduler import Scheduler, Task
from integrations.telegram.tests.fakebot import FakeBotServer

from .stack import ROOT

NOW = dt.datetime(2031, 3, 14, 9, 0, tzinfo=dt.UTC)
MAX_AGE = 4.0  # seconds: the scheduler passes every second, the fake Telegram answers at once


@pytest.fixture
def heartbeat_dir(settings, tmp_path) -> Path:
    settings.HEARTBEAT_DIR = str(tmp_path / "heartbeat")
    return tmp_path / "heartbeat"


def test_a_fresh_heartbeat_passes_and_an_old_one_fails(heartbeat_dir):
    with time_machine.travel(NOW, tick=False) as traveller:
        heartbeat.beat("scheduler")
        status = heartbeat.heartbeat_status("scheduler", max_age=120)
        assert status.ok and status.age == 0 and status.pid == os.getpid()

        traveller.shift(120)
        assert heartbeat.heartbeat_status("scheduler", max_age=120).ok
        traveller.shift(1)
        stale = heartbeat.heartbeat_status("scheduler", max_age=120)
        assert not stale.ok and stale.age == 121
        assert "STALE, last successful loop 121.0s ago (limit 120s" in stale.describe()
    # Each worker has its own file; the other one has not beaten.
    assert not heartbeat.heartbeat_status("bot", max_age=120).ok
    saved = json.loads((heartbeat_dir / "scheduler.json").read_text())
    assert saved == {"worker": "scheduler", "pid": os.getpid(), "at": NOW.timestamp()}


def test_missing_cleared_or_garbled_heartbeats_fail(heartbeat_dir):
    assert heartbeat.heartbeat_status("bot", max_age=120).age is None
    heartbeat.beat("bot")
    heartbeat.clear("bot")
    assert not heartbeat.heartbeat_status("bot", max_age=120).ok
    (heartbeat_dir / "bot.json").write_text("{not json")
    status = heartbeat.heartbeat_status("bot", max_age=120)
    assert not status.ok and "no heartbeat yet" in status.describe()
    with pytest.raises(ValueError, match="unknown worker"):
        heartbeat.heartbeat_path("../etc")


def test_a_heartbeat_that_cannot_be_written_does_not_break_the_worker(settings, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    settings.HEARTBEAT_DIR = str(blocker / "heartbeat")  # a directory under a file: ENOTDIR
    heartbeat.beat("scheduler")
    assert not heartbeat.heartbeat_status("scheduler", max_age=120).ok


def test_the_heartbeat_is_a_prometheus_gauge(heartbeat_dir):
    with time_machine.travel(NOW, tick=False):
        heartbeat.beat("bot")
    sample = REGISTRY.get_sample_value(
        "bookit_worker_last_success_timestamp_seconds", {"worker": "bot"}
    )
    assert sample == NOW.timestamp()


def test_healthcheck_command_exits_non_zero_on_a_stale_heartbeat(heartbeat_dir, settings, capsys):
    settings.HEARTBEAT_MAX_AGE = 60
    with time_machine.travel(NOW, tick=False) as traveller:
        heartbeat.beat("scheduler")
        traveller.shift(59)
        call_command("healthcheck", "scheduler")
        assert "scheduler: ok, last successful loop 59.0s ago" in capsys.readouterr().out
        traveller.shift(2)
        with pytest.raises(CommandError, match="STALE"):
            call_command("healthcheck", "scheduler")
        call_command("healthcheck", "scheduler", "--max-age", "90")
    with pytest.raises(CommandError, match="no heartbeat yet"):
        call_command("healthcheck", "bot")


@pytest.mark.django_db  # each task run drops stale connections, as in the real process
def test_the_scheduler_beats_only_after_a_pass_without_failures():
    outcomes = iter([RuntimeError("database down"), 1, 1])
    beats: list[int] = []

    def task() -> int:
        outcome = next(outcomes)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    scheduler = Scheduler([Task(path="flaky", interval=0, func=task)])

    def on_success() -> None:
        beats.append(len(beats))
        if len(beats) == 2:
            scheduler.stop()

    scheduler.on_success = on_success
    scheduler.run_forever()  # interval 0: one pass after the other, until the second beat

    assert beats == [0, 1]
    assert scheduler.tasks[0].failures == 1
    with pytest.raises(StopIteration):
        next(outcomes)  # three passes: failed (no beat), ok, ok


# --- real processes -----------------------------------------------------------------------------


def _wait_for(condition: Callable[[], bool], *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    raise AssertionError(f"timed out after {timeout:g}s waiting for: {what}")


def _real_clock_environ() -> dict[str, str]:
    """os.environ without libfaketime (.ci/run's faked-clock runs preload it).

    The worker and its probe are two processes that must read one clock, as in a container.
    libfaketime's "@<time>" starts a separate faked clock in each process it is preloaded
    into, so a heartbeat written seconds ago would look fresh to a probe started later.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAKETIME")}
    preload = [p for p in env.get("LD_PRELOAD", "").split() if "faketime" not in p]
    if preload:
        env["LD_PRELOAD"] = " ".join(preload)
    else:
        env.pop("LD_PRELOAD", None)
    return env


@pytest.fixture(scope="module")
def worker_env(tmp_path_factory) -> dict[str, str]:
    """Environment for a worker process: its own migrated SQLite file, heartbeat dir, no Redis."""
    base = tmp_path_factory.mktemp("worker")
    env = {
        **_real_clock_environ(),
        "DJANGO_SETTINGS_MODULE": "bookit.tests.ops.worker_settings",
        "DATABASE_URL": f"sqlite:///{base / 'worker.db'}",
        "HEARTBEAT_DIR": str(base / "heartbeat"),
        "DEBUG": "1",
        "METRICS_PORT": "0",
    }
    env.pop("REDIS_URL", None)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=300,
    )
    return env


class Worker:
    def __init__(self, name: str, command: list[str], env: dict[str, str], log: Path) -> None:
        self.name, self.env, self.log = name, env, log
        self.proc = subprocess.Popen(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )

    def healthcheck(self) -> subprocess.CompletedProcess:
        """The real probe, as compose runs it (a separate process)."""
        return subprocess.run(
            [sys.executable, "manage.py", "healthcheck", self.name, "--max-age", str(MAX_AGE)],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    def healthy(self) -> bool:
        assert self.proc.poll() is None, self.log.read_text()
        return self.healthcheck().returncode == 0

    def unhealthy(self) -> bool:
        result = self.healthcheck()
        return result.returncode == 1 and "STALE" in result.stderr

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=30)


@pytest.fixture
def start_worker(tmp_path) -> Iterator[Callable[..., Worker]]:
    started: list[Worker] = []

    def start(name: str, command: list[str], env: dict[str, str]) -> Worker:
        worker = Worker(name, command, env, tmp_path / f"{name}.log")
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def _paused_then_resumed(worker: Worker) -> None:
    """SIGSTOP is a wedged process: it exists, it holds its resources, it does nothing."""
    worker.proc.send_signal(signal.SIGSTOP)
    _wait_for(worker.unhealthy, timeout=60, what=f"{worker.name} unhealthy while stopped")
    assert worker.proc.poll() is None  # still "running": only the heartbeat tells
    worker.proc.send_signal(signal.SIGCONT)
    _wait_for(worker.healthy, timeout=60, what=f"{worker.name} healthy again after SIGCONT")


def test_scheduler_healthcheck_follows_the_real_loop(worker_env, start_worker):
    scheduler = start_worker("scheduler", ["scheduler"], worker_env)
    _wait_for(scheduler.healthy, timeout=90, what="scheduler healthy")
    _paused_then_resumed(scheduler)
    # Killed: the last heartbeat stays behind and ages out.
    scheduler.proc.kill()
    scheduler.proc.wait(timeout=30)
    _wait_for(scheduler.unhealthy, timeout=60, what="scheduler unhealthy after kill")


def test_bot_healthcheck_follows_polling_and_fails_when_telegram_is_unreachable(
    worker_env, start_worker
):
    telegram = FakeBotServer().start()
    try:
        env = {
            **worker_env,
            "TELEGRAM_BOT_TOKEN": "123456:TEST-token",
            "TELEGRAM_BOT_USERNAME": "bookit_test_bot",
            "TELEGRAM_API_BASE_URL": telegram.base_url,
        }
        bot = start_worker("bot", ["runbot"], env)
        _wait_for(bot.healthy, timeout=90, what="bot healthy")
        assert telegram.calls("getUpdates")
        _paused_then_resumed(bot)
    finally:
        telegram.stop()
    # The process lives on and retries, but it cannot poll: unhealthy, as it should be.
    _wait_for(bot.unhealthy, timeout=60, what="bot unhealthy without Telegram")
    assert bot.proc.poll() is None
