"""docker-compose.yml, the Dockerfile and .env.example, checked without a Docker engine.

The file is validated against the Compose Specification schema, and everything it points into
the repository is checked against the real thing: build contexts, management commands, mounted
paths, environment variables, the healthcheck URL, and the configs it mounts for Prometheus and
Grafana. bookit/tests/ops/test_image.py runs the image's build step and the production server.
"""

import copy
import json
import os
import re
import runpy
import shutil
import subprocess

import jsonschema
import pytest
import yaml
from django.core.management import get_commands
from django.urls import resolve

from .compose_schema import compose_schema
from .stack import (
    APP_SERVICES,
    COMPOSE,
    ROOT,
    SERVICES,
    SETTINGS_VARS,
    env_example,
    interpolate,
)


def command_of(service: dict) -> list[str]:
    command = service.get("command") or []
    return command.split() if isinstance(command, str) else list(command)


def entrypoint_script() -> str:
    return (ROOT / "deploy" / "entrypoint.sh").read_text()


def test_compose_file_is_valid_against_the_compose_specification():
    schema = compose_schema()
    validator = jsonschema.Draft7Validator(schema)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(COMPOSE)]
    assert errors == []
    # The schema has teeth: a misspelt key or a wrong type is refused.
    broken = copy.deepcopy(COMPOSE)
    broken["services"]["web"]["helthcheck"] = broken["services"]["web"].pop("healthcheck")
    broken["services"]["postgres"]["ports"] = "5432:5432"
    assert len(list(validator.iter_errors(broken))) == 2


def test_the_stack_has_every_service_of_the_design():
    assert set(SERVICES) == {
        "web", "bot", "scheduler", "postgres", "redis", "minio", "prometheus", "grafana",
        "mailpit",
    }  # fmt: skip
    assert set(APP_SERVICES) == {"web", "bot", "scheduler"}
    assert SERVICES["postgres"]["image"].startswith("postgres:16")
    assert SERVICES["minio"]["image"] == "quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z"
    assert command_of(SERVICES["minio"]) == ["server", "/data", "--console-address", ":9001"]
    # Telegram allows one poller per bot token.
    assert SERVICES["bot"]["deploy"]["replicas"] == 1
    # Without a bot token runbot exits; it must not crash-loop.
    assert SERVICES["bot"]["restart"].startswith("on-failure")


def test_every_build_context_and_dockerfile_exists():
    for name, service in APP_SERVICES.items():
        build = service["build"]
        context = ROOT / (build if isinstance(build, str) else build.get("context", "."))
        dockerfile = "Dockerfile"
        if isinstance(build, dict):
            dockerfile = build.get("dockerfile", dockerfile)
        assert context.is_dir(), name
        assert (context / dockerfile).is_file(), name


def test_every_command_is_a_real_management_command_or_the_web_role():
    commands = get_commands()
    for name, service in APP_SERVICES.items():
        command = command_of(service)
        if command == ["web"]:
            assert 'if [ "${1:-web}" != "web" ]' in entrypoint_script()
            continue
        assert command[:2] == ["python", "manage.py"], name
        assert command[2] in commands, f"{name}: manage.py {command[2]} does not exist"


def test_the_entrypoint_runs_real_commands_and_the_documented_gunicorn(monkeypatch):
    script = entrypoint_script()
    commands = get_commands()
    used = re.findall(r"manage\.py (\w+)", script)
    assert "ensure_bucket" in used
    for command in used:
        assert command in commands, f"entrypoint: manage.py {command} does not exist"
    for path in re.findall(r"python (deploy/\S+\.py)", script):
        assert (ROOT / path).is_file(), path
    assert "bookit.wsgi:application" in script
    assert "--config deploy/gunicorn.conf.py" in script
    for name in ("WEB_CONCURRENCY", "GUNICORN_THREADS", "GUNICORN_BIND"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("REDIS_URL", "redis://redis:6379/0")  # as docker-compose.yml sets it
    config = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    assert (config["worker_class"], config["workers"], config["threads"]) == ("gthread", 2, 8)
    assert (config["timeout"], config["bind"]) == (60, "0.0.0.0:8000")
    assert config["worker_connections"] == 16  # threads in flight + as many idle keep-alive ones
    assert callable(config["on_starting"]) and callable(config["child_exit"])
    # Without a shared cache each process would keep its own sessions and throttle counts.
    monkeypatch.setenv("REDIS_URL", "")
    assert runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))["workers"] == 1
    assert APP_SERVICES["web"]["environment"]["REDIS_URL"]
    assert os.access(ROOT / "deploy" / "entrypoint.sh", os.X_OK)


def test_every_mounted_repository_path_exists():
    mounted = []
    for name, service in SERVICES.items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0] if isinstance(volume, str) else volume.get("source", "")
            if source.startswith("."):
                mounted.append(source)
                assert (ROOT / source).exists(), f"{name}: {source} is missing"
            else:
                assert source in COMPOSE["volumes"], f"{name}: undeclared volume {source}"
    assert "./deploy/prometheus/prometheus.yml" in mounted
    assert "./deploy/grafana/provisioning" in mounted


def test_the_web_healthcheck_probes_the_liveness_url():
    probe = " ".join(SERVICES["web"]["healthcheck"]["test"])
    url = re.search(r"http://127\.0\.0\.1:8000(/\S*?)'", probe)[1]
    assert resolve(url).func.__name__ == "healthz"
    for name in ("bot", "scheduler"):
        assert SERVICES[name]["depends_on"]["web"]["condition"] == "service_healthy"
    for name in ("postgres", "redis", "minio"):
        assert "healthcheck" in SERVICES[name]
        assert SERVICES["web"]["depends_on"][name]["condition"] == "service_healthy"


def test_every_long_running_service_has_a_healthcheck_and_workers_probe_their_heartbeat():
    for name, service in SERVICES.items():
        assert service.get("healthcheck", {}).get("test"), f"{name} has no healthcheck"
    commands = get_commands()
    for worker in ("bot", "scheduler"):
        test = SERVICES[worker]["healthcheck"]["test"]
        # The heartbeat of this very worker, through a command that exists.
        assert test == ["CMD", "python", "manage.py", "healthcheck", worker]
        assert commands["healthcheck"] == "integrations"
        # A probe slower than its interval would pile up; the start period covers migrations.
        check = SERVICES[worker]["healthcheck"]
        assert _seconds(check["timeout"]) < _seconds(check["interval"])
        assert _seconds(check["start_period"]) >= 30


def _seconds(value: str) -> int:
    return int(value.rstrip("s"))


def test_the_image_healthcheck_is_the_web_probe_of_the_compose_file():
    dockerfile = (ROOT / "Dockerfile").read_text()
    match = re.search(r"^HEALTHCHECK (.*?)\\\n\s+CMD (\[.*\])$", dockerfile, flags=re.M)
    assert match, "the Dockerfile has no HEALTHCHECK"
    assert json.loads(match[2]) == SERVICES["web"]["healthcheck"]["test"][1:]
    assert "--start-period=60s" in match[1]


def test_app_environment_only_sets_variables_the_settings_read():
    for name, service in APP_SERVICES.items():
        unknown = set(service.get("environment", {})) - SETTINGS_VARS
        assert not unknown, f"{name} sets variables bookit/settings.py never reads: {unknown}"
        assert service["env_file"] == ".env"


def test_env_example_documents_exactly_the_variables_the_settings_read():
    app, _compose_only = env_example()
    assert set(app) - SETTINGS_VARS == set(), "in .env.example but not read by settings"
    assert SETTINGS_VARS - set(app) == set(), "read by settings but missing from .env.example"
    lines = (ROOT / ".env.example").read_text().splitlines()
    for index, line in enumerate(lines):
        if re.match(r"^[A-Z][A-Z0-9_]*=", line):
            previous = lines[index - 1]
            assert previous.startswith("#") or re.match(r"^[A-Z]", previous), (
                f"{line.split('=')[0]} has no comment above it"
            )


def test_every_compose_interpolation_is_defined_in_env_example():
    text = (ROOT / "docker-compose.yml").read_text()
    interpolated = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", text))
    secrets_from_env = {s["environment"] for s in COMPOSE.get("secrets", {}).values()}
    app, compose_only = env_example()
    assert interpolated | secrets_from_env <= set(app) | set(compose_only)
    # The compose-only section holds nothing the compose file does not use.
    assert set(compose_only) <= interpolated | secrets_from_env


def test_compose_refuses_to_start_until_the_secrets_are_filled_in():
    text = (ROOT / "docker-compose.yml").read_text()
    app, compose_only = env_example()
    dotenv = {**app, **compose_only}
    with pytest.raises(ValueError, match="set POSTGRES_PASSWORD in .env"):
        interpolate(text, dotenv)
    filled = {k: v or f"filled-{k.lower()}" for k, v in dotenv.items()}
    resolved = yaml.safe_load(interpolate(text, filled))
    assert resolved["services"]["web"]["environment"]["DATABASE_URL"] == (
        "postgres://bookit:filled-postgres_password@postgres:5432/bookit"
    )
    assert resolved["services"]["minio"]["environment"]["MINIO_ROOT_USER"] == app["S3_ACCESS_KEY"]


def test_prometheus_config_scrapes_every_web_replica_with_the_metrics_token(tmp_path):
    config_text = (ROOT / "deploy" / "prometheus" / "prometheus.yml").read_text()
    config = yaml.safe_load(config_text)
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    bookit = jobs["bookit"]
    assert bookit["metrics_path"] == "/metrics"
    assert resolve("/metrics")
    dns = bookit["dns_sd_configs"][0]
    assert dns["names"] == ["web"] and dns["port"] == 8000
    # The token file prometheus.yml reads is where compose mounts the metrics_token secret.
    targets = {s["target"] for s in SERVICES["prometheus"]["secrets"]}
    assert bookit["authorization"]["credentials_file"] in targets
    if not shutil.which("promtool"):
        pytest.skip("promtool is not installed (scripts/ensure-system-deps installs prometheus)")
    token = tmp_path / "metrics_token"
    token.write_text("test-token")
    local = tmp_path / "prometheus.yml"
    local.write_text(config_text.replace(bookit["authorization"]["credentials_file"], str(token)))
    result = subprocess.run(
        ["promtool", "check", "config", str(local)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_grafana_provisioning_points_at_the_mounted_dashboards_and_prometheus():
    mounts = dict(
        volume.split(":")[:2] for volume in SERVICES["grafana"]["volumes"] if volume[0] == "."
    )
    assert mounts["./deploy/grafana/provisioning"] == "/etc/grafana/provisioning"
    provisioning = ROOT / "deploy" / "grafana" / "provisioning"
    providers = yaml.safe_load((provisioning / "dashboards" / "provider.yml").read_text())
    assert providers["providers"][0]["options"]["path"] == mounts["./deploy/grafana/dashboards"]
    assert list((ROOT / "deploy" / "grafana" / "dashboards").glob("*.json"))
    datasources = yaml.safe_load((provisioning / "datasources" / "prometheus.yml").read_text())
    assert datasources["datasources"][0]["url"] == "http://prometheus:9090"


def test_dockerfile_builds_a_non_root_gunicorn_image():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert dockerfile.startswith("#") and "FROM python:3.12-slim" in dockerfile
    assert "pip install -r requirements.txt" in dockerfile
    users = re.findall(r"^USER (\S+)", dockerfile, flags=re.M)
    assert users and users[-1] not in {"root", "0"}
    assert 'ENTRYPOINT ["/app/deploy/entrypoint.sh"]' in dockerfile
    assert "WORKDIR /app" in dockerfile
