"""The import's recording as it was before the set-based path: `judgement_record` for each
matched inspection in turn. Kept for the tests only, which check the set-based path
(`providers.inspections.services.bulk`) leaves exactly what this did."""

from __future__ import annotations

from dataclasses import replace

from fps_portal.errors import InvalidInput
from fps_portal.scoping import dangerously_unscoped
from providers.inspections.bands import RULE_VERSION
from providers.inspections.models import CheckStatus, InspectionJudgement, JudgementSource
from providers.inspections.services import judgement_record
from providers.models import Setting
from quality.imports import running


def _bands(setting_ids: set[int]) -> dict[int, str]:
    return dict(
        dangerously_unscoped(Setting).filter(pk__in=setting_ids).values_list("pk", "current_band")
    )


def record_row_by_row(matched: list, report: running.Report) -> None:  # type: ignore[type-arg]
    setting_ids = {m.setting_id for m in matched}
    settings = dangerously_unscoped(Setting).in_bulk(list(setting_ids))
    before = _bands(setting_ids)
    on_file = {
        (j.setting_id, j.framework, j.inspection_number): j
        for j in dangerously_unscoped(InspectionJudgement).filter(setting_id__in=setting_ids)
    }
    for item in matched:
        data = item.inspection.data
        key = (item.setting_id, data.framework, data.inspection_number)
        prior = on_file.get(key)
        if (
            prior is not None
            and prior.source == JudgementSource.OFSTED_FILE
            and prior.inspection_start_date == data.inspection_start_date
            and prior.publication_date == data.publication_date
            and prior.grades == dict(data.grades)
            and prior.category_of_concern == data.category_of_concern
            and prior.relates_to_current_urn == data.relates_to_current_urn
        ):
            if prior.check_status == CheckStatus.CONFIRMED and prior.rule_version == RULE_VERSION:
                report.inspections_unchanged += 1
                continue
            data = replace(data, source_reference=prior.source_reference)
        try:
            judgement, changed = judgement_record(
                actor=None, setting=settings[item.setting_id], data=data
            )
        except InvalidInput as exc:
            raise running._refusal(item, exc) from exc
        if not changed:
            report.inspections_unchanged += 1
        elif prior is not None:
            report.inspections_updated += 1
        else:
            report.inspections_new += 1
        if not judgement.relates_to_current_urn:
            report.predecessor_inspections += 1
        on_file[key] = judgement
    after = _bands(setting_ids)
    report.bands_changed = sum(1 for pk, band in after.items() if before.get(pk) != band)
