"""What happens outside this package when a judgement starts to count: each handler named in
`settings.JUDGEMENT_CONFIRMED_HANDLERS` runs inside the recording's (or the check's) transaction,
the pattern of ADR 0017. A handler is given every event of the recording at once, a list: one
from a page, the API or a check, and each wave of the Ofsted import's (`bulk`) in one call, so a
handler can do in a few queries what would otherwise cost some for each event.

`providers.inspections` is a leaf that nothing above may be imported into, yet a confirmed
judgement that lowers a band must reach the people who act on it (the `quality` app's rating
alerts). A signal would hide who acts; the setting names them in one place, they run in order,
and a handler that raises rolls the judgement back with it.

The event is raised only when a confirmed judgement is new or changed (`judgement_record`), or
when a provider's report is confirmed (`judgement_check`): recording the same inspection again
changes nothing and raises nothing, so a re-imported file alerts nobody.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.module_loading import import_string

from fps_portal.actors import Actor
from fps_portal.scoping import dangerously_unscoped
from providers.inspections.bands import Band, BandResult, derive_band
from providers.inspections.models import CheckStatus, InspectionJudgement
from providers.inspections.selectors import latest_confirmed_judgements


@dataclass(frozen=True)
class JudgementConfirmed:
    """A judgement that counts towards its setting's band was recorded, corrected or confirmed.

    `previous` is the band of the setting's current judgement in the same remit before this one
    (None when there was none); the grades are as published, for `is_alert_worthy`."""

    judgement_id: int
    setting_id: int
    previous: BandResult | None
    current: BandResult
    previous_grades: Mapping[str, str] | None
    current_grades: Mapping[str, str]
    relates_to_current_urn: bool
    actor: Actor | None = field(compare=False)
    previous_judgement_id: int | None = None


@dataclass(frozen=True)
class CurrentInRemit:
    """The setting's current judgement in one remit before a change, as the event will report
    it: read before the change, since the change may rewrite that very row."""

    judgement_id: int | None
    band: BandResult | None
    grades: Mapping[str, str] | None


def band_result_of(judgement: InspectionJudgement) -> BandResult:
    """The stored band of a judgement as a BandResult. Whether safeguarding was not met is a fact
    of the grades, not of the policy, so it is read from them."""
    derived = derive_band(
        judgement.framework,
        judgement.grades,
        category_of_concern=judgement.category_of_concern,
    )
    return BandResult(
        band=Band(judgement.band),
        reasons=tuple(str(r) for r in judgement.band_reasons),
        rule_version=judgement.rule_version,
        category_of_concern=judgement.category_of_concern,
        safeguarding_not_met=derived.safeguarding_not_met,
    )


def current_in_remit(*, setting_id: int, remit: str) -> CurrentInRemit:
    """The setting's current confirmed judgement in `remit`, read now (the caller holds the
    setting's lock)."""
    rows = list(
        dangerously_unscoped(InspectionJudgement).filter(
            setting_id=setting_id, remit=remit, check_status=CheckStatus.CONFIRMED
        )
    )
    latest = latest_confirmed_judgements(rows)
    if not latest:
        return CurrentInRemit(judgement_id=None, band=None, grades=None)
    judgement = latest[0]
    return CurrentInRemit(
        judgement_id=judgement.pk,
        band=band_result_of(judgement),
        grades=dict(judgement.grades),
    )


def confirmed_event(
    *, judgement: InspectionJudgement, before: CurrentInRemit, actor: Actor | None
) -> JudgementConfirmed:
    return JudgementConfirmed(
        judgement_id=judgement.pk,
        setting_id=judgement.setting_id,
        previous=before.band,
        current=band_result_of(judgement),
        previous_grades=before.grades,
        current_grades=dict(judgement.grades),
        relates_to_current_urn=judgement.relates_to_current_urn,
        actor=actor,
        previous_judgement_id=before.judgement_id,
    )


def run_confirmed_handlers(events: Sequence[JudgementConfirmed]) -> None:
    """Each handler, in the order named, called once with all the events (in the order of the
    changes they describe); none is called when there are none."""
    if not events:
        return
    for path in settings.JUDGEMENT_CONFIRMED_HANDLERS:
        import_string(path)(list(events))
