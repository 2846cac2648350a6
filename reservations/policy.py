"""The booking policy, read through the cache (one row, read on every booking and map view)."""

from django.core.cache import cache

from reservations.models import BookingPolicy

CACHE_KEY = "bookit:booking-policy:v1"


def get_policy() -> BookingPolicy:
    policy = cache.get(CACHE_KEY)
    if policy is None:
        policy, _ = BookingPolicy.objects.get_or_create(pk=1)
        cache.set(CACHE_KEY, policy, 300)
    return policy


def policy_changed() -> None:
    cache.delete(CACHE_KEY)
