"""Apply migrations once even when several web replicas start at the same moment.

`manage.py migrate` is not safe to run concurrently: two processes would both try to create the
same tables and one would crash. On PostgreSQL the run is wrapped in a session advisory lock, so
replicas migrate one after another (the later ones find nothing to do). SQLite serializes writes
by itself.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bookit.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

LOCK_ID = 0x626F6F6B  # "book": any constant shared by every replica


def main() -> None:
    locked = connection.vendor == "postgresql"
    if locked:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [LOCK_ID])
    try:
        call_command("migrate", interactive=False, verbosity=1)
    finally:
        if locked:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_ID])


if __name__ == "__main__":
    main()
