"""The QA visit report's render task (issue 14), by name: the services queue it by name. Thin and
idempotent: run twice, or two at once, it stores one PDF per visit and audience."""

from __future__ import annotations

from celery import shared_task

from quality.services import visit_reports


@shared_task(name=visit_reports.RENDER_VISIT_REPORT, autoretry_for=(OSError,), max_retries=3)
def render_visit_report(visit_id: int, audience: str) -> int | None:
    report = visit_reports.render_visit_report(visit_id=visit_id, audience=audience)
    return report.pk if report is not None else None
