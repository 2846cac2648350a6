"""The deploy files work: Prometheus scrapes a running app with the repo's config, and every
Grafana panel queries a metric the app exports."""

import datetime as dt
import json
import re
import shutil
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import yaml
from django.conf import settings as django_settings
from django.utils import timezone

from bookit.tests.clock import MSK, msk
from reservations.services import reservation_create
from seats.tests.factories import make_floor, make_seat

DEPLOY = Path(django_settings.BASE_DIR) / "deploy"
DASHBOARD = DEPLOY / "grafana" / "dashboards" / "bookit.json"
DATASOURCE = {"type": "prometheus", "uid": "prometheus"}
METRIC = re.compile(r"\b(?:bookit|django)_[a-zA-Z0-9_]+")


def _panels(dashboard: dict) -> list[dict]:
    found = []
    for panel in dashboard["panels"]:
        found.extend(_panels(panel) if panel.get("type") == "row" else [panel])
    return found


def _exprs() -> list[str]:
    dashboard = json.loads(DASHBOARD.read_text())
    return [t["expr"] for p in _panels(dashboard) for t in p["targets"]]


def _exported_names(body: str) -> set[str]:
    """Names a query may use: each family, and a histogram's _bucket/_sum/_count series."""
    names = set()
    for line in body.splitlines():
        if line.startswith("# TYPE "):
            _h, _t, name, kind = line.split()[:4]
            names.add(name)
            if kind == "histogram":
                names |= {f"{name}_bucket", f"{name}_sum", f"{name}_count"}
    return names


def test_dashboard_panels_use_the_provisioned_datasource():
    dashboard = json.loads(DASHBOARD.read_text())
    assert dashboard["uid"] == "bookit"
    panels = _panels(dashboard)
    assert len(panels) >= 10
    for panel in panels:
        assert panel["datasource"] == DATASOURCE, panel["title"]
        assert panel["targets"], panel["title"]
        for target in panel["targets"]:
            assert target["datasource"] == DATASOURCE, panel["title"]
    provisioned = yaml.safe_load(
        (DEPLOY / "grafana/provisioning/datasources/prometheus.yml").read_text()
    )
    assert provisioned["datasources"][0]["uid"] == "prometheus"
    provider = yaml.safe_load((DEPLOY / "grafana/provisioning/dashboards/provider.yml").read_text())
    assert provider["providers"][0]["options"]["path"] == "/var/lib/grafana/dashboards"


def test_every_dashboard_query_names_an_exported_metric(client, db):
    client.get("/healthz")  # so the request metrics have been touched
    names = _exported_names(client.get("/metrics").content.decode())
    assert "bookit_seat_occupancy_ratio" in names
    assert "django_http_requests_latency_seconds_by_view_method_bucket" in names
    for expr in _exprs():
        used = METRIC.findall(expr)
        # ``up`` is the series Prometheus itself writes for every target.
        assert used or expr.startswith("up{"), f"no BookIT or Django metric in {expr!r}"
        unknown = [name for name in used if name not in names]
        assert not unknown, f"{expr!r} uses metrics /metrics does not export: {unknown}"
    # The business metrics the dashboard must show.
    used_everywhere = {name for expr in _exprs() for name in METRIC.findall(expr)}
    for required in (
        "bookit_seat_occupancy_ratio",
        "bookit_reservations_created_total",
        "bookit_reservations_checked_in_total",
        "bookit_reservations_started_24h",
        "bookit_tickets",
        "bookit_notification_outbox_backlog",
        "django_http_requests_total_by_view_transport_method_total",
        "django_http_requests_latency_seconds_by_view_method_bucket",
        "django_http_responses_total_by_status_total",
    ):
        assert required in used_everywhere, required


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _query(base: str, promql: str) -> dict:
    url = f"{base}/api/v1/query?" + urllib.parse.urlencode({"query": promql})
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback)
        return json.load(response)


def _loopback_config(target: str, token_file: Path) -> dict:
    """The repo's prometheus.yml with the bookit job pointed at the live server."""
    config = yaml.safe_load((DEPLOY / "prometheus" / "prometheus.yml").read_text())
    job = next(j for j in config["scrape_configs"] if j["job_name"] == "bookit")
    assert job["metrics_path"] == "/metrics"
    assert job["dns_sd_configs"] == [
        {"names": ["web"], "type": "A", "port": 8000, "refresh_interval": "30s"}
    ]
    del job["dns_sd_configs"]
    job["static_configs"] = [{"targets": [target]}]
    job["scrape_interval"] = job["scrape_timeout"] = "1s"
    job["authorization"]["credentials_file"] = str(token_file)
    config["global"].update(scrape_interval="1s", scrape_timeout="1s")
    config["scrape_configs"] = [job]
    return config


@pytest.mark.django_db(transaction=True)
def test_prometheus_scrapes_bookit_series(live_server, settings, tmp_path, member):
    binary = shutil.which("prometheus") or "/usr/bin/prometheus"
    if not Path(binary).exists():
        pytest.skip("Debian's prometheus binary is missing; scripts/ensure-system-deps installs it")
    settings.METRICS_TOKEN = "scrape-secret"
    token_file = tmp_path / "metrics_token"
    token_file.write_text("scrape-secret\n")

    seat = make_seat("P1", make_floor("Scrape floor"))
    tomorrow = timezone.localtime(timezone.now(), MSK).date() + dt.timedelta(days=1)
    reservation_create(user=member, seat=seat, start=msk(tomorrow, 10), end=msk(tomorrow, 11))

    target = urllib.parse.urlsplit(live_server.url).netloc
    config_file = tmp_path / "prometheus.yml"
    config_file.write_text(yaml.safe_dump(_loopback_config(target, token_file)))
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = (tmp_path / "prometheus.log").open("wb")
    process = subprocess.Popen(  # noqa: S603 (fixed arguments)
        [
            binary,
            f"--config.file={config_file}",
            f"--storage.tsdb.path={tmp_path / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
            "--log.level=warn",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        created, up = [], []
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not (created and up):
            time.sleep(0.5)
            try:
                created = _query(base, "bookit_reservations_created_total")["data"]["result"]
                up = _query(base, 'up{job="bookit"} == 1')["data"]["result"]
            except OSError:  # Prometheus not listening yet
                continue
        assert up, "Prometheus never scraped the app: " + (tmp_path / "prometheus.log").read_text()
        assert created, "no bookit_* series scraped"
        sample = next(r for r in created if r["metric"].get("floor") == "Scrape floor")
        assert sample["metric"]["kind"] == "desk"
        assert float(sample["value"][1]) >= 1
        occupancy = _query(base, 'bookit_seat_occupancy_ratio{floor="Scrape floor"}')
        assert occupancy["data"]["result"][0]["value"][1] == "0"
        # Every dashboard query is valid PromQL for this Prometheus.
        for expr in _exprs():
            assert _query(base, expr)["status"] == "success", expr
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
