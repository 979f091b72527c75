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
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe


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

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        # A select of a thousand settings took Django's templates 90 ms (an include per option);
        # the same markup built here takes a millisecond. Only Django's own select template is
        # replaced, so a widget with a template of its own still renders through it.
        if template_name == _SELECT_TEMPLATE:
            return select_html(context["widget"])
        return super().render(template_name, context, request)


_SELECT_TEMPLATE = "django/forms/widgets/select.html"


def _attrs_html(attrs: dict[str, Any]) -> str:
    """What django/forms/widgets/attrs.html writes: False leaves a name out, True writes it
    bare, anything else as name="value", escaped."""
    return "".join(
        f" {name}" if value is True else f' {name}="{conditional_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def select_html(widget: dict[str, Any]) -> str:
    """The markup of django/forms/widgets/select.html and select_option.html, for one widget's
    template context (names, values and labels escaped as the templates escape them)."""
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs_html(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in options:
            parts.append(
                f'\n  <option value="{conditional_escape(option["value"])}"'
                f"{_attrs_html(option['attrs'])}>{conditional_escape(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))  # every part above is escaped
