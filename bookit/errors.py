"""The one error vocabulary. Services raise these; the API handler and HTML views map them.

Messages live here (or are passed in already translated) so every surface says the same thing.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A rule was broken. ``errors`` maps a field name to a list of messages."""

    status_code = 400
    default_message = _("Invalid request.")

    def __init__(
        self,
        message: Any = None,
        *,
        errors: dict[str, list[Any]] | None = None,
        extra: dict[str, Any] | None = None,
    ):
        self.message = message if message is not None else self.default_message
        self.errors = errors or {}
        self.extra = extra or {}
        super().__init__(str(self.message))


class ValidationFailed(DomainError):
    status_code = 400

    @classmethod
    def on(cls, field: str, message: Any) -> "ValidationFailed":
        """The usual case: one message about one field, also the error's summary."""
        return cls(message, errors={field: [message]})


class PermissionDenied(DomainError):
    status_code = 403
    default_message = _("You are not allowed to do this.")


class NotFound(DomainError):
    status_code = 404
    default_message = _("Not found.")


class Conflict(DomainError):
    """The request conflicts with the current state (a booking overlap, a seat still in use)."""

    status_code = 409
    default_message = _("Conflict.")


class Unprocessable(DomainError):
    """Well-formed but cannot be processed as sent (an Idempotency-Key reused with another body)."""

    status_code = 422
    default_message = _("The request cannot be processed.")
