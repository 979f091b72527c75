"""Every write to inspection judgements: recording one (`recording`), many at once for the Ofsted
import (`bulk`), the lead authority's check of a provider's report (`checks`) and the setting's
band that all keep current (`setting_band`).

The rest of `providers` (and the apps above it) import these names from here, never from the
modules, so the modules can change shape behind them (ADR 0013).
"""

from providers.inspections.services.bulk import (
    BulkItem,
    BulkRecorded,
    BulkRefused,
    Outcome,
    judgements_record_many,
)
from providers.inspections.services.checks import (
    OUTCOME_MISSING,
    REASON_MISSING,
    judgement_check,
)
from providers.inspections.services.hooks import JudgementConfirmed, band_result_of
from providers.inspections.services.recording import (
    FRAMEWORK_MISSING,
    JUDGEMENT_FIELDS,
    REMIT_MISSING,
    JudgementData,
    already_recorded_message,
    judgement_problems,
    judgement_record,
)
from providers.inspections.services.setting_band import (
    band_of,
    band_summary,
    setting_refresh_band,
)

__all__ = [
    "FRAMEWORK_MISSING",
    "JUDGEMENT_FIELDS",
    "OUTCOME_MISSING",
    "REASON_MISSING",
    "REMIT_MISSING",
    "BulkItem",
    "BulkRecorded",
    "BulkRefused",
    "JudgementConfirmed",
    "JudgementData",
    "Outcome",
    "already_recorded_message",
    "band_of",
    "band_result_of",
    "band_summary",
    "judgement_check",
    "judgement_problems",
    "judgement_record",
    "judgements_record_many",
    "setting_refresh_band",
]
