"""Form widgets that render their markup with f-strings instead of Django's widget templates.

Django renders a ``<select>`` through one template include per option (``select_option.html``,
``attrs.html``): a map page's five filter fields with ~60 options cost about a fifth of the
page's time (docs/performance.md). These subclasses produce the same bytes as Django's
templates (``bookit/tests/test_widgets.py`` compares them, selected values, errors and
optgroups included) and escape every value the way autoescaping does (``conditional_escape``).
Everything else (``get_context``, value handling, attributes Django adds such as
``aria-invalid``) is Django's own.
"""

import html

from django import forms
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe


def conditional_escape(value) -> str:
    """django.utils.html.conditional_escape without its lazy-argument wrapper: safe markup as
    is, anything else through ``html.escape`` (what Django's ``escape`` runs)."""
    if isinstance(value, Promise):
        value = str(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html."""
    parts = []
    for name, value in attrs.items():
        if value is True:
            parts.append(f" {name}")
        elif value is not False:
            parts.append(f' {name}="{conditional_escape(str(value))}"')
    return "".join(parts)


def _input(widget: dict) -> str:
    """django/forms/widgets/input.html."""
    value = widget["value"]
    value = "" if value is None else f' value="{conditional_escape(str(value))}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{value}{_attrs(widget["attrs"])}>'
    )


class Select(forms.Select):
    """django/forms/widgets/select.html with its options, read from the choices directly: the
    option dicts of ``optgroups()`` (one per option, ~60 a map page) are not built. Which
    options are selected follows ``optgroups()``: the first match only, unless multiple."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            attrs["multiple"] = True
        values = self.format_value(value)
        parts = [f'<select name="{conditional_escape(name)}"{_attrs(attrs)}>']
        has_selected = False
        for group_value, group_label in self.choices:
            if group_value is None:
                group_value = ""
            group = isinstance(group_label, (list, tuple))
            if group:
                parts.append(f'\n  <optgroup label="{conditional_escape(group_value)}">')
            for option_value, label in group_label if group else [(group_value, group_label)]:
                selected = (not has_selected or self.allow_multiple_selected) and str(
                    option_value
                ) in values
                has_selected |= selected
                parts.append(
                    f'\n  <option value="{conditional_escape(str(option_value))}"'
                    f"{' selected' if selected else ''}>{conditional_escape(label)}</option>\n"
                )
            if group:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value is escaped above


class DateInput(forms.DateInput):
    """django/forms/widgets/date.html."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        return mark_safe(_input(self.get_context(name, value, attrs)["widget"]))  # noqa: S308


class CheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    """Each box's ``{{ box.tag }}`` (django/forms/widgets/checkbox_option.html without the
    wrapping label) as an f-string; the whole group still renders through Django's template."""

    def _render(self, template_name, context, renderer=None) -> SafeString:
        widget = context["widget"]
        if template_name == self.option_template_name and not widget.get("wrap_label"):
            return mark_safe(_input(widget))  # noqa: S308 - every value is escaped in _input
        return super()._render(template_name, context, renderer)  # type: ignore[misc]


def field_html(field: forms.BoundField) -> SafeString:
    """A form field as templates/_field.html writes it (its label, widget, help text and
    errors, with the file's final newline), without an include and its lookups; the floor
    map's filter form has five (bookit/tests/test_widgets.py compares them)."""
    errors = field.errors
    for_id = conditional_escape(field.id_for_label)
    help_text = (
        f'<small class="help">{conditional_escape(field.help_text)}</small>'
        if field.help_text
        else ""
    )
    error_lines = "".join(
        f'<p class="error" id="{for_id}-error">{conditional_escape(e)}</p>' for e in errors
    )
    return mark_safe(  # noqa: S308 - every value is escaped above; str(field) is safe markup
        f'<div class="field{" has-error" if errors else ""}">\n'
        f'  <label for="{for_id}">{conditional_escape(field.label)}</label>\n'
        f"  {conditional_escape(field)}\n"
        f"  {help_text}\n"
        f"  {error_lines}\n"
        "</div>\n"
    )


def labelled_boxes(field: forms.BoundField) -> SafeString:
    """Each box of a multiple-choice field in its label, as the template loop
    ``{% for box in field %}<label class="check">{{ box.tag }} {{ box.choice_label }}</label>
    {% endfor %}`` writes them (the floor map's amenities; test_widgets compares them)."""
    return mark_safe(  # noqa: S308 - box.tag() is safe markup, the label is escaped
        "".join(
            f'<label class="check">{box.tag()} {conditional_escape(box.choice_label)}</label>'
            for box in field
        )
    )
