"""The one mapping of a domain error (bookit.errors) onto a Django form, for every page."""

from django import forms

from bookit.errors import DomainError


def add_service_error(form: forms.Form, exc: DomainError) -> None:
    """Show a bookit.errors error next to the field it concerns, and its summary on top.

    A conflict says what it collides with in its message and names the field in ``errors``:
    both are shown. A plain field error is shown once, next to its field.
    """
    placed: set[str] = set()
    for field, messages in (exc.errors or {}).items():
        if field in form.fields and not form.fields[field].widget.is_hidden:
            for message in messages:
                form.add_error(field, str(message))
                placed.add(str(message))
    if str(exc.message) not in placed:
        form.add_error(None, str(exc.message))
