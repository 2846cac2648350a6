"""Notifications: one outbox, one event per row, a delivery per channel (email, Telegram).

Other apps announce an event with ``outbox.notify(user=..., kind=..., key=..., payload=...)``
inside their own transaction; the scheduler (and the bot process, for Telegram) deliver it.
"""
