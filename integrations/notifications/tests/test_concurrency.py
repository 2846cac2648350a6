"""Races on PostgreSQL: two email senders never deliver one message twice (SKIP LOCKED claim)."""

import threading

import pytest
from django.db import connection, connections

from accounts.tests.factories import make_user
from integrations.models import NotificationDelivery
from integrations.notifications import mail
from integrations.notifications.outbox import notify

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks (SELECT ... FOR UPDATE SKIP LOCKED) need PostgreSQL; "
        "SQLite serializes whole transactions instead",
    ),
]

ROWS = 40


def test_two_concurrent_senders_send_each_email_once(smtp):
    for i in range(ROWS):
        user = make_user(f"m{i}@example.com", language="en")
        notify(user=user, kind="welcome", key=f"welcome:{i}", channels=["email"])
    barrier = threading.Barrier(2)
    results: list[int] = []
    errors: list[BaseException] = []

    def sender() -> None:
        try:
            barrier.wait()
            results.append(mail.send_pending(batch_size=5, max_batches=ROWS))
        except BaseException as exc:  # surfaced in the main thread below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors
    assert sum(results) == ROWS
    recipients = sorted(r.rcpt_tos[0] for r in smtp.messages)
    assert recipients == sorted(f"m{i}@example.com" for i in range(ROWS))  # each exactly once
    sent = NotificationDelivery.objects.filter(status=NotificationDelivery.Status.SENT)
    assert sent.count() == ROWS
