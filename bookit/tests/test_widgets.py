"""bookit.widgets renders the same bytes as Django's widget templates."""

import datetime as dt

import pytest
from django import forms
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from bookit import widgets

CHOICES = [
    ("", gettext_lazy("Any kind")),
    ("a&b", 'Tom & "Jerry" <x>'),
    (3, "three"),
    ("safe", mark_safe("<b>bold</b>")),
    ("Group", [("g1", "one"), ("g2", "two")]),
]


@pytest.mark.parametrize("value", [None, "", "a&b", 3, "3", "g2", ["g1"]])
@pytest.mark.parametrize(
    "attrs",
    [None, {"id": "id_x"}, {"id": "id_x", "aria-invalid": "true", "required": True, "no": False}],
)
def test_select_is_djangos_select(value, attrs):
    ours = widgets.Select(choices=CHOICES).render("x", value, attrs=attrs)
    django = forms.Select(choices=CHOICES).render("x", value, attrs=attrs)
    assert ours == django


def test_select_translates_lazy_labels_at_render_time():
    with override("ru"):
        ours = widgets.Select(choices=CHOICES).render("x", "")
        django = forms.Select(choices=CHOICES).render("x", "")
    assert ours == django


@pytest.mark.parametrize("value", [None, dt.date(2026, 12, 2), "2026-12-02", 'bad"<value>'])
def test_date_input_is_djangos(value):
    attrs = {"type": "date", "min": "2026-12-01", "max": "2026-12-15"}
    ours = widgets.DateInput(format="%Y-%m-%d", attrs=attrs).render("d", value, {"id": "id_d"})
    django = forms.DateInput(format="%Y-%m-%d", attrs=attrs).render("d", value, {"id": "id_d"})
    assert ours == django


@pytest.mark.parametrize("data", [{}, {"box": ["a&b"]}, {"box": ["a&b", "3", "nope"]}])
def test_checkbox_tags_are_djangos(data):
    class Ours(forms.Form):
        box = forms.MultipleChoiceField(
            choices=CHOICES[1:3], required=False, widget=widgets.CheckboxSelectMultiple
        )

    class Djangos(forms.Form):
        box = forms.MultipleChoiceField(
            choices=CHOICES[1:3], required=False, widget=forms.CheckboxSelectMultiple
        )

    ours, django = Ours(data), Djangos(data)
    ours.is_valid(), django.is_valid()
    assert [b.tag() for b in ours["box"]] == [b.tag() for b in django["box"]]
    assert [b.tag(wrap_label=True) for b in ours["box"]] == [
        b.tag(wrap_label=True) for b in django["box"]
    ]
    assert str(ours["box"]) == str(django["box"])


class _Multiple(widgets.Select):
    allow_multiple_selected = True


@pytest.mark.parametrize("value", [None, ["a&b", "3"], ["g1", "g2", "3"]])
def test_select_marks_every_match_only_when_multiple(value):
    """optgroups() selects the first match of a single select, every match of a multiple one;
    a None value is the empty option."""
    choices = [(None, "none"), *CHOICES[1:], ("3", "three again")]
    ours = _Multiple(choices=choices).render("x", value)
    django = forms.SelectMultiple(choices=choices).render("x", value)
    assert ours == django
    ours_single = widgets.Select(choices=choices).render("x", value and value[-1])
    assert ours_single == forms.Select(choices=choices).render("x", value and value[-1])


class _FieldForm(forms.Form):
    when = forms.DateField(label=gettext_lazy("Date"), widget=widgets.DateInput)
    kind = forms.ChoiceField(
        label='Kind & "sort" <x>', choices=CHOICES[:3], required=False, widget=widgets.Select
    )
    note = forms.CharField(label="Note", help_text='Say <b>"why"</b> & how', required=False)
    hidden = forms.CharField(widget=forms.HiddenInput, required=False, show_hidden_initial=True)


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize(
    "data",
    [None, {}, {"when": "not a <date>", "kind": "nope & more"}, {"when": "2026-12-02", "kind": 3}],
)
def test_field_html_is_the_field_template_s(data, language):
    from django.template.loader import render_to_string

    form = _FieldForm(data, auto_id="id_%s")
    if data is not None:
        form.is_valid()
        form.add_error("kind", 'Second <error> & "quotes"')
    with override(language):
        for name in form.fields:
            ours = widgets.field_html(form[name])
            template = render_to_string("_field.html", {"field": form[name]})
            assert ours == template


class _BoxesForm(forms.Form):
    pick = forms.MultipleChoiceField(
        choices=[("a", gettext_lazy("Monitor")), ("b&<", 'Tom & "Jerry"'), ("c", "three")],
        required=False,
        widget=widgets.CheckboxSelectMultiple,
    )


@pytest.mark.parametrize("data", [None, {}, {"pick": ["b&<"]}, {"pick": ["a", "c", "zz"]}])
@pytest.mark.parametrize("language", ["en", "ru"])
def test_labelled_boxes_are_the_template_loop_s(data, language):
    from django.template import engines

    loop = engines.all()[0].from_string(
        '{% for box in field %}<label class="check">{{ box.tag }} {{ box.choice_label }}'
        "</label>{% endfor %}"
    )
    form = _BoxesForm(data, auto_id="id_%s")
    if data is not None:
        form.is_valid()
    with override(language):
        assert widgets.labelled_boxes(form["pick"]) == loop.render({"field": form["pick"]})
