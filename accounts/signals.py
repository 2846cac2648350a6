"""Account events, for the apps above accounts (dependencies point one way: they listen here).

``user_deleting`` (kwargs: user) is sent inside the deletion transaction, before the row goes:
a receiver that raises aborts the deletion; one that writes commits or rolls back with it.

``member_verification_changed`` (kwargs: ``user``, ``by`` and ``decision``, one of ``verified``,
``unverified``, ``rejected``) is sent inside the change's transaction (the outbox writes in it).

``member_verified`` (kwargs: user, by) is sent inside the verification's transaction, once, when
an unverified member becomes verified (webhooks' member.verified). A verification sends both.
"""

from django.dispatch import Signal

user_deleting = Signal()
member_verification_changed = Signal()
member_verified = Signal()
