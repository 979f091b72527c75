"""The contracts app's Celery tasks (issue 12). Each is thin and idempotent: run twice, or two at
once, it changes nothing twice (the services work under row locks with the state re-checked, and
notifications are keyed per event)."""

from __future__ import annotations

from celery import shared_task

from contracts.services import beat, pdf_documents, rendering, weekly_costs


@shared_task(name="contracts.render_agreement_pdf", autoretry_for=(OSError,), max_retries=3)
def render_agreement_pdf(version_id: int, kind: str) -> int | None:
    """Render and store a version's PDF (the IPA as issued, or the signed copy) once."""
    pdf = pdf_documents.render_version_pdf(version_id=version_id, kind=kind)
    return pdf.pk if pdf is not None else None


@shared_task(name="contracts.render_order_pdf", autoretry_for=(OSError,), max_retries=3)
def render_order_pdf(order_id: int) -> int | None:
    """Render and store an Order's PDF once."""
    pdf = pdf_documents.render_order_pdf(order_id=order_id)
    return pdf.pk if pdf is not None else None


@shared_task(name="contracts.render_missing_pdfs")
def render_missing_pdfs() -> int:
    """Sweep for PDFs whose task was lost (the broker was down at commit, say): queue each."""
    return rendering.pdfs_missing_requested()


@shared_task(name="contracts.activate_started_agreements")
def activate_started_agreements() -> int:
    return beat.activate_started_agreements()


@shared_task(name="contracts.remind_unsigned_agreements")
def remind_unsigned_agreements() -> int:
    return beat.remind_unsigned_agreements()


@shared_task(name="contracts.refresh_weekly_costs")
def refresh_weekly_costs() -> int:
    """Each agreement's weekly cost in force today on its row, worked out again where a later
    fee period's start has arrived (the placements list and its totals read it)."""
    return weekly_costs.refresh_due_weekly_costs()
