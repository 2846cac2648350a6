"""Account events, sent inside the transaction that makes them (see reservations/signals.py).

member_verified kwargs: user, by. Sent once, when an unverified member becomes verified.
"""

from django.dispatch import Signal

member_verified = Signal()
