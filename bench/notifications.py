"""Notification outbox benchmark: enqueueing events and delivering email over real SMTP.

Prints figures; it asserts nothing. A throwaway SQLite database in a temp dir and an aiosmtpd
server on a free loopback port (the one the email tests use).

    .venv/bin/python bench/notifications.py [--emails 500] [--batch 20]
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--emails", type=int, default=500)
    parser.add_argument("--batch", type=int, default=20)
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = "sqlite:///" + str(Path(tempfile.mkdtemp()) / "bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bookit.settings")
    import logging

    import django

    django.setup()
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command
    from django.conf import settings
    from django.core.management import call_command
    from django.db import transaction

    call_command("migrate", verbosity=0)

    from accounts.models import User
    from integrations.notifications import mail
    from integrations.notifications.outbox import notify
    from integrations.notifications.tests.smtpserver import SMTPServer

    server = SMTPServer().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = (
        "127.0.0.1",
        server.port,
        False,
    )
    users = User.objects.bulk_create(
        [
            User(email=f"bench{i}@example.com", language="ru" if i % 2 else "en")
            for i in range(args.emails)
        ]
    )
    payload = {
        "reservation": 1, "seat": "A1", "floor": "Floor 1", "sequence": 0, "by_staff": False,
        "start": "2026-12-02T10:00:00+03:00", "end": "2026-12-02T12:00:00+03:00",
    }  # fmt: skip

    t0 = time.perf_counter()
    for i, user in enumerate(users):
        with transaction.atomic():  # as inside a booking transaction
            notify(user=user, kind="booking_created", key=f"bench:{i}", payload=payload)
    enqueue = time.perf_counter() - t0

    t0 = time.perf_counter()
    sent = 0
    while True:
        count = mail.send_pending(batch_size=args.batch, max_batches=1)
        if not count:
            break
        sent += count
    deliver = time.perf_counter() - t0
    server.stop()

    print(f"emails: {args.emails}, batch: {args.batch}, each with an iCalendar invitation")
    print(f"enqueue (notify, one transaction each): {enqueue / args.emails * 1000:.2f} ms/event")
    print(f"deliver over SMTP on loopback: {sent} sent in {deliver:.2f} s "
          f"= {sent / deliver:.0f} emails/s ({deliver / sent * 1000:.2f} ms/email)")  # fmt: skip
    print(f"received by the server: {len(server.messages)}")


if __name__ == "__main__":
    main()
