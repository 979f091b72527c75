"""The form renderer of every form in the service (`FORM_RENDERER`): GOV.UK's way with limits.

A text limit is the server's to enforce, with the GOV.UK message "<Field> must be N characters or
fewer.". The browser's `maxlength` would cut a pasted answer silently at the limit, so the person
never learns that the end of what they typed was lost; the Design System says not to use it
(https://design-system.service.gov.uk/components/text-input/#avoid-limiting-the-length-of-input).

Both are done here, once for every form, through the bound field Django 5.2 lets a renderer
choose (`bound_field_class`): a field's own "max_length" message, where a form gives one, wins.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates


def too_long_message(label: object, limit: int) -> str:
    return f"{label} must be {limit} characters or fewer."


class GovukBoundField(BoundField):
    def __init__(self, form: forms.BaseForm, field: forms.Field, name: str) -> None:
        super().__init__(form, field, name)
        limit = getattr(field, "max_length", None)
        # form.fields are the form's own deep copies, error_messages included, so this changes
        # nothing another form sees; bound fields are made before cleaning (_clean_fields). A
        # CharField has no default "max_length" message (its validator carries Django's), so one
        # found here was given by the form; a FileField's default one is about the file's name.
        if isinstance(limit, int) and "max_length" not in field.error_messages:
            label = str(self.label).rstrip("?:").strip() or name
            field.error_messages["max_length"] = too_long_message(label, limit)

    def build_widget_attrs(
        self, attrs: dict[str, Any], widget: forms.Widget | None = None
    ) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        # False leaves the attribute out (django/forms/widgets/attrs.html), overriding the
        # `maxlength` Field.widget_attrs put on the widget.
        attrs["maxlength"] = False
        return attrs


class GovukFormRenderer(DjangoTemplates):
    bound_field_class = GovukBoundField
