"""A small world every API gate runs against: one of each object, seen by one user per role.

Provider P has been through the whole journey (a passed application, a clarification, a signed
agreement, an active membership); provider Q has only a draft application and evidence of its
own, so P's token has something that is not its own to be refused.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from fps_portal.accounts.models import ApiClient, Role, User
from fps_portal.accounts.services.api_clients import api_client_create
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
from providers.services.clarifications import clarification_answer, clarification_ask
from providers.services.evaluation import application_moderate
from providers.services.membership import agreement_sign
from providers.services.setting_prices import setting_set_price
from quality.services.recheck_schedule import recheck_open
from referrals.models import Referral
from tests.contracts.changes_world import build_api_changes
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
from tests.quality.concern_matrix import concern_rows
from tests.quality.gates_world import build_imports
from tests.quality.matrix import alert_rows
from tests.quality.monitoring_matrix import build_monitoring_side
from tests.quality.plan_matrix import build_api_plan
from tests.referrals.awards.matrix import build_api_awards
from tests.referrals.factories import ReferralFactory

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
    #: The authority administrator's API client (Sefton's, as the administrator is).
    api_client: ApiClient | None = None
    # Issue 11: P's invitation to the commissioner's open referral and its draft response (with
    # a service), and Q's own invitation and response to the same referral.
    invitation: Any = None
    response: Any = None
    other_invitation: Any = None
    other_response: Any = None
    #: Sefton's child (the commissioner's and senior manager's authority), with a document;
    #: and Knowsley's (the other authority's), which none of the roles above may reach.
    child: Any = None
    child_document: Any = None
    other_child: Any = None
    other_child_document: Any = None

    #: Sefton's draft referral (the commissioner's and senior manager's authority), and one of
    #: Knowsley's that no caller of the gates may reach.
    referral: Referral | None = None
    other_referral: Referral | None = None


def _competition(world: World) -> World:
    from decimal import Decimal

    from referrals.models import ReferralQuestion, ReferralState, ResponseService
    from tests.referrals.factories import (
        CriterionFactory,
        InvitationFactory,
        ReferralFactory,
        ResponseFactory,
    )

    commissioner = world.users[Role.COMMISSIONER.value]
    placing = commissioner.memberships.get().organisation
    referral = ReferralFactory(
        child__authority=placing,
        authority=placing,
        lot=world.lot,
        purchasing_system=world.lot.purchasing_system,
        state=ReferralState.OPEN,
        published_at=timezone.now(),
        response_deadline=timezone.now() + datetime.timedelta(days=7),
        shown_age_years=12,
        created_by=commissioner,
    )
    CriterionFactory(referral=referral)
    for mine, setting in ((True, world.setting), (False, world.other_setting)):
        invitation = InvitationFactory(referral=referral, provider=setting.provider)
        response: Any = ResponseFactory(invitation=invitation, setting=setting, how_needs_met="")
        ResponseService.objects.create(
            response=response, name="1:1", unit="hour", rate=Decimal("30.00"), quantity=2
        )
        if mine:
            world.invitation, world.response = invitation, response
            # P's question to the authority, still to answer.
            world.ids["question_referral"] = referral.pk
            world.ids["question"] = ReferralQuestion.objects.create(
                referral_id=referral.pk,
                asked_by_invitation_id=invitation.pk,
                question="Is transport paid?",
            ).pk
        else:
            world.other_invitation, world.other_response = invitation, response
    return world


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
    api_client = api_client_create(
        actor=actor(users[Role.AUTHORITY_ADMIN]), name="Sefton case system", role=Role.COMMISSIONER
    ).client
    other_commissioner = person(Role.COMMISSIONER, authority("Knowsley"))
    world = World(
        api_client=api_client,
        users={str(k): v for k, v in users.items()},
        second_evaluator=second,
        other_provider_user=other.user,
        other_authority_commissioner=other_commissioner,
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
    world.ids.update(
        build_api_changes(placement=world.ids["placement"], lead=users[Role.LEAD_EVALUATOR])
    )
    # contracts: orders and agreements. The signed agreement (a variation's version 2 awaiting
    # the provider's signature) and its Order.
    from contracts.models import Agreement

    world.ids["agreement"] = world.ids["signed_agreement"]
    world.ids["order"] = Agreement.objects.get(pk=world.ids["agreement"]).order_id
    # A rating alert told to the senior manager's authority (Sefton) and the lead authority.
    world.ids["rating_alert"] = alert_rows(
        setting=ready.setting,
        tag="api",
        told=[
            (users[Role.SENIOR_MANAGER], authority("Sefton")),
            (lead, lead.memberships.get().organisation),
        ],
    )
    # Branch recheck: this year's re-check of P's membership, opened as beat opens it.
    recheck_open(
        membership_id=membership.pk, cycle=timezone.localdate().year, today=timezone.localdate()
    )
    world.ids["recheck"] = membership.rechecks.get().pk
    # QA visits (issue 14): Sefton's completed visit to P's setting and its shared summary.
    from tests.quality.visit_matrix import build_visit_side

    world.ids.update(build_visit_side(authority=authority("Sefton"), setting=ready.setting))
    # Quarterly monitoring (issue 14, qamonitor): provider P's return with Sefton's placement.
    world.ids["monitoring_return"] = build_monitoring_side(agreement_id=world.ids["agreement"])[
        "monitoring_return"
    ]
    # Branch qaplan: Sefton's QA officer's improvement plan about P's setting, with one action.
    world.ids.update(build_api_plan(qa_officer=users[Role.QA_OFFICER], setting=ready.setting))
    # Concerns (branch qaconcern): Sefton's concern about P's setting at stage 3 with its letter
    # (P sees it from stage 2), rows as the matrix writes them.
    world.ids.update(
        concern_rows(
            authority=authority("Sefton"), setting=ready.setting, by=users[Role.QA_OFFICER]
        )
    )
    # And Knowsley's about Q's setting, which no caller of the gates may reach.
    knowsley = concern_rows(
        authority=authority("Knowsley"), setting=other.setting, by=other_commissioner
    )
    world.ids.update({f"other_{kind}": pk for kind, pk in knowsley.items()})
    lot = application.lots.get()
    world.referral = ReferralFactory(
        child__authority=authority("Sefton"), lot=lot, created_by=users[Role.COMMISSIONER]
    )
    world.other_referral = ReferralFactory(
        child__authority=authority("Knowsley"), lot=lot, created_by=other_commissioner
    )
    _child_record(world)
    # Ofsted imports (issue 13, ofsted): the lead authority's, one of each outcome.
    world.ids.update({f"import_{k}": v for k, v in build_imports().items()})
    return _competition(world)


def _child_record(world: World) -> None:
    """A child of the commissioner's authority and one of the other authority's, each with a
    carer, outcomes and a document."""
    from referrals.services.child_documents import child_document_add
    from referrals.services.children import child_create
    from tests.providers.onboarding.factories import upload
    from tests.referrals.children.helpers import details

    made = []
    for user in (world.users[Role.COMMISSIONER.value], world.other_authority_commissioner):
        placing = actor(user)
        child = child_create(actor=placing, details=details())
        document = child_document_add(
            actor=placing,
            child=child,
            kind="redacted_ehc_plan",
            title="Redacted plan",
            upload=upload("redacted.pdf"),
        )
        made.append((child, document))
    (world.child, world.child_document), (world.other_child, world.other_child_document) = made
