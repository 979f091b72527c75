"""`{% search_select form.field %}`: a search filter's drop-down, built in one pass.

The markup is exactly what `{% govuk_field %}` gives a select (form group, label, hint, error
message, aria-describedby, error classes), but the options are joined here instead of going
through Django's widget templates one option at a time: the search page shows several hundred
options with their counts on every request, and rendering them was most of its time.
"""

from __future__ import annotations

from django import template
from django.forms import BoundField
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def search_select(field: BoundField) -> SafeString:
    base_id = str(field.auto_id or field.html_name)
    hint = field.help_text
    hint_id = f"{base_id}-hint" if hint else ""
    errors = [str(e) for e in field.errors]
    error_id = f"{base_id}-error" if errors else ""
    described_by = " ".join(i for i in (hint_id, error_id) if i)
    value = field.value()
    current = "" if value is None else str(value)
    options = []
    found = False
    for option_value, option_label in field.field.choices:  # type: ignore[attr-defined]
        option_value = str(option_value)
        selected = not found and option_value == current
        found = found or selected
        options.append(
            f'<option value="{conditional_escape(option_value)}"{" selected" if selected else ""}>'
            f"{conditional_escape(option_label)}</option>"
        )
    optional = "" if field.field.required else " (optional)"
    parts = [
        format_html(
            '<div class="govuk-form-group{}">',
            " govuk-form-group--error" if errors else "",
        ),
        format_html(
            '<label class="govuk-label" for="{}">{}{}</label>', base_id, field.label, optional
        ),
    ]
    if hint:
        parts.append(format_html('<div id="{}" class="govuk-hint">{}</div>', hint_id, hint))
    if errors:
        parts.append(
            format_html(
                '<p id="{}" class="govuk-error-message">'
                '<span class="govuk-visually-hidden">Error:</span> {}</p>',
                error_id,
                mark_safe("<br>".join(conditional_escape(e) for e in errors)),
            )
        )
    parts.append(
        format_html(
            '<select name="{}" class="govuk-select{}"{}{} id="{}">',
            field.html_name,
            " govuk-select--error" if errors else "",
            format_html(' aria-describedby="{}"', described_by) if described_by else "",
            mark_safe(' aria-invalid="true"') if errors else "",
            base_id,
        )
    )
    parts.append(mark_safe("".join(options)))
    parts.append(mark_safe("</select></div>"))
    return mark_safe("".join(parts))
