"""Admin forms whose clean() calls a service: the request reaches the form, and the service's
domain errors show as form errors (so staff edits obey the same rules as the API)."""

from django import forms

from bookit.errors import DomainError


def add_domain_errors(form: forms.BaseForm, exc: DomainError) -> None:
    for field, errors in (exc.errors or {None: [exc.message]}).items():
        for error in errors:
            form.add_error(field if field in form.fields else None, str(error))


class RequestFormMixin:
    """ModelAdmin mixin: the form is built with ``request=`` (the acting staff member)."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)

        class RequestForm(form):
            def __init__(self, *args, **kw):
                super().__init__(*args, request=request, **kw)

        return RequestForm
