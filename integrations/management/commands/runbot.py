"""`manage.py runbot`: run the Telegram bot by long polling (one replica per bot token)."""

import logging

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from telegram import Update

from bookit import heartbeat
from integrations.telegram.bot import OUTBOX_INTERVAL, build_application


class Command(BaseCommand):
    help = "Run the Telegram bot (long polling). Also delivers the notification outbox."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--no-outbox",
            action="store_true",
            help="Do not deliver notifications from this process (the scheduler does it).",
        )

    def handle(self, *args, no_outbox: bool = False, **options) -> None:
        if not settings.TELEGRAM_BOT_TOKEN:
            raise CommandError("TELEGRAM_BOT_TOKEN is not set: the Telegram bot is off.")
        logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per poll is noise
        application = build_application(outbox_interval=None if no_outbox else OUTBOX_INTERVAL)
        from integrations.metrics import serve_worker_metrics

        heartbeat.clear("bot")
        serve_worker_metrics()
        self.stdout.write("Telegram bot: polling (Ctrl+C to stop)")
        # Stops cleanly on SIGINT/SIGTERM; only one process may poll a token.
        application.run_polling(allowed_updates=[Update.MESSAGE, Update.CALLBACK_QUERY])
