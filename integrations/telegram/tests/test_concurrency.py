"""Two senders at once never deliver the same outbox row twice (PostgreSQL: SKIP LOCKED)."""

import threading

import pytest
from django.db import connection, connections

from accounts.tests.factories import make_user
from integrations.models import Notification
from integrations.telegram import outbox

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
        outbox.enqueue(
            user=user,
            kind=Notification.Kind.TICKET_STATUS,
            dedupe_key=f"test:{i}",
            payload={"ticket": i, "subject": f"S{i}", "status": "open", "comment": ""},
        )


def test_two_concurrent_senders_send_each_row_once(telegram_on):
    _enqueue_rows()
    telegram_on.state.delay = 0.01  # each send takes a while, so the two senders overlap
    barrier = threading.Barrier(2)
    results: list[int] = []
    errors: list[BaseException] = []

    def sender() -> None:
        try:
            barrier.wait()
            results.append(outbox.send_pending(batch_size=5, max_batches=ROWS))
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
    assert all(results), "both senders should have taken part"
    chats = [int(c.params["chat_id"]) for c in telegram_on.calls("sendMessage")]
    assert sorted(chats) == [70000 + i for i in range(ROWS)]  # each exactly once
    assert Notification.objects.filter(status=Notification.Status.SENT).count() == ROWS
