"""Django's template engine, rendering without leaving a reference cycle behind (issue 15).

A ``RequestContext`` holds its context processors' dicts as ``ContextDict``s, and each of those
holds the context back: every page left its whole context (a floor map: two hundred seat rows
and everything built from them) for the cyclic garbage collector. Once the page is rendered its
context is done with; emptying its stack of dicts lets reference counting free it at once.
A form in the context is a cycle of its own (each rendered field, cached on the form, holds the
form): that cache is emptied too (a later ``form[name]`` builds the field again).
Everything else is Django's own backend (``django.template.backends.django``).
"""

from django.forms import BaseForm
from django.template import TemplateDoesNotExist
from django.template.backends import django as django_backend
from django.template.context import make_context


class Template(django_backend.Template):
    def render(self, context=None, request=None) -> str:
        context = make_context(context, request, autoescape=self.backend.engine.autoescape)
        try:
            return self.template.render(context)
        except TemplateDoesNotExist as exc:
            django_backend.reraise(exc, self.backend)
        finally:
            for values in context.dicts:
                for value in values.values():
                    if isinstance(value, BaseForm):
                        value._bound_fields_cache.clear()  # type: ignore[attr-defined]
            context.dicts.clear()


class DjangoTemplates(django_backend.DjangoTemplates):
    def from_string(self, template_code) -> Template:
        return Template(self.engine.from_string(template_code), self)

    def get_template(self, template_name) -> Template:
        try:
            return Template(self.engine.get_template(template_name), self)
        except TemplateDoesNotExist as exc:
            django_backend.reraise(exc, self)
