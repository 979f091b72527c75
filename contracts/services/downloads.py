"""Downloads of the PDFs of Orders and IPAs, each audited (issue 12): a DOWNLOADED row naming the
PDF and its SHA-256, and for an IPA also the view of the child's record it is
(`contracts.services.reading.agreement_viewed`: the IPA names the child)."""

from __future__ import annotations

from django.db import transaction

from contracts.models import Agreement, RenderedPdf
from contracts.services.reading import agreement_viewed
from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record


@transaction.atomic
def pdf_downloaded(*, actor: Actor, pdf: RenderedPdf, agreement: Agreement | None) -> None:
    what = f"{pdf.get_kind_display()} PDF"
    if agreement is not None:
        agreement_viewed(actor=actor, agreement=agreement, how=f"{what} downloaded")
    audit_record(
        actor=actor,
        verb=AuditVerb.DOWNLOADED,
        obj=pdf,
        after={"kind": pdf.kind, "sha256": pdf.sha256, "size_bytes": pdf.size_bytes},
        reason=f"{what}, SHA-256 {pdf.sha256}.",
    )
