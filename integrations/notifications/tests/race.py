"""Run outbox senders side by side, as two scheduler (or bot) processes would."""

import threading
from collections.abc import Callable

from django.db import connections


def race(send: Callable[[], int], *, senders: int = 2) -> list[int]:
    """Start ``senders`` threads on ``send`` at once; what each sent. Re-raises a thread's error."""
    barrier = threading.Barrier(senders)
    results: list[int] = []
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
