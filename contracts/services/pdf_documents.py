"""The Order and each issued version of an IPA as accessible PDFs (issue 12), rendered by Celery
(`contracts.tasks`), never in a request.

WeasyPrint renders the same partial the page shows (`contracts/includes/ipa_terms.html`, and
`order_terms.html` for the Order) as PDF/UA-1: tagged (headings, lists, tables with header
cells, in reading order), titled (`<title>`, shown as the window title), in British English
(`lang="en-GB"`), with the page number and the service name in a running footer, and never the
crown. A version signed by both parties also gets a signed copy: the same terms, then a
signatures page with each party's signatory, the role they signed in, the time, and the SHA-256
of the version they signed.

Each PDF is stored privately with its SHA-256, size and page count. Rendering is idempotent: a
PDF already stored is returned, never rendered again (a unique constraint holds one of each kind
per version, one per Order), so a task run twice, or two at once, stores one PDF.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from weasyprint import HTML

from contracts.models import (
    AgreementVersion,
    Order,
    Party,
    RenderedPdf,
    RenderKind,
    VersionState,
)
from contracts.terms import VARIATION_TEMPLATE, Terms
from fps_portal.scoping import dangerously_unscoped
from referrals.models import Route

SERVICE_NAME = "North West SEND Placements"
PDF_VARIANT = "pdf/ua-1"
#: The states of a version that has a PDF: issued or later, never a draft. A withdrawn version
#: keeps the PDF it was issued with.
RENDERED_STATES = frozenset(
    {
        VersionState.ISSUED,
        VersionState.PROVIDER_SIGNED,
        VersionState.SIGNED,
        VersionState.WITHDRAWN,
    }
)
VERSION_KINDS = frozenset({RenderKind.AGREEMENT, RenderKind.SIGNED_AGREEMENT})


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    pages: int


def render_html(html: str) -> Rendered:
    """An HTML document as a PDF/UA-1 PDF, with its page count."""
    document = HTML(string=html).render(pdf_variant=PDF_VARIANT)
    pdf = document.write_pdf(pdf_variant=PDF_VARIANT)
    assert pdf is not None
    return Rendered(pdf=pdf, pages=len(document.pages))


def agreement_html(version: AgreementVersion, *, signed: bool) -> str:
    """The HTML the IPA's PDF is rendered from: the terms partial, and for the signed copy the
    signatures page."""
    agreement = version.agreement
    terms = Terms.from_json(version.terms)
    signatures = list(version.signatures.order_by("signed_at")) if signed else []
    title = f"Individual Placement Agreement {agreement.reference}, version {version.number}"
    if signed:
        title = f"Signed copy of the {title}"
    return render_to_string(
        "contracts/pdf/agreement.html",
        {
            "title": title,
            "service_name": SERVICE_NAME,
            "agreement": agreement,
            "version": version,
            "terms": terms,
            "variation_template": VARIATION_TEMPLATE,
            "signed": signed,
            "signatures": signatures,
            "parties": {s.party: s for s in signatures},
            "authority_party": Party.AUTHORITY,
        },
    )


def order_context(order: Order) -> dict[str, Any]:
    """What the Order partial needs, for its page and its PDF."""
    labels = dict(Route.choices)
    return {"order": order, "route_label": labels.get(order.route, order.route)}


def order_html(order: Order) -> str:
    return render_to_string(
        "contracts/pdf/order.html",
        {"title": f"Order {order.number}", "service_name": SERVICE_NAME, **order_context(order)},
    )


def render_version_pdf(*, version_id: int, kind: str) -> RenderedPdf | None:
    """The PDF of `kind` (the IPA as issued, or the signed copy) of a version: the stored one if
    there is one, else rendered and stored now. None for a version that has none (a draft, or a
    signed copy of a version not signed by both)."""
    if kind not in VERSION_KINDS:
        raise ValueError(f"A version has no {kind} PDF")
    existing = dangerously_unscoped(RenderedPdf).filter(version_id=version_id, kind=kind).first()
    if existing is not None:
        return existing
    version = (
        dangerously_unscoped(AgreementVersion)
        .select_related("agreement__order", "agreement__authority", "agreement__provider")
        .filter(pk=version_id)
        .first()
    )
    if version is None or version.state not in RENDERED_STATES:
        return None
    signed = kind == RenderKind.SIGNED_AGREEMENT
    if signed and version.state != VersionState.SIGNED:
        return None
    rendered = render_html(agreement_html(version, signed=signed))
    label = "signed-" if signed else ""
    return _store(
        {"version": version, "kind": kind},
        rendered,
        f"{version.agreement.reference}-v{version.number}-{label}ipa.pdf",
    )


def render_order_pdf(*, order_id: int) -> RenderedPdf | None:
    existing = (
        dangerously_unscoped(RenderedPdf).filter(order_id=order_id, kind=RenderKind.ORDER).first()
    )
    if existing is not None:
        return existing
    order = (
        dangerously_unscoped(Order)
        .select_related("authority", "provider", "setting", "referral")
        .filter(pk=order_id)
        .first()
    )
    if order is None:
        return None
    rendered = render_html(order_html(order))
    return _store({"order": order, "kind": RenderKind.ORDER}, rendered, f"{order.number}.pdf")


def _store(owner: dict[str, Any], rendered: Rendered, filename: str) -> RenderedPdf:
    """Store the PDF once. A second render racing the first loses at the unique constraint, drops
    its file and returns the first's."""
    pdf = RenderedPdf(
        **owner,
        sha256=hashlib.sha256(rendered.pdf).hexdigest(),
        size_bytes=len(rendered.pdf),
        pages=rendered.pages,
    )
    pdf.file.save(filename, ContentFile(rendered.pdf), save=False)
    try:
        with transaction.atomic():
            pdf.save()
    except IntegrityError:
        pdf.file.storage.delete(pdf.file.name)
        return dangerously_unscoped(RenderedPdf).get(**owner)
    return pdf
