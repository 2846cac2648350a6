import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_check(**env_vars) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"}}
    env.update(env_vars)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_check(DEBUG="0", ALLOWED_HOSTS="bookit.example.com")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = run_check(DEBUG="0", SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must list" in result.stderr


def test_production_settings_pass_the_deploy_check():
    result = run_check(
        DEBUG="0", SECRET_KEY="k3y-" + "a1b2c3d4e5" * 6, ALLOWED_HOSTS="bookit.example.com"
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "url, engine, name",
    [
        ("postgres://u:p%40ss@db.example:5433/bookit", "postgresql", "bookit"),
        ("sqlite:////tmp/x.db", "sqlite3", "/tmp/x.db"),
        (None, "sqlite3", "db.sqlite3"),
    ],
)
def test_database_url_is_parsed(url, engine, name):
    from bookit.settings import database_from_url

    db = database_from_url(url)
    assert db["ENGINE"].endswith(engine)
    assert str(db["NAME"]).endswith(name)
    if engine == "postgresql":
        assert db["PASSWORD"] == "p@ss" and db["PORT"] == 5433 and db["CONN_HEALTH_CHECKS"]
    else:
        assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


@pytest.mark.parametrize(
    ("value", "expected"), [("", "absent"), ("0", 0), ("12", 12), ("off", None)]
)
def test_the_prepare_threshold_comes_from_the_environment(monkeypatch, value, expected):
    from bookit.settings import database_from_url

    monkeypatch.setenv("DB_PREPARE_THRESHOLD", value)
    options = database_from_url("postgres://u@db.example/bookit")["OPTIONS"]
    assert options.get("prepare_threshold", "absent") == expected
