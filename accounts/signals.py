"""Account events, for the apps above accounts (dependencies point one way: they listen here).

Both are sent inside the change's transaction (the outbox writes in it too):

``member_verification_changed``: kwargs ``user``, ``by`` and ``decision``, one of
``verified``, ``unverified``, ``rejected``.

``user_deleting`` (kwargs: user) is sent before the row goes: a receiver that raises aborts the
deletion; one that writes commits or rolls back with it.
"""

from django.dispatch import Signal

member_verification_changed = Signal()
user_deleting = Signal()
