"""The IPA and the Order as accessible PDFs (issue 12): every §3.11 item in the PDF's text,
PDF/UA-1 tagging, rendered once by the worker (never in the request), stored privately with its
SHA-256, and a signed copy with a signatures page once both parties have signed."""

from __future__ import annotations

import hashlib
import re
from decimal import Decimal

import pytest

from contracts.models import RenderedPdf, RenderKind
from contracts.services.pdf_documents import order_html, render_html, render_version_pdf
from contracts.services.rendering import pdfs_missing_requested
from contracts.services.versions import version_new
from contracts.tasks import render_agreement_pdf, render_order_pdf
from contracts.terms import CARE_PLAN, STANDARD_DOCUMENTS, VARIATION_TEMPLATE, Terms
from tests.contracts.pdf_world import issued, reader, structure, table_cells, text_of
from tests.contracts.world import placed, ready_to_issue
from tests.referrals.awards.world import as_actor

pytestmark = pytest.mark.django_db

HEADINGS = (
    "1. Parties to the agreement",
    "2. Types of provision",
    "3. Purposes of the parties",
    "4. Dates of provision",
    "5. Key contacts",
    "6. Costs and payments",
    "7. Variation template",
    "8. Documents that make up the contract",
    "9. Signatories",
)


def test_the_ipa_pdf_has_every_item_of_3_11(django_capture_on_commit_callbacks):
    i = issued(django_capture_on_commit_callbacks)
    terms = Terms.from_json(i.version.terms)
    text = text_of(i.pdf())
    # The nine headings, in order.
    positions = [text.index(heading) for heading in HEADINGS]
    assert positions == sorted(positions)
    expected = [
        # 1. The parties: legal names, addresses, registration numbers; the child; the Order.
        "Sefton Metropolitan Borough Council",
        "Bootle Town Hall, Oriel Road",
        "L20 7AE",
        "Southport Learning Trust",
        "1 School Lane, Southport",
        "Companies House number: 07654321",
        terms.child_name,
        terms.case_number,
        "Procured under the North West SEND Flexible Purchasing System Agreement.",
        # 2. The types of provision and weeks per year.
        "Education, Residential care, Health and therapies",
        "Weeks per year 38",
        "Full-time day education with speech and language therapy.",
        # 3. The purposes of both parties.
        " ".join(terms.purposes["authority"].split()),
        " ".join(terms.purposes["provider"].split()),
        # 4. Dates and notice.
        "Start date " + _date(terms.start_date),
        "End date 20 July 2029",
        "8 weeks, by either party, in writing",
        # 5. Key contacts: caseworker, provider's contact, social worker, IRO.
        "SEND caseworker",
        "Provider's contact Jo Bursar jo.bursar@school.example 01512 000000",
        "Social worker Alex Social alex.social@sefton.example",
        "Independent Reviewing Officer Robin Review robin.iro@sefton.example",
        # 6. Costs: core fee, services with unit, rate and quantity, totals, funding shares,
        # child costs, payment terms, invoicing.
        "Agreed weekly core fee week £3,150.00 1 £3,150.00",
        "Speech and language therapy hour £65.00 2 £130.00",
        "One-to-one support hour £22.50 10 £225.00",
        "Total a week £3,505.00",
        "Total a year (38 weeks) £133,190.00",
        "Education Sefton Council (education) 60% £2,103.00",
        "Health NHS Cheshire and Merseyside ICB 40% £1,402.00",
        "Personal allowance £15.00 a week The placing authority",
        "School uniform £120.00 once The provider",
        "Paid monthly in arrears within 30 days of an undisputed invoice.",
        "Invoices to sendfinance@sefton.example quoting the Order number.",
        # 7. The variation template, every line.
        *VARIATION_TEMPLATE,
        # 8. The documents that make up the contract.
        *STANDARD_DOCUMENTS,
        CARE_PLAN,
        # 9. The signatories.
        "For the placing authority Sam Commissioner, Head of SEND",
        "For the provider Pat Head, Headteacher",
        # The version and its hash.
        i.version.content_sha256,
    ]
    missing = [item for item in expected if item not in text]
    assert missing == []
    for contact in terms.contacts:
        assert contact.role in text
        if contact.name:
            assert contact.name in text


def _date(value: object) -> str:
    from fps_portal.dates import govuk_date

    return govuk_date(value)  # type: ignore[arg-type]


def test_the_pdf_is_tagged_pdf_ua_1_titled_in_english(django_capture_on_commit_callbacks):
    i = issued(django_capture_on_commit_callbacks)
    pdf = reader(i.pdf())
    root = pdf.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert bool(root["/MarkInfo"]["/Marked"])
    assert root["/Lang"] == "en-GB"
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    title = f"Individual Placement Agreement {i.p.agreement.reference}, version 1"
    assert pdf.metadata is not None and pdf.metadata.title == title
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert re.search(r'pdfuaid:part="1"|<pdfuaid:part>1</pdfuaid:part>', xmp)
    assert title in xmp
    tags = [tag for tag, _ in structure(i.pdf())]
    for needed in ("/Document", "/H1", "/H2", "/H3", "/P", "/Table", "/TH", "/TD", "/Caption"):
        assert needed in tags, needed
    assert "/L" in tags and "/LI" in tags
    # Table headers are tied to their cells (PDF/UA-1 7.5): every header cell has an ID, and
    # every data cell names the header cells it falls under.
    cells = table_cells(i.pdf())
    ids = {str(cell["/ID"]) for tag, cell in cells if tag == "/TH"}
    assert ids and all("/ID" in cell for tag, cell in cells if tag == "/TH")
    data = [cell for tag, cell in cells if tag == "/TD"]
    assert data
    for cell in data:
        headers = {str(h) for h in cell["/A"]["/Headers"]}
        assert headers and headers <= ids
    # No picture at all, so no crown.
    assert b"/Subtype /Image" not in i.pdf().file.open("rb").read()


def test_the_reading_order_is_the_documents(django_capture_on_commit_callbacks):
    """The title first, then the nine sections' headings in order: the order a screen reader
    reads, from the structure tree."""
    i = issued(django_capture_on_commit_callbacks)
    tags = [tag for tag, _ in structure(i.pdf())]
    assert tags.index("/H1") < tags.index("/H2")
    assert tags.count("/H2") == len(HEADINGS)
    # Each table's header row comes before its body.
    assert tags.index("/THead") < tags.index("/TBody")


def test_every_page_has_its_number_and_the_service_name(django_capture_on_commit_callbacks):
    i = issued(django_capture_on_commit_callbacks)
    stored = i.pdf()
    pages = reader(stored).pages
    assert stored.pages == len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        words = " ".join((page.extract_text() or "").split())
        assert f"Page {number} of {len(pages)}" in words
        assert "North West SEND Placements" in words


def test_it_is_stored_privately_once_with_its_sha256(django_capture_on_commit_callbacks, settings):
    i = issued(django_capture_on_commit_callbacks)
    stored = i.pdf()
    data = stored.file.open("rb").read()
    assert data.startswith(b"%PDF-1.7")
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert stored.size_bytes == len(data)
    assert stored.file.path.startswith(str(settings.PRIVATE_MEDIA_ROOT))
    # The task again, directly or from the sweep, renders nothing new.
    assert render_agreement_pdf(i.version.pk, RenderKind.AGREEMENT) == stored.pk
    assert pdfs_missing_requested() == 0
    assert RenderedPdf.objects.filter(version=i.version).count() == 1
    # A draft has none; a version not signed by both has no signed copy.
    assert render_version_pdf(version_id=i.version.pk, kind=RenderKind.SIGNED_AGREEMENT) is None


def test_the_request_does_not_render(django_capture_on_commit_callbacks):
    p = placed()
    ready_to_issue(p)
    from contracts.services.versions import version_issue

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        version_issue(actor=as_actor(p.commissioner), version=p.draft)
    assert callbacks  # queued for after the commit
    assert not RenderedPdf.objects.exists()
    # The sweep finds what a lost task left (the Order and the issued version).
    with django_capture_on_commit_callbacks(execute=True):
        assert pdfs_missing_requested() == 2
    assert set(RenderedPdf.objects.values_list("kind", flat=True)) == {"order", "agreement"}
    assert pdfs_missing_requested() == 0


def test_a_signed_version_gets_a_signed_copy_with_a_signatures_page(
    django_capture_on_commit_callbacks,
):
    i = issued(django_capture_on_commit_callbacks, sign=True)
    first = i.pdf()
    signed = i.pdf(RenderKind.SIGNED_AGREEMENT)
    assert signed.sha256 != first.sha256
    assert i.pdf().pk == first.pk  # the issued PDF is not rendered again
    text = text_of(signed)
    signatures = text[text.index("Signatures Both parties signed") :]
    assert signatures.count(i.version.content_sha256) == 3  # the version's, and each signature's
    for name, role in (("Pat Head", "Headteacher"), ("Sam Commissioner", "Head of SEND")):
        assert f"Signed by {name} Signing as {role}" in signatures
    assert "For the provider: " in signatures and "For the placing authority: " in signatures
    assert signatures.count("Signed on ") == 2
    title = reader(signed).metadata.title
    expected = f"Individual Placement Agreement {i.p.agreement.reference}, version 1"
    assert title == f"Signed copy of the {expected}"


def test_a_variation_issued_at_once_is_rendered(django_capture_on_commit_callbacks):
    i = issued(django_capture_on_commit_callbacks, sign=True)
    terms = Terms.from_json(i.version.terms).with_changes(core_weekly_fee=Decimal("3300.00"))
    with django_capture_on_commit_callbacks(execute=True):
        second = version_new(
            actor=as_actor(i.p.commissioner),
            agreement=i.p.agreement,
            terms=terms,
            reason="Annual uplift.",
            effective_from=terms.start_date,
            issue=True,
        )
    pdf = RenderedPdf.objects.get(version=second, kind=RenderKind.AGREEMENT)
    assert "Agreed weekly core fee week £3,300.00" in text_of(pdf)
    assert "version 2" in text_of(pdf)


def test_the_order_pdf_says_it_is_procured_under_the_fps_agreement(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        p = placed()
    order = p.order
    stored = RenderedPdf.objects.get(order=order, kind=RenderKind.ORDER)
    assert render_order_pdf(order.pk) == stored.pk
    text = text_of(stored)
    for item in (
        f"Order {order.number}",
        f"Order number {order.number}",
        f"Placing authority {order.authority.name}",
        f"Provider {order.provider_name}",
        f"Setting {order.setting_name}",
        f"Referral {order.referral.reference}",
        "Route Open mini-competition",
        "Places 1",
        f"Agreed weekly price £{order.weekly_price:,.2f}",
        f"Start date {_date(order.start_date)}",
        "This requirement is procured under the North West SEND Flexible Purchasing System "
        "Agreement.",
        "North West SEND Placements",
        "Page 1 of 1",
    ):
        assert item in text, item
    root = reader(stored).trailer["/Root"]
    assert root["/Lang"] == "en-GB" and "/StructTreeRoot" in root


def test_a_spot_purchase_order_says_it_is_not_under_the_fps_agreement():
    p = placed()
    order = p.order
    order.under_fps_agreement = False
    order.route = "spot_purchase"
    text = " ".join(
        " ".join(
            page.extract_text() for page in reader(render_html(order_html(order)).pdf).pages
        ).split()
    )
    assert "Route Spot purchase outside the FPS" in text
    assert "it is not procured under the North West SEND Flexible Purchasing System" in text
    assert "This requirement is procured" not in text


def test_two_renders_at_once_store_one_pdf_and_leave_no_stray_file(
    django_capture_on_commit_callbacks, settings
):
    """The second render of a version loses at the unique constraint: it returns the first's
    PDF and deletes its own file."""
    from pathlib import Path

    from contracts.services import pdf_documents

    i = issued(django_capture_on_commit_callbacks)
    first = i.pdf()
    files_before = sorted(Path(settings.PRIVATE_MEDIA_ROOT).rglob("*.pdf"))
    html = pdf_documents.agreement_html(i.version, signed=False)
    again = pdf_documents._store(
        {"version": i.version, "kind": RenderKind.AGREEMENT},
        render_html(html),
        "racing.pdf",
    )
    assert again.pk == first.pk
    assert RenderedPdf.objects.filter(version=i.version).count() == 1
    assert sorted(Path(settings.PRIVATE_MEDIA_ROOT).rglob("*.pdf")) == files_before
