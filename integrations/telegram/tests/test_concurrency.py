"""Races on PostgreSQL: two senders never deliver one outbox row twice (SKIP LOCKED), and one
link token links one chat even when two /start calls race (FOR UPDATE on the token row)."""

import threading

import pytest
from django.db import connection, connections

from accounts.tests.factories import make_user
from bookit.errors import ValidationFailed
from bookit.tests.race import race
from integrations.models import Notification, NotificationDelivery
from integrations.notifications.outbox import notify
from integrations.telegram import outbox, services

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


def _enqueue_rows() -> None:
    for i in range(ROWS):
        user = make_user(f"m{i}@example.com", telegram_id=70000 + i, language="en")
        notify(
            user=user,
            kind=Notification.Kind.TICKET_STATUS,
            key=f"test:{i}",
            payload={"ticket": i, "subject": f"S{i}", "status": "open", "comment": ""},
            channels=["telegram"],
        )


def test_two_concurrent_senders_send_each_row_once(telegram_on):
    _enqueue_rows()
    telegram_on.state.delay = 0.01  # each send takes a while, so the two senders overlap
    results = race(lambda: outbox.send_pending(batch_size=5, max_batches=ROWS))
    assert sum(results) == ROWS
    assert all(results), "both senders should have taken part"
    chats = [int(c.params["chat_id"]) for c in telegram_on.calls("sendMessage")]
    assert sorted(chats) == [70000 + i for i in range(ROWS)]  # each exactly once
    sent = NotificationDelivery.objects.filter(status=NotificationDelivery.Status.SENT)
    assert sent.count() == ROWS


def test_one_token_links_once_when_used_twice_at_once(db_token_owner):
    link = services.link_token_create(user=db_token_owner)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def start(telegram_id: int) -> None:
        try:
            barrier.wait()
            services.telegram_link(token=link.token, telegram_id=telegram_id)
            outcomes.append("linked")
        except ValidationFailed:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=start, args=(80000 + i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["linked", "refused"]
    db_token_owner.refresh_from_db()
    assert db_token_owner.telegram_id in (80000, 80001)


@pytest.fixture
def db_token_owner(settings):
    settings.TELEGRAM_BOT_TOKEN, settings.TELEGRAM_BOT_USERNAME = "1:x", "bookit_test_bot"
    return make_user("owner@example.com")
