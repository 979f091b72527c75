"""The QA visit report as accessible PDFs (issue 14), rendered by a worker (`quality.visit_tasks`),
never in a request; the contracts app's pattern (`contracts.services.pdf_documents`): PDF/UA-1,
tagged, titled, in British English, with the page number and the service name in a running
footer, stored privately with its SHA-256, size and page count.

Two copies of each completed visit: the authority's full report, and the provider's copy
without the children's views (child-level detail stays with the placing authority). Rendering is
idempotent: a copy already stored is returned, never rendered again (one per visit and
audience), so a task run twice, or two at once, stores one PDF. Each download is audited.
"""

from __future__ import annotations

import functools
import hashlib
import logging

from celery import current_app
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string

from contracts.services.pdf_documents import SERVICE_NAME, render_html
from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record
from fps_portal.scoping import dangerously_unscoped
from quality.models import QaVisit, QaVisitReport, ReportAudience, VisitState

logger = logging.getLogger(__name__)

RENDER_VISIT_REPORT = "quality.render_visit_report"


def visit_report_html(visit: QaVisit, audience: str) -> str:
    provider_copy = audience == ReportAudience.PROVIDER
    setting = visit.setting
    return render_to_string(
        "quality/pdf/visit_report.html",
        {
            "title": f"QA visit report: {setting.name}, {visit.visit_date:%-d %B %Y}",
            "service_name": SERVICE_NAME,
            "visit": visit,
            "setting": setting,
            "findings": list(visit.findings.order_by("id")),
            # The provider's copy never carries the children's views.
            "children_views": "" if provider_copy else visit.children_views,
            "provider_copy": provider_copy,
        },
    )


def render_visit_report(*, visit_id: int, audience: str) -> QaVisitReport | None:
    """The stored copy for `audience`, else rendered and stored now; None for a visit not
    completed."""
    if audience not in ReportAudience.values:
        raise ValueError(f"A QA visit has no {audience} report")
    reports = dangerously_unscoped(QaVisitReport)
    existing = reports.filter(visit_id=visit_id, audience=audience).first()
    if existing is not None:
        return existing
    visit = (
        dangerously_unscoped(QaVisit)
        .select_related("setting__provider", "authority")
        .filter(pk=visit_id, state=VisitState.COMPLETED)
        .first()
    )
    if visit is None:
        return None
    rendered = render_html(visit_report_html(visit, audience))
    report = QaVisitReport(
        visit=visit,
        audience=audience,
        sha256=hashlib.sha256(rendered.pdf).hexdigest(),
        size_bytes=len(rendered.pdf),
        pages=rendered.pages,
    )
    report.file.save(f"qa-visit-{visit.pk}-{audience}.pdf", ContentFile(rendered.pdf), save=False)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        # A twin stored it first: drop this file, answer with the first.
        report.file.storage.delete(report.file.name)
        return reports.get(visit_id=visit_id, audience=audience)
    return report


def report_requested(visit: QaVisit) -> None:
    """Queue, on commit, both copies of a completed visit's report."""
    visit_id = visit.pk
    for audience in ReportAudience.values:
        transaction.on_commit(functools.partial(_queue, visit_id, audience))


def _queue(visit_id: int, audience: str) -> None:
    try:
        current_app.tasks[RENDER_VISIT_REPORT].delay(visit_id, audience)
    except Exception:
        if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
            raise
        logger.exception(
            "QA visit %s: its %s report is left for a later render", visit_id, audience
        )


@transaction.atomic
def report_downloaded(*, actor: Actor, report: QaVisitReport) -> None:
    audit_record(
        actor=actor,
        verb=AuditVerb.DOWNLOADED,
        obj=report,
        after={
            "audience": report.audience,
            "sha256": report.sha256,
            "size_bytes": report.size_bytes,
        },
        reason=f"QA visit report ({report.get_audience_display()}), SHA-256 {report.sha256}.",
    )
