"""Recording inspection judgements and keeping each setting's band current.

`judgement_record` is the one way in, for a person at a page, the API and (later) the bulk import
of Ofsted's files: that import matches a setting by URN and calls it with the file's inspection
number, so running the same file twice changes nothing (idempotent on setting, framework and
inspection number). The setting's band is recomputed in the same transaction, under a row lock
on the setting, so two judgements recorded at once leave the band of both.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction

from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record, snapshot
from fps_portal.errors import InvalidInput, NotAllowed
from fps_portal.scoping import dangerously_unscoped
from providers.models import InspectionJudgement, JudgementSource, Setting
from providers.ratings import (
    BAND_SEVERITY,
    FRAMEWORK_REMIT,
    Band,
    Framework,
    Remit,
    derive_band,
    normalise_category,
    normalise_grades,
    validate_grades,
)

JUDGEMENT_FIELDS = [
    "framework",
    "remit",
    "inspection_number",
    "inspection_start_date",
    "publication_date",
    "grades",
    "category_of_concern",
    "relates_to_current_urn",
    "source",
    "source_reference",
    "band",
    "band_reasons",
    "rule_version",
]
SHORT_FRAMEWORK = {
    Framework.OFSTED_4POINT: "Ofsted",
    Framework.OFSTED_EIF_NO_HEADLINE: "Ofsted (no headline grade)",
    Framework.OFSTED_REPORT_CARD: "Ofsted report card",
    Framework.OFSTED_ISS: "Ofsted ISS",
    Framework.SCCIF: "Ofsted social care",
    Framework.ISI_2023: "ISI",
    Framework.ESTYN_2022: "Estyn",
    Framework.SCOTLAND_6POINT: "Scotland",
    Framework.CQC: "CQC",
}


@dataclass(frozen=True)
class JudgementData:
    framework: str
    inspection_start_date: datetime.date
    grades: Mapping[str, str]
    remit: str = ""
    inspection_number: str = ""
    publication_date: datetime.date | None = None
    category_of_concern: str = ""
    relates_to_current_urn: bool = True
    source: str = JudgementSource.MANUAL
    source_reference: str = ""


def can_record_judgement(actor: Actor | None, setting: Setting) -> bool:
    """The lead authority's evaluators, who check judgements, and the setting's own provider."""
    if actor is None:
        return False
    return actor.is_lead_evaluator or (
        actor.is_provider and actor.organisation_id == setting.provider_id
    )


def _validated(data: JudgementData) -> tuple[str, dict[str, str], str]:
    errors: dict[str, list[str]] = {}
    if data.framework not in Framework.values:
        raise InvalidInput(
            "Select the inspection framework.",
            fields={"framework": ["Select the inspection framework."]},
        )
    remit = data.remit or FRAMEWORK_REMIT[data.framework]
    if remit not in Remit.values:
        errors["remit"] = ["Select what the inspection covered."]
    for key, message in validate_grades(data.framework, data.grades).items():
        errors.setdefault(f"grades.{key}", []).append(message)
    try:
        category = normalise_category(data.category_of_concern)
    except ValueError as exc:
        errors["category_of_concern"] = [str(exc)]
        category = ""
    if data.publication_date and data.publication_date < data.inspection_start_date:
        errors["publication_date"] = [
            "The report cannot be published before the inspection started."
        ]
    if data.source not in JudgementSource.values:
        errors["source"] = ["Select where the judgement comes from."]
    if errors:
        raise InvalidInput(next(iter(errors.values()))[0], fields=errors)
    return remit, normalise_grades(data.framework, data.grades), category


@transaction.atomic
def judgement_record(
    *, actor: Actor | None, setting: Setting, data: JudgementData
) -> tuple[InspectionJudgement, bool]:
    """Stores one judgement as published and refreshes the setting's band; (judgement, changed).

    `actor` None is the system (a scheduled import). The same inspection number again with the
    same grades is a no-op; with different grades it is a correction, audited with both.
    """
    if (
        actor is not None
        and not actor.is_platform_admin
        and not can_record_judgement(actor, setting)
    ):
        raise NotAllowed(
            "Only the lead authority or the setting's provider can record its judgements."
        )
    remit, grades, category = _validated(data)
    result = derive_band(data.framework, grades, category_of_concern=category)
    locked = dangerously_unscoped(Setting).select_for_update().get(pk=setting.pk)
    values = {
        "remit": remit,
        "inspection_start_date": data.inspection_start_date,
        "publication_date": data.publication_date,
        "grades": grades,
        "category_of_concern": category,
        "relates_to_current_urn": data.relates_to_current_urn,
        "source": data.source,
        "source_reference": data.source_reference.strip(),
        "band": result.band.value,
        "band_reasons": list(result.reasons),
        "rule_version": result.rule_version,
    }
    number = data.inspection_number.strip()
    existing = (
        dangerously_unscoped(InspectionJudgement)
        .filter(setting=locked, framework=data.framework, inspection_number=number)
        .first()
        if number
        else None
    )
    user = actor.user if actor is not None and actor.user.pk else None
    if existing is not None:
        before = snapshot(existing, JUDGEMENT_FIELDS)
        unchanged = all(
            before[k] == snapshot_value for k, snapshot_value in _jsonable(values).items()
        )
        if unchanged:
            return existing, False
        for name, value in values.items():
            setattr(existing, name, value)
        existing.recorded_by = user
        existing.save()
        audit_record(
            actor=actor,
            verb=AuditVerb.UPDATED,
            obj=existing,
            before=before,
            after=snapshot(existing, JUDGEMENT_FIELDS),
            reason="Judgement corrected or re-published.",
        )
        judgement = existing
    else:
        judgement = InspectionJudgement.objects.create(
            setting=locked,
            framework=data.framework,
            inspection_number=number,
            recorded_by=user,
            **values,
        )
        audit_record(
            actor=actor,
            verb=AuditVerb.CREATED,
            obj=judgement,
            after=snapshot(judgement, JUDGEMENT_FIELDS),
        )
    setting_refresh_band(setting=locked, actor=actor)
    return judgement, True


def _jsonable(values: Mapping[str, object]) -> dict[str, object]:
    probe = InspectionJudgement(**values)
    return snapshot(probe, list(values))


def current_judgements(judgements: list[InspectionJudgement]) -> list[InspectionJudgement]:
    """The latest judgement per remit; one about the current URN beats a predecessor school's."""
    latest: dict[str, InspectionJudgement] = {}
    for j in sorted(
        judgements,
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


def band_summary(judgement: InspectionJudgement) -> str:
    """The deciding grade in the inspectorate's words: "Ofsted: Overall effectiveness: 2 (Good)"."""
    label = SHORT_FRAMEWORK.get(Framework(judgement.framework), judgement.get_framework_display())
    reasons = [str(r) for r in judgement.band_reasons][:2]
    text = f"{label}: {'; '.join(reasons)}" if reasons else label
    return text if len(text) <= 200 else text[:199] + "…"


@transaction.atomic
def setting_refresh_band(*, setting: Setting, actor: Actor | None) -> Setting:
    """Sets the setting's band to the worst band among its current judgements (latest per remit)."""
    locked = dangerously_unscoped(Setting).select_for_update().get(pk=setting.pk)
    current = current_judgements(
        list(dangerously_unscoped(InspectionJudgement).filter(setting=locked))
    )
    before = snapshot(locked, ["current_band", "current_band_summary", "current_band_as_at"])
    if current:
        worst = max(current, key=lambda j: (BAND_SEVERITY[j.band], j.inspection_start_date))
        locked.current_band = worst.band
        locked.current_band_summary = band_summary(worst)
        locked.current_band_as_at = worst.publication_date or worst.inspection_start_date
    else:
        locked.current_band, locked.current_band_summary, locked.current_band_as_at = (
            Band.UNKNOWN,
            "",
            None,
        )
    after = snapshot(locked, ["current_band", "current_band_summary", "current_band_as_at"])
    if after != before:
        locked.save(update_fields=["current_band", "current_band_summary", "current_band_as_at"])
        audit_record(
            actor=actor,
            verb=AuditVerb.STATE_CHANGED,
            obj=locked,
            before=before,
            after=after,
            reason="Band recomputed from the latest judgement in each remit.",
        )
    setting.current_band = locked.current_band
    setting.current_band_summary = locked.current_band_summary
    setting.current_band_as_at = locked.current_band_as_at
    return locked


def grade_rows(judgement: InspectionJudgement) -> list[tuple[str, str]]:
    """(area label, grade as published) in the report's order, for display."""
    from providers.ratings import FRAMEWORK_SPEC

    labels = {a.key: a.label for a in FRAMEWORK_SPEC.get(judgement.framework, ())}
    rows = [(labels[k], str(judgement.grades[k])) for k in labels if k in judgement.grades]
    return rows + [(k, str(v)) for k, v in judgement.grades.items() if k not in labels]
