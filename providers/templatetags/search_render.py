"""The search page's heaviest markup, built in one pass in Python.

- `{% search_select form.field %}`: a filter's drop-down, exactly the markup `{% govuk_field %}`
  gives a select (form group, label, hint, error message, aria-describedby, error classes), but
  the options are joined here instead of going through Django's widget templates one at a time;
- `{% search_rows page.rows criteria %}`: the results table's rows.

The page shows several hundred options with their counts and fifty rows of a dozen facts on every
request; through the template engine they were most of its time.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import Any
from urllib.parse import urlencode

from django import template
from django.forms import BoundField
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from fps_portal.dates import govuk_date
from fps_portal.templatetags.govuk import govuk_tag_class
from providers.inspections.bands import Band
from providers.models import Gender, Setting
from providers.postcodes import approximate_distance
from providers.selectors.search.query import prefetched_specialisms

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
        options.append(  # html.escape: django.utils.html.escape without its lazy-string check
            f'<option value="{escape(option_value)}"{" selected" if selected else ""}>'
            f"{escape(str(option_label))}</option>"
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


NUMERIC = '<td class="govuk-table__cell govuk-table__cell--numeric">'
BAND_LABELS = dict(Band.choices)
GENDER_LABELS = dict(Gender.choices)


INSURANCE_EXPIRED_TAG = '<br><strong class="govuk-tag govuk-tag--red">Insurance expired</strong>'


def _row(s: Setting, with_distance: bool, detail_url: str, back: str) -> str:
    # Plain f-strings with html.escape (what django.utils.html.escape does) on every value that
    # comes from the database; format_html's lazy-string checks cost more than the row itself.
    host = s.host_authority
    where = f"{s.provider.name}; {s.town or s.postcode_district}"
    if host is not None:
        where += f" ({host.name})"
    cells = [
        f'<td class="govuk-table__cell"><a class="govuk-link" href="{detail_url}{s.pk}/{back}">'
        f'{escape(s.name)}</a><br><span class="govuk-body-s">{escape(where)}</span></td>'
    ]
    if with_distance:
        cells.append(f"{NUMERIC}{approximate_distance(getattr(s, 'distance', None))}</td>")
    price = getattr(s, "lot_price", None)
    if price is not None:
        code = escape(str(getattr(s, "lot_code", None)))
        # The approved price; a change the lead authority has not accepted is only flagged.
        pending = "; change pending" if s.price_change_pending else ""
        cells.append(
            f'{NUMERIC}£{price:,.2f}<br><span class="govuk-body-s">lot {code}{pending}</span></td>'
        )
    else:
        cells.append(f"{NUMERIC}no price</td>")
    as_at = s.current_band_as_at
    band = s.current_band
    cells.append(
        f'<td class="govuk-table__cell"><strong class="govuk-tag {govuk_tag_class(band)}">'
        f"{escape(str(BAND_LABELS.get(band, band)))}</strong><br>"
        f'<span class="govuk-body-s">{escape(s.current_band_summary or "No judgement recorded")}'
        f"{', ' + govuk_date(as_at) if as_at else ''}</span>{_under_review(s)}"
        # Kept by quality.services.expiry until the lead authority accepts a renewal.
        f"{INSURANCE_EXPIRED_TAG if s.insurance_expired else ''}</td>"
    )
    offers = " and ".join(
        kind for kind, on in (("day", s.offers_day), ("residential", s.offers_residential)) if on
    )
    gender = escape(str(GENDER_LABELS.get(s.gender, s.gender)).lower())
    cells.append(
        f'<td class="govuk-table__cell">{s.age_range}, {gender}<br>'
        f'<span class="govuk-body-s">{offers}</span></td>'
    )
    areas = "; ".join(escape(sp.name) for sp in prefetched_specialisms(s)) or "None given"
    cells.append(f'<td class="govuk-table__cell">{areas}</td>')
    cells.append(f"{NUMERIC}{s.vacancies} of {s.capacity}</td>")
    return f'<tr class="govuk-table__row">{"".join(cells)}</tr>'


@register.simple_tag
def search_rows(rows: Iterable[Setting], criteria: Any, search_query: str = "") -> SafeString:
    """The results table's rows; the distance column only when the search has a location.

    Each setting's link carries the search (`search_query`, the page's own query string) so the
    setting's back link returns to these results, on this page of them.
    """
    with_distance = bool(criteria is not None and criteria.location)
    # The detail URL's prefix, reversed once: "/settings/<pk>/".
    detail_url = reverse("providers:setting-detail", args=[0])[: -len("0/")]
    back = escape(f"?{urlencode({'from': search_query})}") if search_query else ""
    return mark_safe("".join(_row(s, with_distance, detail_url, back) for s in rows))


register.filter("approximate_distance", approximate_distance)


@register.filter
def page_count(page: Any, total: int | None) -> int:
    """How many pages of `page.size` rows the `total` results make."""
    size = getattr(page, "size", 0) or 0
    return -(-int(total or 0) // size) if size else 1


def _under_review(s: Setting) -> str:
    """A fail band the lead authority has still to decide on (the quality app's rating alerts)."""
    if s.under_review_since is None:
        return ""
    return (
        '<br><strong class="govuk-tag govuk-tag--red">Under review</strong> '
        f'<span class="govuk-body-s">since {govuk_date(s.under_review_since)}</span>'
    )
