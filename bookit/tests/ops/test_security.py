"""Hardened production settings: refusal of unsafe configs, security headers on every response."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
GOOD_KEY = "k3y-" + "a1b2c3d4e5f6g7h8" * 4
CONTROLLED = {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "ALLOW_INTERNAL_HOSTS", "SECURE_SSL_REDIRECT"}


def manage(*args: str, **env_vars: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in CONTROLLED}
    env.update(env_vars)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "key",
    [
        pytest.param("dev", id="short"),
        pytest.param("django-insecure-" + "q8w7e6r5t4y3u2i1o0p9" * 3, id="django-insecure"),
        pytest.param("x" * 64, id="too-few-distinct-characters"),
    ],
)
def test_production_refuses_to_start_with_a_dev_secret_key(key):
    result = manage("check", DEBUG="0", SECRET_KEY=key, ALLOWED_HOSTS="bookit.example.com")
    assert result.returncode != 0
    assert "Unsafe production settings (DEBUG=0)" in result.stderr
    assert "SECRET_KEY must be set to a random value of at least 50 characters" in result.stderr


def test_production_refuses_a_wildcard_allowed_host():
    result = manage("check", DEBUG="0", SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="*")
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must not contain '*'" in result.stderr


def test_a_safe_production_config_passes_the_security_deploy_checks():
    # Only the security tag: other apps' warnings (e.g. OpenAPI naming) are not this test's job.
    result = manage(
        "check", "--deploy", "--tag", "security", "--fail-level", "WARNING",
        DEBUG="0", SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="bookit.example.com",
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def _production_value(expression: str, **env_vars: str):
    code = f"import json, bookit.settings as s; print(json.dumps({expression}))"
    env = {"DEBUG": "0", "SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "bookit.example.com", **env_vars}
    result = manage("shell", "-c", code, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_internal_addresses_are_allowed_only_when_asked():
    assert _production_value("s.ALLOWED_HOSTS") == ["bookit.example.com"]
    hosts = _production_value("s.ALLOWED_HOSTS", ALLOW_INTERNAL_HOSTS="1")
    assert hosts[0] == "bookit.example.com"
    assert {"127.0.0.1", "localhost"} <= set(hosts)


def test_production_cookies_and_transport_are_secure():
    values = _production_value(
        "[s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.JWT_COOKIE_SECURE, "
        "s.LANGUAGE_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, "
        "getattr(s, 'SECURE_PROXY_SSL_HEADER', None)]"
    )
    assert values == [True, True, True, True, True, 31536000, None]
    behind_proxy = _production_value("s.SECURE_PROXY_SSL_HEADER", BEHIND_PROXY="1")
    assert behind_proxy == ["HTTP_X_FORWARDED_PROTO", "https"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/login/", "/healthz", "/api/docs"])
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "default-src 'self'" in csp and "object-src 'none'" in csp
    assert "http" not in csp.replace("'self'", "")  # no CDN: everything from our own origin
    assert "camera=(self)" in response["Permissions-Policy"]
    assert "microphone=()" in response["Permissions-Policy"]
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def test_hsts_is_sent_over_https_in_production(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    response = client.get("/healthz", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
