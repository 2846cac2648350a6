"""Account events, sent inside the change's transaction (the outbox writes in it too).

``member_verification_changed``: kwargs ``user``, ``by`` and ``decision``, one of
``verified``, ``unverified``, ``rejected``.
"""

from django.dispatch import Signal

member_verification_changed = Signal()
