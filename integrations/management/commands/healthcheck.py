"""`manage.py healthcheck scheduler|bot`: the compose healthcheck of the worker containers.

Exits 0 when the worker's last successful loop is at most --max-age seconds old (default
HEARTBEAT_MAX_AGE), 1 otherwise, which Docker reads as "unhealthy". See bookit/heartbeat.py for
what counts as a successful loop.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from bookit.heartbeat import WORKERS, heartbeat_status


class Command(BaseCommand):
    help = "Exit 1 unless the worker (scheduler or bot) completed a loop within --max-age seconds."
    # A probe runs every few seconds: skip the system checks, they only cost time here.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser) -> None:
        parser.add_argument("worker", choices=WORKERS)
        parser.add_argument(
            "--max-age",
            type=float,
            default=None,
            help="Seconds; default HEARTBEAT_MAX_AGE.",
        )

    def handle(self, *args, worker: str, max_age: float | None = None, **options) -> None:
        limit = settings.HEARTBEAT_MAX_AGE if max_age is None else max_age
        status = heartbeat_status(worker, max_age=limit)
        if not status.ok:
            raise CommandError(status.describe())
        self.stdout.write(status.describe())
