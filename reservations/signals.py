"""Booking events, sent inside the booking transaction.

Receivers that write rows (the notification outbox) commit or roll back with the booking;
receivers that talk to the outside (metrics, HTTP) must defer with transaction.on_commit.

``action`` is one of: created, updated, cancelled, restored (an undone cancellation),
checked_in, no_show.
``by`` is the user who acted (None for the system, e.g. no-show release).
"""

from django.dispatch import Signal

# kwargs: reservation, action, by; and reason for a staff cancellation that says why (a block).
reservation_changed = Signal()

# A booking was refused because of an overlap (metrics count these); kwargs: seat, user, kind.
reservation_conflict = Signal()

# A waitlist entry was offered a held seat (reservations.waitlist), inside the offer's
# transaction; kwargs: entry (its reservation is the hold). Notifications tell the member.
waitlist_offered = Signal()
