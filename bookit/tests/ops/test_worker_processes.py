"""The web container's gunicorn (deploy/gunicorn.conf.py): several worker processes, and one
``/metrics`` that adds them all up, whichever worker answers the scrape.

A real gunicorn with the production config file on a migrated SQLite database: requests land on
both workers, every scrape reports the same total, a worker killed with SIGKILL is replaced and
its counts stay, the state gauges are there, and a restart on the same metrics directory starts
from zero (the previous run's files are removed, not added).
"""

import os
import shutil
import signal
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.parser import text_string_to_metric_families

from bookit.tests.faults.servers import Gunicorn, _wait, app_env, manage, request

ROOT = Path(__file__).resolve().parents[3]
BURST = 30


def _gunicorn_command() -> list[str]:
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    return [gunicorn, "bookit.wsgi:application", "--config", "deploy/gunicorn.conf.py"]


def _workers(master: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master and fields[0] != "Z":
            found.add(int(stat.parent.name))
    return found


def _samples(text: str) -> dict:
    samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def _scrape(server: Gunicorn) -> dict:
    status, body, _ = request("GET", f"{server.base}/metrics")
    assert status == 200
    return _samples(body)


def _own_count(metrics_dir: Path, pid: int, tmp_path: Path) -> float:
    """The healthz count in one worker's own file alone."""
    alone = tmp_path / f"alone-{pid}"
    alone.mkdir()
    shutil.copy(metrics_dir / f"counter_{pid}.db", alone)
    registry = CollectorRegistry()
    MultiProcessCollector(registry, str(alone))
    return _healthz_count(_samples(generate_latest(registry).decode()))


def _healthz_count(samples: dict) -> float:
    """Requests answered by the healthz view, as django-prometheus counts them."""
    return sum(
        value
        for (name, labels), value in samples.items()
        if name == "django_http_responses_total_by_status_view_method_total"
        and ("view", "healthz") in labels
    )


def _hit_healthz(server: Gunicorn, times: int) -> None:
    with ThreadPoolExecutor(16) as pool:
        statuses = list(
            pool.map(lambda _: request("GET", f"{server.base}/healthz")[0], range(times))
        )
    assert statuses == [200] * times


@pytest.fixture
def env(tmp_path):
    env = app_env(
        database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        redis_url=None,
        WEB_CONCURRENCY="2",
        MEDIA_ROOT=str(tmp_path / "media"),
    )
    env.pop("REDIS_URL", None)
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    manage(env, "migrate", "--noinput")
    # A directory that does not exist yet: gunicorn makes it.
    return {**env, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics")}


def test_every_scrape_adds_up_all_the_workers_and_survives_a_killed_one(env, tmp_path):
    metrics_dir = Path(env["PROMETHEUS_MULTIPROC_DIR"])
    server = Gunicorn(env, command=_gunicorn_command())
    try:
        server.wait_ready()
        _wait(lambda: len(_workers(server.proc.pid)) == 2, 30, "two workers")
        first, second = sorted(_workers(server.proc.pid))
        # Each worker in turn serves a burst while the other is stopped (SIGSTOP: it accepts
        # nothing, the running one takes every connection from the shared socket).
        for stopped in (first, second):
            os.kill(stopped, signal.SIGSTOP)
            try:
                _hit_healthz(server, BURST)
            finally:
                os.kill(stopped, signal.SIGCONT)
        total = 2 * BURST + 1  # and wait_ready's own request
        own = {pid: _own_count(metrics_dir, pid, tmp_path) for pid in (first, second)}
        assert min(own.values()) >= BURST and sum(own.values()) == total, own

        for _ in range(8):  # whichever worker answers the scrape: every worker's counts
            samples = _scrape(server)
            assert _healthz_count(samples) == total
            assert samples[("bookit_collector_up", ())] == 1  # the state gauges are there
            assert samples[("bookit_tickets", (("status", "open"),))] == 0

        os.kill(first, signal.SIGKILL)
        _wait(
            lambda: len(_workers(server.proc.pid)) == 2 and first not in _workers(server.proc.pid),
            30,
            "a replacement worker",
        )
        assert _healthz_count(_scrape(server)) == total  # the killed worker's counts stay
        _hit_healthz(server, 10)
        assert _healthz_count(_scrape(server)) == total + 10
    finally:
        server.stop()
    assert server.proc.returncode == 0, "".join(server.log)
    # Two processes on the local-memory cache (no REDIS_URL here): said at start.
    assert "2 worker processes without REDIS_URL" in "".join(server.log)

    # The same directory again: a new run counts from zero.
    again = Gunicorn(env, command=_gunicorn_command())
    try:
        again.wait_ready()
        assert _healthz_count(_scrape(again)) == 1  # wait_ready's request only
    finally:
        again.stop()


def test_without_a_directory_gunicorn_makes_one_and_removes_it(env, tmp_path):
    env = {**env, "TMPDIR": str(tmp_path)}
    env.pop("PROMETHEUS_MULTIPROC_DIR")
    server = Gunicorn(env, command=_gunicorn_command())
    try:
        server.wait_ready()
        made = list(tmp_path.glob("bookit-metrics-*"))
        assert len(made) == 1 and list(made[0].glob("counter_*.db"))
        assert _healthz_count(_scrape(server)) == 1
    finally:
        server.stop()
    deadline = time.monotonic() + 10
    while made[0].exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not made[0].exists()
