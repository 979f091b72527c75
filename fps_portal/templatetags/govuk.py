"""GOV.UK Design System markup for Django forms, buttons and tags.

Usage::

    {% load govuk %}
    {% include "includes/error_summary.html" %}
    <form method="post" novalidate>
      {% csrf_token %}
      {% govuk_field form.email autocomplete="email" width="govuk-!-width-two-thirds" %}
      {% govuk_field form.reasons label_class="govuk-label--m" %}
      {% govuk_button "Continue" %}
    </form>
    <strong class="govuk-tag {{ band|govuk_tag_class }}">{{ band_label }}</strong>

Conventions, following the Design System rather than Django's defaults:

- required fields are not marked; optional ones get "(optional)" after the label;
- each field's hint (from ``help_text``) and error message have the ids
  ``<id>-hint`` and ``<id>-error``, both named in ``aria-describedby``;
- the error summary links to the first control of a field, so ``#id_<name>``
  for most fields and ``#id_<name>_0`` for radios and checkboxes;
- dates are three boxes (day, month, year) in a fieldset, the GOV.UK date input
  (``fps_portal.date_input``), never the browser's ``type="date"`` picker; the
  error summary links to the day box;
- ``type="number"`` is not used: number fields render as text inputs with an
  ``inputmode`` (https://design-system.service.gov.uk/components/text-input/);
- password fields get the Design System's "Show" toggle (password-input);
- ``autofocus`` is removed, because moving focus on load skips the page's
  heading and context for screen reader users.

All text is escaped by the templates under ``templates/govuk/fields/``.
"""

from __future__ import annotations

import copy
import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, TypedDict

from django import forms, template
from django.forms.boundfield import BoundField
from django.forms.utils import flatatt
from django.forms.widgets import Input
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import SafeString

from fps_portal import dates
from fps_portal.date_input import DATE_EXAMPLE, PART_WIDTHS, TIME_EXAMPLE, DateInputWidget
from fps_portal.text import possessive

register = template.Library()

#: Inspection band -> GOV.UK tag colour. Colour is never the only signal: the
#: tag must still say the band in words.
BAND_TAG_CLASSES: dict[str, str] = {
    "pass": "govuk-tag--green",
    "concern": "govuk-tag--yellow",
    "fail": "govuk-tag--red",
    "unknown": "govuk-tag--grey",
}

# Class for the control itself, by kind, and its error modifier.
_CONTROL_CLASSES: dict[str, tuple[str, str]] = {
    "input": ("govuk-input", "govuk-input--error"),
    "number": ("govuk-input", "govuk-input--error"),
    "password": (
        "govuk-input govuk-password-input__input govuk-js-password-input-input",
        "govuk-input--error",
    ),
    "textarea": ("govuk-textarea", "govuk-textarea--error"),
    "select": ("govuk-select", "govuk-select--error"),
    "file": ("govuk-file-upload", "govuk-file-upload--error"),
    "checkbox": ("govuk-checkboxes__input", ""),
    "other": ("", ""),
}


class ErrorItem(TypedDict):
    """One line of the error summary; ``href`` is empty when nothing can be focused."""

    text: str
    href: str


class ChoiceItem(TypedDict):
    """One radio or checkbox of a fieldset; ``attrs`` is already escaped."""

    id: str
    label: str
    attrs: SafeString


def _kind(widget: forms.Widget) -> str:
    # Order matters: CheckboxSelectMultiple subclasses RadioSelect, every
    # *Input subclasses Input, and SelectMultiple subclasses Select.
    if widget.is_hidden:
        return "hidden"
    if isinstance(widget, DateInputWidget):
        return "date_input"
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.FileInput):
        return "file"
    if isinstance(widget, forms.NumberInput):
        return "number"
    if isinstance(widget, forms.PasswordInput):
        return "password"
    if isinstance(widget, Input):
        return "input"
    return "other"


def _base_id(field: BoundField) -> str:
    return str(field.field.widget.attrs.get("id") or field.auto_id or field.html_name)


def _anchor_id(field: BoundField) -> str:
    """The id of the control the error summary should move focus to."""
    kind = _kind(field.field.widget)
    if kind in ("radios", "checkboxes"):
        return f"{_base_id(field)}_0"
    if kind == "date_input":
        return f"{_base_id(field)}_day"
    return str(field.id_for_label or _base_id(field))


def _join_classes(*classes: object) -> str:
    return " ".join(str(c) for c in classes if c)


def _legend_class(label_class: str) -> str:
    # Callers size labels and legends the same way ("govuk-label--m"); a
    # fieldset needs the legend's own modifier.
    return label_class.replace("govuk-label--", "govuk-fieldset__legend--")


def _render_control(
    field: BoundField, kind: str, *, attrs: dict[str, Any], input_type: str
) -> SafeString:
    widget = field.field.widget
    base_class, error_class = _CONTROL_CLASSES[kind]
    attrs["class"] = _join_classes(
        base_class, widget.attrs.get("class"), attrs.get("class"), field.errors and error_class
    )
    if not attrs["class"]:
        del attrs["class"]
    attrs["autofocus"] = False
    render_with: forms.Widget | None = None
    if kind == "number":
        number_widget = copy.deepcopy(widget)
        assert isinstance(number_widget, forms.NumberInput)
        number_widget.input_type = "text"
        decimal = isinstance(field.field, forms.DecimalField | forms.FloatField)
        attrs.setdefault("inputmode", "decimal" if decimal else "numeric")
        attrs.setdefault("spellcheck", "false")
        render_with = number_widget
    elif kind == "file" and isinstance(widget, forms.ClearableFileInput):
        # Django's ClearableFileInput adds its own "Currently / Clear" markup;
        # file.html renders those parts in GOV.UK style instead.
        render_with = forms.FileInput(attrs=dict(widget.attrs))
        render_with.allow_multiple_selected = widget.allow_multiple_selected
    elif input_type and kind == "input":
        typed_widget = copy.deepcopy(widget)
        assert isinstance(typed_widget, Input)
        typed_widget.input_type = input_type
        render_with = typed_widget
    return SafeString(field.as_widget(widget=render_with, attrs=attrs))


def _choice_items(field: BoundField, kind: str) -> list[ChoiceItem]:
    input_class = "govuk-checkboxes__input" if kind == "checkboxes" else "govuk-radios__input"
    input_type = "checkbox" if kind == "checkboxes" else "radio"
    items: list[ChoiceItem] = []
    for subwidget in field.subwidgets:
        data = subwidget.data
        option_attrs = {
            k: v for k, v in dict(data.get("attrs") or {}).items() if k not in ("class", "type")
        }
        option_id = str(option_attrs.pop("id", "") or f"{_base_id(field)}_{data['index']}")
        # The fieldset carries aria-describedby for the group; repeating it on
        # every option would make screen readers read it once per option.
        option_attrs.pop("aria-describedby", None)
        option_attrs.pop("autofocus", None)
        value = data["value"]
        items.append(
            {
                "id": option_id,
                "label": str(data["label"]),
                "attrs": flatatt(
                    {
                        "class": input_class,
                        "id": option_id,
                        "name": data["name"],
                        "type": input_type,
                        "value": "" if value is None else str(value),
                        **option_attrs,
                    }
                ),
            }
        )
    return items


class DateItem(TypedDict):
    """One box of a date input."""

    id: str
    name: str
    part: str
    label: str
    value: str
    width: int
    error: bool
    inputmode: str


def _date_hint(help_text: str, widget: forms.Widget) -> str:
    # The component's guidance: always show an example date, in the format people type.
    assert isinstance(widget, DateInputWidget)
    examples = [DATE_EXAMPLE, TIME_EXAMPLE] if widget.with_time else [DATE_EXAMPLE]
    return " ".join([help_text, *examples] if help_text else examples)


def _date_items(field: BoundField) -> list[DateItem]:
    widget = field.field.widget
    assert isinstance(widget, DateInputWidget)
    value = field.value()
    values = value if isinstance(value, list | tuple) else widget.decompress(value)
    at_fault = set(getattr(field.field, "error_parts", ()) or ()) if field.errors else set()
    if field.errors and not at_fault:
        at_fault = set(widget.parts)  # an error the form or a service added: the whole date
    return [
        {
            "id": f"{_base_id(field)}_{part}",
            "name": f"{field.html_name}_{part}",
            "part": part,
            "label": part.capitalize(),
            "value": str(values[index] if index < len(values) else ""),
            "width": PART_WIDTHS[part],
            "error": part in at_fault,
            "inputmode": "" if part == "time" else "numeric",
        }
        for index, part in enumerate(widget.parts)
    ]


@register.simple_tag
def govuk_field(
    field: BoundField,
    *,
    label_class: str = "",
    width: str = "",
    is_page_heading: bool = False,
    label: str | None = None,
    hint: str | None = None,
    autocomplete: str | None = None,
    input_type: str = "",
    classes: str = "",
) -> SafeString:
    """Render a bound field as a GOV.UK form group chosen from its widget.

    ``label_class`` sizes the label (or legend), e.g. ``"govuk-label--m"``;
    ``width`` is a width class for inputs, e.g. ``"govuk-input--width-10"`` or
    ``"govuk-!-width-one-half"``; ``is_page_heading`` wraps the label or
    legend in the page's ``<h1>``. ``label`` and ``hint`` override the form's
    label and help_text; ``autocomplete`` and ``input_type`` (e.g. ``"email"``)
    override the widget's; ``classes`` adds classes to the control.
    """
    if not isinstance(field, BoundField):
        raise template.TemplateSyntaxError(
            f"govuk_field expects a bound form field, got {type(field).__name__}"
        )
    widget = field.field.widget
    kind = _kind(widget)
    if kind == "hidden":
        return SafeString(field.as_widget())

    base_id = _base_id(field)
    hint_text = field.help_text if hint is None else hint
    if kind == "date_input" and hint is None:
        hint_text = _date_hint(str(hint_text or ""), widget)
    hint_id = f"{base_id}-hint" if hint_text else ""
    error_id = f"{base_id}-error" if field.errors else ""
    described_by = _join_classes(widget.attrs.get("aria-describedby"), hint_id, error_id)

    if is_page_heading and not label_class:
        label_class = "govuk-label--l"
    label_text = str(field.label if label is None else label)
    optional = not field.field.required and kind != "checkbox"

    context: dict[str, Any] = {
        "field": field,
        "kind": kind,
        "id": base_id,
        "label": label_text,
        "optional": optional,
        "label_class": label_class,
        "legend_class": _legend_class(label_class),
        "is_page_heading": is_page_heading,
        "hint": hint_text,
        "hint_id": hint_id,
        "errors": [str(e) for e in field.errors],
        "error_id": error_id,
        "described_by": described_by,
    }

    if kind == "date_input":
        context["items"] = _date_items(field)
        return render_to_string("govuk/fields/date_input.html", context)

    if kind in ("radios", "checkboxes"):
        context["items"] = _choice_items(field, kind)
        context["module"] = "govuk-checkboxes" if kind == "checkboxes" else "govuk-radios"
        return render_to_string("govuk/fields/choices.html", context)

    attrs: dict[str, Any] = {"class": _join_classes(width, classes)}
    if described_by:
        attrs["aria-describedby"] = described_by
    if autocomplete is not None:
        attrs["autocomplete"] = autocomplete
    if kind == "password" or input_type == "email" or isinstance(widget, forms.EmailInput):
        # Browsers would otherwise "correct" email addresses and passwords.
        attrs.setdefault("spellcheck", "false")
        attrs.setdefault("autocapitalize", "none")
    context["control"] = _render_control(field, kind, attrs=attrs, input_type=input_type)

    if kind == "checkbox":
        return render_to_string("govuk/fields/checkbox.html", context)
    if kind == "password":
        return render_to_string("govuk/fields/password.html", context)
    if kind == "file":
        value = field.value()
        context["current_file"] = value if getattr(value, "url", None) else None
        if context["current_file"] and isinstance(widget, forms.ClearableFileInput):
            context["clear_name"] = widget.clear_checkbox_name(field.html_name)
            context["clear_id"] = widget.clear_checkbox_id(context["clear_name"])
            context["can_clear"] = not field.field.required
        return render_to_string("govuk/fields/file.html", context)
    return render_to_string("govuk/fields/input.html", context)


@register.simple_tag
def govuk_error_items(form: forms.BaseForm | None) -> list[ErrorItem]:
    """The error summary's lines for ``form``: non-field errors, then each field's.

    A non-field error links to the first visible field, so the summary still
    moves focus somewhere useful; errors on hidden fields have no link.
    """
    if not isinstance(form, forms.BaseForm) or not form.errors:
        return []
    visible = form.visible_fields()
    first_anchor = f"#{_anchor_id(visible[0])}" if visible else ""
    items: list[ErrorItem] = [
        {"text": str(error), "href": first_anchor} for error in form.non_field_errors()
    ]
    for field in form:
        href = "" if field.is_hidden else f"#{_anchor_id(field)}"
        items.extend({"text": str(error), "href": href} for error in field.errors)
    return items


@register.simple_tag
def govuk_button(
    text: str,
    *,
    href: str = "",
    classes: str = "",
    name: str = "",
    value: str = "",
    button_type: str = "submit",
    prevent_double_click: bool = False,
) -> SafeString:
    """A GOV.UK button, or a link styled as one when ``href`` is given.

    ``classes`` takes modifiers such as ``govuk-button--secondary`` or
    ``govuk-button--warning``.
    """
    css = _join_classes("govuk-button", classes)
    if href:
        return format_html(
            '<a href="{}" role="button" draggable="false" class="{}" '
            'data-module="govuk-button">{}</a>',
            href,
            css,
            text,
        )
    attrs = flatatt(
        {
            "type": button_type,
            "class": css,
            "name": name or None,
            "value": value or None,
            "data-module": "govuk-button",
            "data-prevent-double-click": "true" if prevent_double_click else None,
        }
    )
    return format_html("<button{}>{}</button>", attrs, text)


@register.filter(name="possessive")
def possessive_filter(name: object) -> str:
    """{{ provider.name|possessive }}: "Oak Trust's", "Mersey Vale Schools'"."""
    return possessive(name)


@register.filter
def govuk_tag_class(band: object) -> str:
    """Map an inspection band (pass/concern/fail/unknown) to a govuk-tag colour class."""
    key = str(band).strip().lower() if band not in (None, "") else "unknown"
    return BAND_TAG_CLASSES.get(key, BAND_TAG_CLASSES["unknown"])


@register.filter
def money(amount: object) -> str:
    """Pounds and pence as GOV.UK writes money: "£2,850.00". Blank for no amount."""
    if amount in (None, ""):
        return ""
    try:
        return f"£{Decimal(str(amount)):,.2f}"
    except InvalidOperation:
        return str(amount)


def _blank(value: str) -> str:
    # A variable a template cannot resolve reaches a filter as "" (string_if_invalid); like
    # Django's own |date, that reads as "no date". Any other string is a bug in the template.
    if value:
        raise TypeError(f"expected a date, time or datetime, got the string {value!r}")
    return ""


@register.filter(name="govuk_date")
def govuk_date_filter(value: datetime.date | str | None) -> str:
    """{{ judgement.publication_date|govuk_date }}: "1 December 2026"; blank for no date."""
    return _blank(value) if isinstance(value, str) else dates.govuk_date(value)


@register.filter(name="govuk_time")
def govuk_time_filter(value: datetime.datetime | datetime.time | str | None) -> str:
    """{{ question.due_at|govuk_time }}: "9:30am", "5pm", "midday"; blank for no time."""
    return _blank(value) if isinstance(value, str) else dates.govuk_time(value)


@register.filter(name="govuk_datetime")
def govuk_datetime_filter(value: datetime.date | str | None) -> str:
    """{{ window.closes_at|govuk_datetime }}: "1 December 2026 at 9:30am", in UK time."""
    return _blank(value) if isinstance(value, str) else dates.govuk_datetime(value)
