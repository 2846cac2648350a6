"""Account events, for the apps above accounts (dependencies point one way: they listen here).

``user_deleting`` (kwargs: user) is sent inside the deletion transaction, before the row goes:
a receiver that raises aborts the deletion; one that writes commits or rolls back with it.

``account_event`` (kwargs: user, event, data: a dict) is sent inside the account's transaction.
The notification outbox (integrations) turns it into messages; accounts itself sends none.
Events:
- ``registered``: a new account was created; with a password it waits for its email to be
  confirmed, from Yandex ID (``data["via"] == "yandex"``) it is confirmed already.
- ``register_unconfirmed``: someone registered again with the email of an account that is not
  confirmed yet (it took the new password; the address gets a fresh link).
- ``email_confirmed``: a self-registration's address was confirmed (the link, a password
  reset, or Yandex ID): the member now waits for staff verification.
- ``register_existing``: someone registered with the email of a confirmed account (the answer
  does not say so; the owner of the address is told instead).
- ``verified``: staff verified the member (``member_verified`` below is sent as well).
- ``password_reset``: the member asked for a password reset link.
- ``email_change``: the member asked to move the account to ``data["email"]``.
- ``email_changed``: the change was confirmed; ``data["old_email"]`` was the address before.
``member_verification_changed`` (kwargs: ``user``, ``by`` and ``decision``, one of ``verified``,
``unverified``, ``rejected``) is sent inside the change's transaction (the outbox writes in it).

``member_verified`` (kwargs: user, by) is sent inside the verification's transaction, once, when
an unverified member becomes verified (webhooks' member.verified). A verification sends both.
"""

from django.dispatch import Signal

user_deleting = Signal()
member_verification_changed = Signal()
account_event = Signal()
member_verified = Signal()
