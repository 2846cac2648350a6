"""The image, without Docker: its build step and its production server, on a copy of exactly the
files .dockerignore lets into the build context.

The Dockerfile's `collectstatic` runs with its build-time settings (DEBUG=0), then the web role of
deploy/entrypoint.sh serves that copy with the production settings docker-compose.yml and
.env.example give it (on SQLite and the local-memory cache, so this runs everywhere; the
PostgreSQL + Redis replicas are bookit/tests/ops/test_scale_out.py).
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from .stack import (
    APP_SERVICES,
    ROOT,
    SETTINGS_VARS,
    build_context,
    docker_ignored,
    dockerignore_rules,
    env_example,
    interpolate,
)

KEY = "runtime-" + "Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0" * 2
HOST = "bookit.example.com"
# The environment of this test process minus anything the settings read.
BASE_ENV = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARS}


@pytest.fixture(scope="module")
def image(tmp_path_factory) -> Path:
    """The build context after the Dockerfile's collectstatic step."""
    context = tmp_path_factory.mktemp("image") / "app"
    build_context(context)
    dockerfile = (ROOT / "Dockerfile").read_text()
    build_env = dict(re.findall(r"\b(DEBUG|SECRET_KEY|ALLOWED_HOSTS)=(\S+)", dockerfile))
    build = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=context,
        env={**BASE_ENV, **build_env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert build.returncode == 0, build.stdout + build.stderr
    if (context / "locale").is_dir() and shutil.which("msgfmt"):
        messages = subprocess.run(
            [sys.executable, "manage.py", "compilemessages"],
            cwd=context,
            env={**BASE_ENV, **build_env},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert messages.returncode == 0, messages.stdout + messages.stderr
    return context


def production_env(**overrides: str) -> dict[str, str]:
    """What a web container sees: .env.example with its secrets filled in, plus the compose
    environment interpolated from it."""
    app, compose_only = env_example()
    dotenv = {**app, **compose_only, "POSTGRES_PASSWORD": "pg-secret", "SECRET_KEY": KEY}
    compose_env = {
        name: interpolate(str(value), dotenv)
        for name, value in APP_SERVICES["web"]["environment"].items()
    }
    return {
        **BASE_ENV,
        **{k: v for k, v in app.items() if v != ""},
        **compose_env,
        "SECRET_KEY": KEY,
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "1",
        "BEHIND_PROXY": "1",
        **overrides,
    }


def test_dockerignore_keeps_secrets_and_local_state_out():
    rules = dockerignore_rules()
    for path in [".env", ".dev-secret-key", "db.sqlite3", "media/x.png", ".git/config",
                 "accounts/tests/test_api.py", "bookit/tests/ops/test_compose.py"]:  # fmt: skip
        assert docker_ignored(path, rules), path
    for path in ["manage.py", "requirements.txt", "bookit/settings.py", ".env.example",
                 "deploy/entrypoint.sh", "deploy/gunicorn.conf.py", "deploy/migrate.py",
                 "static/css/app.css"]:  # fmt: skip
        assert not docker_ignored(path, rules), path


def test_the_build_step_collects_hashed_static_files_and_bakes_no_key(image):
    assert (image / "staticfiles" / "staticfiles.json").is_file()
    assert list((image / "staticfiles" / "css").glob("app.*.css.gz"))
    assert not (image / ".dev-secret-key").exists()
    if (image / "locale").is_dir() and shutil.which("msgfmt"):
        assert list((image / "locale").glob("*/LC_MESSAGES/django.mo"))
    assert not (image / ".env").exists()


def test_the_compose_production_config_passes_the_security_checks(image):
    check = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--tag", "security",
         "--fail-level", "WARNING"],
        cwd=image, env=production_env(), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert check.returncode == 0, check.stdout + check.stderr
    # .env.example ships SECRET_KEY empty: forgetting to fill it in stops the container.
    refused = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=image,
        env=production_env(SECRET_KEY=env_example()[0]["SECRET_KEY"]),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert refused.returncode != 0
    assert "SECRET_KEY must be set" in refused.stderr


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def get(url: str, **headers: str) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.build_opener(_NoRedirect).open(request, timeout=60) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_the_image_serves_the_site_in_production_mode(image, tmp_path):
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = production_env(
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        REDIS_URL="",
        S3_BUCKET="",
        MEDIA_ROOT=str(tmp_path / "media"),
        METRICS_TOKEN="scrape-token",
        # Named by the operator and not there yet: the entrypoint makes it before migrating.
        PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "metrics" / "web"),
    )
    server = subprocess.Popen(
        ["sh", "deploy/entrypoint.sh", "web"],
        cwd=image,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    log: list[str] = []
    threading.Thread(target=lambda: log.extend(server.stdout), daemon=True).start()
    try:
        deadline = time.monotonic() + 180
        while True:
            assert server.poll() is None, "".join(log)
            assert time.monotonic() < deadline, "".join(log)
            try:
                # The container healthcheck: plain HTTP to 127.0.0.1, not the public host name.
                if get(f"{base}/healthz")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.3)
        https = {"Host": HOST, "X-Forwarded-Proto": "https"}

        assert get(f"{base}/readyz")[0] == 200
        status, headers, _ = get(f"{base}/", Host=HOST)
        assert status == 301 and headers["Location"] == f"https://{HOST}/"
        assert get(f"{base}/", Host="attacker.example")[0] == 400

        status, headers, body = get(f"{base}/login/", **https)
        assert status == 200
        assert headers["Strict-Transport-Security"] == (
            "max-age=31536000; includeSubDomains; preload"
        )
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert "camera=(self)" in headers["Permissions-Policy"]
        assert all("Secure" in c for c in headers.get_all("Set-Cookie"))
        stylesheet = re.search(rb'href="(/static/css/app\.[0-9a-f]{12}\.css)"', body)[1]
        status, headers, _ = get(f"{base}{stylesheet.decode()}", **https)
        assert status == 200 and "immutable" in headers["Cache-Control"]

        status, _, body = get(f"{base}/api/docs", **https)
        assert status == 200
        for asset in re.findall(rb'(/static/drf_spectacular_sidecar/[^"]+\.js)', body):
            assert get(f"{base}{asset.decode()}", **https)[0] == 200

        assert get(f"{base}/metrics")[0] == 401
        status, _, body = get(f"{base}/metrics", Authorization="Bearer scrape-token")
        assert status == 200 and b"django_http_requests" in body
        assert list((tmp_path / "metrics" / "web").glob("*.db"))  # the workers' metric files
        # Prometheus scrapes each replica by its IP (dns_sd_configs): that Host is allowed.
        for address in socket.gethostbyname_ex(socket.gethostname())[2]:
            status, _, _ = get(
                f"{base}/metrics", Host=f"{address}:8000", Authorization="Bearer scrape-token"
            )
            assert status == 200, address

        # docker stop: gunicorn finishes in-flight requests and exits cleanly.
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=60) == 0, "".join(log)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(timeout=10)
    output = "".join(log)
    assert "Applying " in output  # the entrypoint migrated the fresh database
    assert "nothing to do" in output  # ensure_bucket without S3_BUCKET
