"""Demo data for local use: verified members and staff, floors with seats, some reservations.

It lives in the top app because it seeds every app, in dependency order.

Idempotent: running it again tops up what is missing and changes nothing else.
"""

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import User
from integrations.kiosk import demo as kiosk_demo
from integrations.stats import demo as stats_demo
from reservations import demo as reservations_demo
from seats import demo as seats_demo
from tickets import demo as tickets_demo

DEMO_PASSWORD = "password123"
# Enough past usage that /staff/stats/ draws real charts on a fresh `make run` (a second run
# only fills the days since).
DEFAULT_HISTORY_DAYS = 30


class Command(BaseCommand):
    help = "Create demo accounts (demo_email_0..9, demo_admin_0..9; password password123) and data."

    def add_arguments(self, parser):
        parser.add_argument(
            "--history",
            type=int,
            default=DEFAULT_HISTORY_DAYS,
            help="Days of past usage to generate (days that have some are skipped); 0: none.",
        )

    def handle(self, *args, **options):
        with transaction.atomic():
            created = self.seed_users()
        self.stdout.write(f"users: {created} created, {User.objects.count()} in total")
        for step in self.extra_steps():
            step(self, options)
        self.stdout.write(self.style.SUCCESS("demo data ready"))

    def seed_users(self) -> int:
        # Hash once: the password hasher is deliberately slow and every demo account shares it.
        hashed = make_password(DEMO_PASSWORD)
        created = 0
        for prefix, staff in (("demo_email", False), ("demo_admin", True)):
            for i in range(10):
                email = f"{prefix}_{i}@example.com"
                user, was_created = User.objects.get_or_create(
                    email=email,
                    defaults={
                        "first_name": "Demo" if not staff else "Admin",
                        "last_name": str(i),
                        "is_staff": staff,
                        "is_superuser": staff,
                        "is_verified": True,
                        # Half the members show their name on the map: the colleague search
                        # and a taken seat's holder have someone to show in the demo.
                        "show_on_map": not staff and i % 2 == 0,
                    },
                )
                if was_created:
                    user.password = hashed
                    user.save(update_fields=["password"])
                    created += 1
        return created

    def extra_steps(self):
        """Seeding steps of the apps, in order: floors, seats, reservations, tickets, history,
        kiosks."""
        return [
            seats_demo.seed,
            reservations_demo.seed,
            tickets_demo.seed,
            stats_demo.seed,
            kiosk_demo.seed,
        ]
