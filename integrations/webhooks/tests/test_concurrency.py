"""Several scheduler replicas deliver at the same instant (PostgreSQL): every message reaches
its receiver exactly once in this run (the lease), each endpoint's in event order."""

import datetime as dt
import json
import threading
import time
from collections import Counter

import pytest
from django.db import connection, connections

from integrations.webhooks import delivery, services
from integrations.webhooks.models import WebhookDelivery

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="SKIP LOCKED row claims need PostgreSQL"
    ),
]


def _setup(staff, receiver):
    endpoints = [
        services.webhook_endpoint_create(
            url=f"{receiver.url}/{n}", events=["ticket.created"], by=staff
        )
        for n in range(3)
    ]
    for seq in range(15):
        services.webhook_event_enqueue(event_type="ticket.created", data={"seq": seq})
    return endpoints


def _senders(count: int, receiver, *, late: int = 0) -> list[BaseException]:
    """``count`` senders released together, then ``late`` more once the first request is in
    flight (a replica whose loop comes round while another is mid-batch)."""
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def sender(is_late: bool):
        try:
            if is_late:
                while not receiver.received:
                    time.sleep(0.005)
            else:
                barrier.wait(timeout=30)
            delivery.deliver_pending()
        except BaseException as exc:  # the test must see any failure in a thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sender, args=(False,)) for _ in range(count)]
    threads += [threading.Thread(target=sender, args=(True,)) for _ in range(late)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def test_concurrent_senders_deliver_each_message_once_and_in_order(staff, receiver, allow_loopback):
    endpoints = _setup(staff, receiver)
    receiver.delay = 0.01
    assert _senders(4, receiver, late=2) == []
    ids = Counter(request.headers["webhook-id"] for request in receiver.received)
    assert len(ids) == 45 and set(ids.values()) == {1}
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"delivered"}
    for endpoint in endpoints:
        path = f"/hooks/bookit/{endpoint.url.rsplit('/', 1)[1]}"
        seqs = [json.loads(r.body)["data"]["seq"] for r in receiver.received if r.path == path]
        assert seqs == list(range(15))


def test_without_the_lease_the_race_is_real(staff, receiver, allow_loopback, monkeypatch):
    """Proof that the test above can fail: with a zero lease, a second sender claims rows the
    first is still sending, and receivers get duplicates."""
    _setup(staff, receiver)
    receiver.delay = 0.01
    monkeypatch.setattr(delivery, "lease", lambda: dt.timedelta(0))
    assert _senders(4, receiver, late=2) == []
    ids = Counter(request.headers["webhook-id"] for request in receiver.received)
    assert max(ids.values()) > 1
