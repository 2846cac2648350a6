"""Seat events, for the apps above seats (bookings listen here instead of seats importing them).

``seat_deleting`` (kwargs: seat) and ``floor_deleting`` (kwargs: floor) are sent before the
row is deleted; a receiver refuses by raising a bookit.errors error (e.g. Conflict), which
propagates to the caller and nothing is deleted.
"""

from django.dispatch import Signal

seat_deleting = Signal()
floor_deleting = Signal()
