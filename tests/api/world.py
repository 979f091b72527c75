"""A small world every API gate runs against: one of each object, seen by one user per role.

Provider P has been through the whole journey (a passed application, a clarification, a signed
agreement, an active membership); provider Q has only a draft application and evidence of its
own, so P's token has something that is not its own to be refused.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from fps_portal.accounts.models import Role, User
from providers.models import (
    AgreementDocument,
    Application,
    ClarificationQuestion,
    EvaluationWindow,
    Evidence,
    FpsMembership,
    InspectionJudgement,
    Lot,
    PriceChange,
    PurchasingSystem,
    Setting,
    SettingLot,
)
from providers.services.evaluation import (
    application_moderate,
    clarification_answer,
    clarification_ask,
)
from providers.services.membership import agreement_sign
from providers.services.setting_prices import setting_set_price
from tests.factories import authority, person
from tests.providers.onboarding.factories import (
    actor,
    draft_application,
    evaluate,
    evaluator,
    open_window,
    ready_provider,
    under_evaluation,
)
from tests.referrals.awards.matrix import build_api_awards

# The roles in the order the tables list them; None is an anonymous caller.
ROLES: list[str | None] = [None, *(r.value for r in Role)]


@dataclass
class World:
    users: dict[str, User]
    second_evaluator: User
    other_provider_user: User
    other_authority_commissioner: User
    system: PurchasingSystem
    agreement_document: AgreementDocument  # version 1 of the system's agreement
    lot: Lot
    window: EvaluationWindow
    application: Application
    other_application: Application
    clarification: ClarificationQuestion
    membership: FpsMembership
    setting: Setting
    other_setting: Setting
    judgement: InspectionJudgement
    price_change: PriceChange  # P's change to its approved price, waiting for the lead authority
    evidence: Evidence
    other_evidence: Evidence
    ids: dict[str, int] = field(default_factory=dict)


def build_world() -> World:
    ready = ready_provider()
    window = open_window()
    application = under_evaluation(ready, window)
    lead, second = evaluator(), evaluator()
    clarification = clarification_ask(
        actor=actor(lead),
        application=application,
        question="Which insurer covers the minibus?",
        due_at=timezone.now() + datetime.timedelta(days=5),
    )
    clarification = clarification_answer(
        actor=ready.actor, clarification=clarification, answer="Zurich, policy MB-1."
    )
    evaluate(application, lead)
    evaluate(application, second)
    application_moderate(actor=actor(lead), application=application, reason="All requirements met")
    membership = agreement_sign(
        actor=ready.actor,
        application=application,
        signatory_name="Dana Director",
        signatory_role="Director",
    )
    other = ready_provider()
    other_application = draft_application(other, open_window())
    users = {
        Role.LEAD_EVALUATOR: lead,
        Role.COMMISSIONER: person(Role.COMMISSIONER),
        Role.QA_OFFICER: person(Role.QA_OFFICER),
        Role.SENIOR_MANAGER: person(Role.SENIOR_MANAGER),
        Role.PROVIDER_USER: ready.user,
        Role.FORUM_MEMBER: person(Role.FORUM_MEMBER),
        Role.AUTHORITY_ADMIN: person(Role.AUTHORITY_ADMIN),
    }
    application.refresh_from_db()
    approved = SettingLot.objects.get(setting=ready.setting, lot=application.lots.get())
    setting_set_price(
        actor=ready.actor,
        setting=ready.setting,
        lot=approved.lot,
        weekly_price=approved.weekly_price + 100,
    )
    world = World(
        users={str(k): v for k, v in users.items()},
        second_evaluator=second,
        other_provider_user=other.user,
        other_authority_commissioner=person(Role.COMMISSIONER, authority("Knowsley")),
        system=window.purchasing_system,
        agreement_document=AgreementDocument.objects.get(
            purchasing_system=window.purchasing_system
        ),
        lot=application.lots.get(),
        window=window,
        application=application,
        other_application=other_application,
        clarification=clarification,
        membership=membership,
        setting=ready.setting,
        other_setting=other.setting,
        judgement=ready.setting.judgements.get(),
        price_change=PriceChange.objects.get(offer=approved),
        evidence=Evidence.objects.get(setting=ready.setting, kind="registration_certificate"),
        other_evidence=Evidence.objects.filter(provider=other.provider).order_by("pk").first(),
    )
    world.ids.update(
        build_api_awards(
            commissioner=users[Role.COMMISSIONER],
            senior=users[Role.SENIOR_MANAGER],
            provider=ready.provider,
            setting=ready.setting,
            lot=world.lot,
        )
    )
    return world
