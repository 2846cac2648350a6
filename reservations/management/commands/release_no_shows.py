from django.core.management.base import BaseCommand

from reservations.services import release_no_shows


class Command(BaseCommand):
    help = "Mark booked reservations not checked in by the end of the grace period as no-shows."

    def handle(self, *args, **options):
        count = release_no_shows()
        self.stdout.write(f"{count} reservations marked no-show")
