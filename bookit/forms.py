"""The one mapping of a domain error (bookit.errors) onto a Django form, for every page."""

from typing import Any

from django import forms
from django.db.models import Model
from django.http import HttpRequest

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


class RequestFormMixin:
    """ModelAdmin mixin: the form is built with ``request=`` (the acting staff member), so its
    clean() can call a service as that member and show the service's errors."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)

        class RequestForm(form):
            def __init__(self, *args, **kw):
                super().__init__(*args, request=request, **kw)

        return RequestForm


class ServiceModelForm(forms.ModelForm):
    """An admin form whose ``clean()`` saves through a service, as the acting staff member
    (``request=``, given by RequestFormMixin): the service's errors show as form errors, and
    the row it returns becomes the form's instance. Model validation is not run again: it would
    re-check the saved row against itself (the exclusion constraints, the unique indexes)."""

    def __init__(self, *args: Any, request: HttpRequest | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.request = request
        self.result: Model | None = None

    def save_through_service(self, data: dict[str, Any]) -> Model:
        """Create or update (``self.instance.pk`` says which); raise a DomainError to refuse."""
        raise NotImplementedError

    def clean(self) -> dict[str, Any] | None:
        data = super().clean()
        if self.errors or data is None:
            return data
        try:
            self.result = self.save_through_service(data)
        except DomainError as exc:
            add_service_error(self, exc)
        return data

    def _post_clean(self) -> None:
        if self.result is not None:
            self.instance = self.result
