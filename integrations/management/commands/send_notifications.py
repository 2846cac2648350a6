"""`manage.py send_notifications`: enqueue reminders and deliver the outbox (email, Telegram)."""

import signal
import threading

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from integrations.notifications import outbox


class Command(BaseCommand):
    help = "Deliver pending notifications (and enqueue due reminders), once or in a loop."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true", help="One pass, then exit.")
        parser.add_argument("--interval", type=float, default=10.0, help="Seconds between passes.")

    def handle(self, *args, once: bool = False, interval: float = 10.0, **options) -> None:
        stop = threading.Event()
        if not once:
            for sig in (signal.SIGINT, signal.SIGTERM):
                signal.signal(sig, lambda *_: stop.set())
        while True:
            reminders = outbox.enqueue_due_reminders()
            sent = outbox.send_pending()
            if reminders or sent or once:
                self.stdout.write(f"reminders enqueued: {reminders}, notifications sent: {sent}")
            if once:
                return
            # A long-running loop must drop connections the server closed or past CONN_MAX_AGE:
            # Django only does this around HTTP requests.
            close_old_connections()
            if stop.wait(interval):
                return
