"""The booking policy: one row, read at most once per request.

Why not the cache (it was, through Redis): a policy edited while Redis was unreachable could not
invalidate the cached copy, and that stale copy came back with Redis; with Redis hung, each of the
half-dozen reads per booking waited for a timeout. A primary-key lookup of one row is as cheap as
a Redis round trip and cannot be stale, so the database is read once per request (bookit.memo)
and the value reused for the rest of it. Outside a request (bot, scheduler) every call reads the
row, so an edit is in force from the next unit of work everywhere.
"""

from bookit.memo import forget, memoized
from reservations.models import BookingPolicy

MEMO_KEY = "reservations:booking-policy"


def _load() -> BookingPolicy:
    policy, _created = BookingPolicy.objects.get_or_create(pk=1)
    return policy


def get_policy() -> BookingPolicy:
    return memoized(MEMO_KEY, _load)


def policy_changed() -> None:
    forget(MEMO_KEY)
