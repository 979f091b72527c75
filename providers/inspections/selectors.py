"""Reads of inspection judgements: the lead authority's queue of reports to check, which
judgements are current, a judgement's grades as a person reads them and where its regulator
publishes the report."""

from __future__ import annotations

from django.db.models import QuerySet

from fps_portal.actors import Actor
from fps_portal.scoping import scoped
from providers.inspections.frameworks import FRAMEWORK_SPEC, REGULATOR, published_report_url
from providers.inspections.models import CheckStatus, InspectionJudgement
from providers.inspections.permissions import can_check_judgement


def judgements_awaiting_check(actor: Actor) -> QuerySet[InspectionJudgement]:
    """Provider reports the actor may check, oldest first (none for anyone who may not check)."""
    if not can_check_judgement(actor):
        return InspectionJudgement.objects.none()
    return (
        scoped(InspectionJudgement, actor)
        .filter(check_status=CheckStatus.AWAITING_CHECK)
        .select_related("setting", "setting__provider", "recorded_by")
        .order_by("recorded_at", "id")
    )


def with_published_report(judgement: InspectionJudgement) -> InspectionJudgement:
    """Sets `report_url` (the regulator's page of the setting's reports, by URN, or "") and
    `regulator` (who publishes it) on the judgement, for the checking pages. The setting must be
    loaded with it (`select_related("setting")`), so this runs no query."""
    regulator = REGULATOR.get(judgement.framework)
    judgement.regulator = regulator.name if regulator else "the inspectorate"  # type: ignore[attr-defined]
    judgement.report_url = published_report_url(judgement.framework, judgement.setting.urn)  # type: ignore[attr-defined]
    return judgement


def latest_confirmed_judgements(judgements: list[InspectionJudgement]) -> list[InspectionJudgement]:
    """The latest confirmed judgement per remit about the current school. A provider's report
    awaiting check (or rejected) is never current, whatever its date: that is what stops an
    invented later inspection from moving the band. Nor is a predecessor school's inspection
    ("relates to the URN of the current school? No"): it is kept and shown, but it is another
    school's, so a setting with only that has no current judgement (unknown: a person reviews)."""
    latest: dict[str, InspectionJudgement] = {}
    for j in sorted(
        (
            j
            for j in judgements
            if j.check_status == CheckStatus.CONFIRMED and j.relates_to_current_urn
        ),
        key=lambda j: (
            j.relates_to_current_urn,
            j.inspection_start_date,
            j.publication_date or j.inspection_start_date,
            j.pk,
        ),
        reverse=True,
    ):
        latest.setdefault(j.remit, j)
    return list(latest.values())


def grade_rows(judgement: InspectionJudgement) -> list[tuple[str, str]]:
    """(area label, grade as published) in the report's order, for display.

    A grade published as a number carries its meaning, "3 (Requires improvement)": a parent or
    a commissioner should not need to know Ofsted's scale to read it.
    """
    areas = {a.key: a for a in FRAMEWORK_SPEC.get(judgement.framework, ())}

    def shown(key: str) -> str:
        grade = str(judgement.grades[key])
        meaning = areas[key].scale.meanings.get(grade) if key in areas else None
        return f"{grade} ({meaning})" if meaning and meaning != grade else grade

    rows = [(areas[k].label, shown(k)) for k in areas if k in judgement.grades]
    return rows + [(k, str(v)) for k, v in judgement.grades.items() if k not in areas]
