"""docker-compose.yml, the Dockerfile and .env.example, checked without a Docker engine.

The file is validated against the Compose Specification schema, and everything it points into
the repository is checked against the real thing: build contexts, management commands, mounted
paths, environment variables, the healthcheck URL, and the configs it mounts for Prometheus and
Grafana. The Dockerfile's build step runs for real on a copy of the build context.
"""

import copy
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml
from django.core.management import get_commands
from django.urls import resolve

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
# Services built from this repository (web, bot, scheduler), as opposed to third-party images.
APP_SERVICES = {name: s for name, s in SERVICES.items() if "build" in s}
SETTINGS_SOURCE = (ROOT / "bookit" / "settings.py").read_text()
SETTINGS_VARS = set(
    re.findall(r"\benv(?:_bool|_int|_list)?\(\s*\"([A-Z][A-Z0-9_]*)\"", SETTINGS_SOURCE)
)
COMPOSE_ONLY_HEADER = "# --- Used only by docker-compose.yml"


def env_example() -> tuple[dict[str, str], dict[str, str]]:
    """(variables for the app, variables only docker-compose.yml uses) from .env.example."""
    app, compose_only = {}, {}
    current = app
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.startswith(COMPOSE_ONLY_HEADER):
            current = compose_only
        match = re.match(r"^([A-Z][A-Z0-9_]*)=(.*)$", line)
        if match:
            current[match[1]] = match[2]
    return app, compose_only


def command_of(service: dict) -> list[str]:
    command = service.get("command") or []
    return command.split() if isinstance(command, str) else list(command)


def entrypoint_script() -> str:
    return (ROOT / "deploy" / "entrypoint.sh").read_text()


def test_compose_file_is_valid_against_the_compose_specification():
    schema = json.loads((Path(__file__).parent / "compose-spec.json").read_text())
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
    }  # fmt: skip
    assert set(APP_SERVICES) == {"web", "bot", "scheduler"}
    assert SERVICES["postgres"]["image"].startswith("postgres:16")
    assert SERVICES["minio"]["image"] == "quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z"
    assert command_of(SERVICES["minio"]) == ["server", "/data", "--console-address", ":9001"]
    # Telegram allows one poller per bot token.
    assert SERVICES["bot"]["deploy"]["replicas"] == 1


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


def test_the_entrypoint_runs_real_commands_and_the_documented_gunicorn():
    script = entrypoint_script()
    commands = get_commands()
    used = re.findall(r"manage\.py (\w+)", script)
    assert "ensure_bucket" in used
    for command in used:
        assert command in commands, f"entrypoint: manage.py {command} does not exist"
    for path in re.findall(r"python (deploy/\S+\.py)", script):
        assert (ROOT / path).is_file(), path
    assert "bookit.wsgi:application" in script
    assert "--worker-class gthread --workers 1 --threads 8" in script
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
    assert 'ENTRYPOINT ["deploy/entrypoint.sh"]' in dockerfile


def _dockerignore_rules() -> list[tuple[bool, re.Pattern]]:
    """.dockerignore as (exception?, regex), with Docker's meaning: `*` stays within one path
    segment, `**/` spans directories, a match also covers everything below, `!` re-includes."""
    rules = []
    for line in (ROOT / ".dockerignore").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negate, pattern = line.startswith("!"), line.lstrip("!").strip("/")
        regex, i = "", 0
        while i < len(pattern):
            if pattern.startswith("**/", i):
                regex, i = regex + "(?:.*/)?", i + 3
            elif pattern.startswith("**", i):
                regex, i = regex + ".*", i + 2
            elif pattern[i] in "*?":
                regex, i = regex + ("[^/]*" if pattern[i] == "*" else "[^/]"), i + 1
            else:
                regex, i = regex + re.escape(pattern[i]), i + 1
        rules.append((negate, re.compile(regex + "(?:/.*)?$")))
    return rules


def _docker_ignored(relative: str, rules: list[tuple[bool, re.Pattern]]) -> bool:
    ignored = False
    for negate, regex in rules:
        if regex.match(relative):
            ignored = not negate
    return ignored


def _build_context(destination: Path) -> None:
    """Copy what `docker build .` would send: the repository minus .dockerignore."""
    rules = _dockerignore_rules()
    for directory, subdirs, files in os.walk(ROOT):
        base = Path(directory).relative_to(ROOT)
        subdirs[:] = [d for d in subdirs if not _docker_ignored((base / d).as_posix(), rules)]
        for name in files:
            relative = (base / name).as_posix()
            if not _docker_ignored(relative, rules):
                target = destination / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(ROOT / relative, target)


def test_dockerignore_keeps_secrets_and_local_state_out():
    rules = _dockerignore_rules()
    for path in [".env", ".dev-secret-key", "db.sqlite3", "media/x.png", ".git/config",
                 "accounts/tests/test_api.py", "tests/ops/test_compose.py"]:  # fmt: skip
        assert _docker_ignored(path, rules), path
    for path in ["manage.py", "requirements.txt", "bookit/settings.py", ".env.example",
                 "deploy/entrypoint.sh", "deploy/migrate.py", "static/css/app.css"]:  # fmt: skip
        assert not _docker_ignored(path, rules), path


def test_the_image_build_step_and_production_startup_work_on_the_build_context(tmp_path):
    """The Dockerfile's collectstatic (DEBUG=0) on exactly what .dockerignore lets in, then the
    production settings of docker-compose.yml + .env.example pass Django's checks there."""
    context = tmp_path / "context"
    _build_context(context)
    dockerfile = (ROOT / "Dockerfile").read_text()
    build_env = dict(re.findall(r"\b(DEBUG|SECRET_KEY|ALLOWED_HOSTS)=(\S+)", dockerfile))
    base = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARS}
    build = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=context,
        env={**base, **build_env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert build.returncode == 0, build.stdout + build.stderr
    assert (context / "staticfiles" / "staticfiles.json").is_file()  # hashed manifest
    assert not (context / ".dev-secret-key").exists()  # no key baked into the image

    app, _ = env_example()
    runtime = {
        **base,
        **{k: v for k, v in app.items() if v != ""},
        **APP_SERVICES["web"]["environment"],
        "DATABASE_URL": "postgres://bookit:pw@postgres:5432/bookit",
        "SECRET_KEY": "runtime-" + "Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0" * 2,
        "SECURE_SSL_REDIRECT": "1",
        "BEHIND_PROXY": "1",
    }
    check = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--tag", "security",
         "--fail-level", "WARNING"],
        cwd=context, env=runtime, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert check.returncode == 0, check.stdout + check.stderr
    # Forgetting the secret is refused at startup with a message that says what to do.
    refused = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=context,
        env={**runtime, "SECRET_KEY": app["SECRET_KEY"]},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert refused.returncode != 0
    assert "SECRET_KEY must be set" in refused.stderr
