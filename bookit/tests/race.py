"""Run callables side by side, released together at a barrier: two scheduler (or bot)
processes sending the outbox, or a storm of concurrent requests. Each thread closes its own
database connections; an error in any thread is raised in the caller."""

import threading
from collections.abc import Callable
from typing import TypeVar

from django.db import connections

T = TypeVar("T")


def race(send: Callable[[], T], *, senders: int = 2) -> list[T]:
    """Start ``senders`` threads on ``send`` at once; what each returned. Re-raises a thread's
    error."""
    barrier = threading.Barrier(senders)
    results: list[T] = []
    errors: list[BaseException] = []

    def sender() -> None:
        try:
            barrier.wait()
            results.append(send())
        except BaseException as exc:  # surfaced in the calling thread below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sender) for _ in range(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    if errors:
        raise errors[0]
    return results
