"""The form renderer builds a select's markup itself (a thousand options through Django's
templates took 90 ms a page): it must be exactly what Django's own templates write."""

from __future__ import annotations

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from fps_portal.form_renderer import GovukFormRenderer

CHOICES = [("", "Any setting"), (1, "Crewe School"), (2, 'O\'Neill & "Sons" <Ltd>')]


class _Form(forms.Form):
    flat = forms.TypedChoiceField(choices=CHOICES, coerce=int, required=False)
    grouped = forms.ChoiceField(
        choices=[("North", [("a", "Alder"), ("b", "Birch")]), ("c", "Cedar")], required=False
    )
    many = forms.MultipleChoiceField(choices=[("x", "X"), ("y", "Y")], required=False)
    disabled = forms.ChoiceField(choices=[("d", "D")], disabled=True, required=False)


@pytest.mark.parametrize("name", ["flat", "grouped", "many", "disabled"])
@pytest.mark.parametrize("data", [{}, {"flat": "2", "grouped": "b", "many": ["x", "y"]}])
def test_a_select_is_written_exactly_as_djangos_templates_write_it(name, data):
    form = _Form(data or None, renderer=GovukFormRenderer())
    bound = form[name]
    attrs = {"class": "govuk-select", "aria-describedby": "hint error", "autofocus": False}
    ours = bound.as_widget(attrs=attrs)
    # What BoundField.as_widget hands the widget: its attrs, then the id.
    widget_attrs = bound.build_widget_attrs(dict(attrs))
    widget_attrs.setdefault("id", bound.auto_id)
    django = bound.field.widget.render(
        bound.html_name, bound.value(), attrs=widget_attrs, renderer=DjangoTemplates()
    )
    assert str(ours) == str(django)
    assert "<select" in ours and ("&lt;Ltd&gt;" in ours or name != "flat")
