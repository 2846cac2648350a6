"""Ticket events, sent inside the ticket transaction (see reservations/signals.py for the rules).

ticket_created kwargs: ticket.
ticket_status_changed kwargs: ticket, old_status, new_status, comment, by.
"""

from django.dispatch import Signal

ticket_created = Signal()
ticket_status_changed = Signal()
