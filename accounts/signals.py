"""Account events, sent inside the account's transaction (see reservations/signals.py).

``account_event`` kwargs: user, event, data (a dict). Events:
- ``registered``: a new account was created.
- ``register_existing``: someone registered with the email of an existing account (the answer
  does not say so; the owner of the address is told instead).
- ``verified``: staff verified the member.
- ``password_reset``: the member asked for a password reset link.
- ``email_change``: the member asked to move the account to ``data["email"]``.
- ``email_changed``: the change was confirmed; ``data["old_email"]`` was the address before.

The notification outbox (integrations) turns these into messages; accounts itself sends none,
so it does not depend on the apps above it.
"""

from django.dispatch import Signal

account_event = Signal()
