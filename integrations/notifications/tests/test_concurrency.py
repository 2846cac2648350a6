"""Races on PostgreSQL: two email senders never deliver one message twice (SKIP LOCKED claim)."""

import pytest
from django.db import connection

from accounts.tests.factories import make_user
from bookit.tests.race import race
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
    results = race(lambda: mail.send_pending(batch_size=5, max_batches=ROWS))
    assert sum(results) == ROWS
    recipients = sorted(r.rcpt_tos[0] for r in smtp.messages)
    assert recipients == sorted(f"m{i}@example.com" for i in range(ROWS))  # each exactly once
    sent = NotificationDelivery.objects.filter(status=NotificationDelivery.Status.SENT)
    assert sent.count() == ROWS
