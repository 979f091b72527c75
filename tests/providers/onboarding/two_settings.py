"""An application with two named settings on two lots, for the tests of what pages and messages
say about each setting and lot.

Northshore Lodge prices lot 1 only; Southshore House prices both lots. Everything is built
through the services, as `ready_provider` does.
"""

from __future__ import annotations

from dataclasses import dataclass

from fps_portal.accounts.models import User
from providers.models import (
    Application,
    EvaluationWindow,
    EvidenceKind,
    Lot,
    RequirementResult,
    Setting,
    Verdict,
)
from providers.services.application_prices import application_set_prices
from providers.services.application_submission import application_submit
from providers.services.applications import (
    application_declare,
    application_set_scope,
    application_start,
)
from providers.services.evaluation import evaluation_record
from providers.services.evidence import evidence_add, setting_overview_save
from tests.providers.onboarding.factories import (
    ReadyProvider,
    actor,
    close,
    make_judgement,
    make_lot,
    make_setting,
    open_window,
    ready_provider,
    upload,
)

NORTH = "Northshore Lodge"
SOUTH = "Southshore House"
SOUTH_OVERVIEW = {
    "services_overview": "Residential care for twelve young people aged 11 to 18.",
    "working_with_parents": "A key worker rings each family every Friday.",
    "learner_voice": "A weekly house meeting chaired by the young people.",
}


@dataclass
class TwoSettings:
    ready: ReadyProvider
    window: EvaluationWindow
    north: Setting
    south: Setting
    lot_one: Lot
    lot_two: Lot
    application: Application


def _second_setting(ready: ReadyProvider) -> Setting:
    setting = make_setting(provider=ready.provider, name=SOUTH, dfe_number="8956002")
    make_judgement(setting=setting, grades={"overall_effectiveness": "2"})
    for kind in (
        EvidenceKind.REGISTRATION_CERTIFICATE,
        EvidenceKind.DFE_REGISTRATION,
        EvidenceKind.INSPECTION_REPORT,
        EvidenceKind.STATEMENT_OF_PURPOSE,
    ):
        evidence_add(
            actor=ready.actor,
            provider=ready.provider,
            kind=kind,
            title=f"{kind} for {SOUTH}",
            upload=upload(),
            setting=setting,
        )
    setting_overview_save(actor=ready.actor, setting=setting, **SOUTH_OVERVIEW)
    return setting


def draft_with_two_settings() -> TwoSettings:
    ready = ready_provider()
    north = ready.setting
    Setting.objects.filter(pk=north.pk).update(name=NORTH)
    north.refresh_from_db()
    south = _second_setting(ready)
    window = open_window()
    system = window.purchasing_system
    lot_one = make_lot(purchasing_system=system, code="1", name="52-week placements")
    lot_two = make_lot(purchasing_system=system, code="2", name="38-week placements")
    application = application_start(actor=ready.actor, system=system, window=window)
    application_set_scope(
        actor=ready.actor,
        application=application,
        lots=[lot_one, lot_two],
        settings=[north, south],
    )
    return TwoSettings(ready, window, north, south, lot_one, lot_two, application)


def under_evaluation_with_two_settings() -> TwoSettings:
    built = draft_with_two_settings()
    application_set_prices(
        actor=built.ready.actor,
        application=built.application,
        prices={
            (built.north.pk, built.lot_one.pk): "3250.00",
            (built.north.pk, built.lot_two.pk): "",
            (built.south.pk, built.lot_one.pk): "3100.00",
            (built.south.pk, built.lot_two.pk): "2900.00",
        },
    )
    application_declare(
        actor=built.ready.actor,
        application=built.application,
        accurate=True,
        no_exclusion_grounds=True,
        safeguarding=True,
    )
    application_submit(actor=built.ready.actor, application=built.application)
    close(built.window)
    built.application.refresh_from_db()
    return built


def result(application: Application, requirement: str, setting: Setting) -> RequirementResult:
    return RequirementResult.objects.get(
        application=application, requirement=requirement, setting=setting
    )


def evaluate_failing(application: Application, evaluator: User, failed: int, why: str) -> None:
    """Pass every requirement but `failed` (a result id), which fails for `why`."""
    decisions = {
        r.pk: (Verdict.FAIL, why) if r.pk == failed else (Verdict.PASS, "Checked the evidence.")
        for r in RequirementResult.objects.filter(application=application)
    }
    evaluation_record(actor=actor(evaluator), application=application, decisions=decisions)
