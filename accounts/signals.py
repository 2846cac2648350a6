"""Account events, for the apps above accounts (dependencies point one way: they listen here).

``user_deleting`` (kwargs: user) is sent inside the deletion transaction, before the row goes:
a receiver that raises aborts the deletion; one that writes commits or rolls back with it.
"""

from django.dispatch import Signal

user_deleting = Signal()
