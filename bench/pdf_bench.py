"""The IPA's PDF at the size the region's agreements have: milliseconds per page, against a
one-page reference PDF rendered in the same run with the same stylesheet, footer and PDF/UA-1
tagging (`make bench` runs it after the lists).

The cases are the IPA a commissioner issues every week (a jointly funded placement with two
additional services, five contacts and a care plan) and a long one (a block purchase with
twenty-five service lines, twelve contacts and every child cost), each rendered as the worker
renders it: the shared terms partial, then WeasyPrint to PDF/UA-1. Each is rendered once to warm
the fonts, then ROUNDS times; the median is reported.

The targets (issue 12, "Scale"): per page, each IPA within 1.5 times the reference page, and
under 250 ms a page. No database is needed: the terms are the pure `contracts.terms` document.
"""

from __future__ import annotations

import datetime
import logging
import os
import statistics
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fps_portal.settings.test")

if TYPE_CHECKING:
    from contracts.terms import Terms

ROUNDS = 7
PER_PAGE_RATIO = 1.5
PER_PAGE_TARGET_MS = 250.0

#: One full page of the IPA's own components (a summary list, a table with header cells, prose),
#: in the same stylesheet, footer and tagging: what a page of an IPA costs when nothing breaks
#: across pages. A page is checked to be exactly one page.
REFERENCE = """{% extends "contracts/pdf/base.html" %}{% block content %}
<p class="document-caption">Order SEF-ORD-2027-0042 · Southport Learning School</p>
<h1>Reference page</h1>
<p>One page of the same document as an Individual Placement Agreement: the same stylesheet, the
running footer, and the tags, with the kinds of content an agreement holds.</p>
<h2>1. A summary list</h2>
<dl class="govuk-summary-list">
{% for n in rows %}<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Item
{{ n }}</dt><dd class="govuk-summary-list__value">Sefton Metropolitan Borough Council, Bootle Town
Hall, Oriel Road, L20 7AE</dd></div>{% endfor %}
</dl>
<h2>2. A table</h2>
<table><caption>Weekly fee and additional services</caption>
<thead><tr><th scope="col">Item</th><th scope="col">Unit</th>
<th scope="col" class="govuk-table__header--numeric">Rate</th>
<th scope="col" class="govuk-table__header--numeric">A week</th></tr></thead>
<tbody>{% for n in rows %}<tr><th scope="row">Therapy session {{ n }}</th><td>hour</td>
<td class="govuk-table__cell--numeric">£65.00</td>
<td class="govuk-table__cell--numeric">£130.00</td></tr>{% endfor %}</tbody></table>
<h2>3. Prose</h2>
{% for n in paragraphs %}<p>The provider delivers the provision described here, at the setting
named, to meet the needs and work towards the outcomes in the Education, Health and Care Plan,
and reports on progress as the FPS Agreement and the Service Specification require.</p>
{% endfor %}
{% endblock %}"""


def terms(*, long: bool) -> Terms:
    from contracts.terms import (
        CARE_PLAN,
        DEFAULT_PAYMENT_TERMS,
        DEFAULT_PURPOSES,
        STANDARD_DOCUMENTS,
        ChildCost,
        Contact,
        FundingShare,
        PartyDetails,
        Provision,
        Registration,
        ServiceLine,
        Signatory,
        Terms,
    )

    services = [
        ServiceLine("Speech and language therapy", "hour", Decimal("65.00"), Decimal("2")),
        ServiceLine("One-to-one support", "hour", Decimal("22.50"), Decimal("10")),
    ]
    contacts = [
        Contact("SEND caseworker", "Casey Worker", "casey.worker@sefton.example"),
        Contact("Provider's contact", "Jo Bursar", "jo.bursar@school.example", "01512 000000"),
        Contact("Parent or carer (mother)", "Pat Parent", "pat@home.example", "07700 900000"),
        Contact("Social worker", "Alex Social", "alex.social@sefton.example"),
        Contact("Independent Reviewing Officer", "Robin Review", "robin.iro@sefton.example"),
    ]
    costs = [ChildCost("Personal allowance", Decimal("15.00"), "week", "The placing authority")]
    if long:
        services += [
            ServiceLine(f"Therapy session {n}", "session", Decimal("48.00"), Decimal("1.5"))
            for n in range(23)
        ]
        contacts += [
            Contact(f"Key worker {n}", f"Worker {n}", f"worker{n}@school.example") for n in range(7)
        ]
        costs += [
            ChildCost(f"Equipment item {n}", Decimal("120.00"), "once", "The provider")
            for n in range(8)
        ]
    return Terms(
        order_number="SEF-ORD-2027-0042",
        reference="SEF-ORD-2027-0042-IPA",
        under_fps_agreement=True,
        route="Open mini-competition",
        child_name="" if long else "Zephyrine Quillfeather",
        child_date_of_birth="" if long else "2014-03-17",
        case_number="" if long else "ICS-7700000",
        places=6 if long else 1,
        authority=PartyDetails(
            "authority",
            "Sefton",
            "Sefton Metropolitan Borough Council",
            "Bootle Town Hall, Oriel Road",
            "L20 7AE",
            (Registration("ONS code", "E08000014"),),
        ),
        provider=PartyDetails(
            "provider",
            "Southport Learning",
            "Southport Learning Trust",
            "1 School Lane, Southport",
            "PR8 1AA",
            (Registration("Companies House number", "07654321"),),
        ),
        provision=Provision(
            education=True,
            residential_care=True,
            health_and_therapies=True,
            weeks_per_year=38,
            setting_name="Southport Learning School",
            setting_urn="900000",
            description="Full-time day education with speech and language therapy. " * 4,
        ),
        purposes=dict(DEFAULT_PURPOSES),
        start_date=datetime.date(2027, 1, 4),
        end_date=datetime.date(2029, 7, 20),
        notice_weeks=8,
        contacts=tuple(contacts),
        core_weekly_fee=Decimal("3150.00"),
        services=tuple(services),
        payment_terms=DEFAULT_PAYMENT_TERMS,
        invoicing="Invoices to sendfinance@sefton.example quoting the Order number.",
        child_costs=tuple(costs),
        funding=(
            FundingShare("education", "Sefton Council (education)", Decimal("60")),
            FundingShare("health", "NHS Cheshire and Merseyside ICB", Decimal("40")),
        ),
        documents=(*STANDARD_DOCUMENTS, CARE_PLAN),
        signatories=(
            Signatory("authority", "Sam Commissioner", "Head of SEND"),
            Signatory("provider", "Pat Head", "Headteacher"),
        ),
    )


def timed(renders: dict[str, Callable[[], int]]) -> dict[str, tuple[float, int]]:
    """Each render's median milliseconds over ROUNDS (after one to warm up) and its pages. The
    renders take turns within each round, so load from elsewhere on the machine falls on all of
    them alike."""
    pages = {label: render() for label, render in renders.items()}
    samples: dict[str, list[float]] = {label: [] for label in renders}
    for _ in range(ROUNDS):
        for label, render in renders.items():
            started = time.perf_counter()
            render()
            samples[label].append((time.perf_counter() - started) * 1000)
    return {label: (statistics.median(samples[label]), pages[label]) for label in renders}


def main() -> int:
    import django

    django.setup()
    # WeasyPrint logs each step of each render at INFO: the figures are what this prints.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    from django.template import engines
    from django.utils import timezone

    from contracts.models import Agreement, AgreementVersion, Order, VersionState
    from contracts.services.pdf_documents import SERVICE_NAME, agreement_html, render_html

    reference = engines["django"].from_string(REFERENCE)

    def render_reference() -> int:
        html = reference.render(
            {
                "title": "Reference page",
                "service_name": SERVICE_NAME,
                "rows": range(6),
                "paragraphs": range(2),
            }
        )
        return render_html(html).pages

    def ipa(long: bool) -> Callable[[], int]:
        order = Order(number="SEF-ORD-2027-0042")
        agreement = Agreement(order=order, reference="SEF-ORD-2027-0042-IPA")
        version = AgreementVersion(
            agreement=agreement,
            number=1,
            state=VersionState.ISSUED,
            terms=terms(long=long).to_json(),
            content_sha256="a" * 64,
            reason="The agreement as first drawn up from the award.",
            effective_from=datetime.date(2027, 1, 4),
            issued_at=timezone.now(),
        )

        def render() -> int:
            return render_html(agreement_html(version, signed=False)).pages

        return render

    cases = {"IPA, typical": ipa(False), "IPA, long block purchase": ipa(True)}
    results = timed({"reference": render_reference, **cases})
    reference_ms, reference_pages = results["reference"]
    if reference_pages != 1:
        print(f"The reference PDF has {reference_pages} pages, not 1")
        return 1
    print(f"PDF bench ({ROUNDS} rounds, median): reference page {reference_ms:.1f} ms")
    failures = []
    for label in cases:
        total_ms, pages = results[label]
        per_page = total_ms / pages
        ratio = per_page / reference_ms
        print(
            f"  {label}: {pages} pages, {total_ms:.1f} ms, {per_page:.1f} ms a page, "
            f"{ratio:.2f}x the reference page"
        )
        if ratio > PER_PAGE_RATIO:
            failures.append(f"{label}: {ratio:.2f}x the reference page > {PER_PAGE_RATIO}x")
        if per_page >= PER_PAGE_TARGET_MS:
            failures.append(f"{label}: {per_page:.1f} ms a page >= {PER_PAGE_TARGET_MS} ms")
    for failure in failures:
        print(f"MISSED: {failure}")
    if not failures:
        print(
            f"All within {PER_PAGE_RATIO}x the reference page and under "
            f"{PER_PAGE_TARGET_MS:.0f} ms a page."
        )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
