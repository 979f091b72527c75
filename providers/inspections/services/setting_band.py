"""Each setting's band: the worst band among its current judgements, kept in the same
transaction as the judgement or check that changes it."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction

from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record, snapshot
from fps_portal.scoping import dangerously_unscoped
from providers.inspections.bands import BAND_SEVERITY, Band
from providers.inspections.frameworks import SHORT_FRAMEWORK
from providers.inspections.models import CheckStatus, InspectionJudgement
from providers.inspections.selectors import latest_confirmed_judgements
from providers.models import Setting


def band_summary(judgement: InspectionJudgement) -> str:
    """The deciding grade in the inspectorate's words: "Ofsted: Overall effectiveness: 2 (Good)"."""
    label = SHORT_FRAMEWORK.get(judgement.framework, judgement.get_framework_display())
    reasons = [str(r) for r in judgement.band_reasons][:2]
    text = f"{label}: {'; '.join(reasons)}" if reasons else label
    return text if len(text) <= 200 else text[:199] + "…"


BAND_FIELDS = ["current_band", "current_band_summary", "current_band_as_at"]
BAND_REASON = "Band recomputed from the latest judgement in each remit."


def band_of(
    judgements: Iterable[InspectionJudgement],
) -> tuple[str, str, datetime.date | None]:
    """(band, summary, as at) of a setting with these judgements: the worst band among the current
    ones (latest confirmed per remit), unknown with none. The one rule `setting_refresh_band` and
    the import's set-based recording (`bulk`) both apply."""
    current = latest_confirmed_judgements(
        [j for j in judgements if j.check_status == CheckStatus.CONFIRMED]
    )
    if not current:
        return Band.UNKNOWN, "", None
    worst = max(current, key=lambda j: (BAND_SEVERITY[j.band], j.inspection_start_date))
    return worst.band, band_summary(worst), worst.publication_date or worst.inspection_start_date


@transaction.atomic
def setting_refresh_band(*, setting: Setting, actor: Actor | None) -> Setting:
    """Sets the setting's band to the worst band among its current judgements (latest per remit)."""
    locked = dangerously_unscoped(Setting).select_for_update().get(pk=setting.pk)
    before = snapshot(locked, BAND_FIELDS)
    locked.current_band, locked.current_band_summary, locked.current_band_as_at = band_of(
        dangerously_unscoped(InspectionJudgement).filter(
            setting=locked, check_status=CheckStatus.CONFIRMED
        )
    )
    after = snapshot(locked, BAND_FIELDS)
    if after != before:
        locked.save(update_fields=BAND_FIELDS)
        audit_record(
            actor=actor,
            verb=AuditVerb.STATE_CHANGED,
            obj=locked,
            before=before,
            after=after,
            reason=BAND_REASON,
        )
    setting.current_band = locked.current_band
    setting.current_band_summary = locked.current_band_summary
    setting.current_band_as_at = locked.current_band_as_at
    return locked
