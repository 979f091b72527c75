"""Who sees what of onboarding: windows, evidence, applications and their evaluation.

- Windows: every signed-in organisation (the timetable is public information).
- The agreement's published versions: providers (they read it before signing), authorities (they
  place under it) and the lead authority. Forums and the public see none.
- Evidence files: the provider itself; lead authority evaluators (they evaluate and re-check it);
  other authority users only setting-level evidence (registration, DfE registration, inspection
  report, Statement of Purpose) of settings whose provider is an active member, which a placing
  authority needs before placing a child; never insurance, policies or financial checks, which
  are the provider's commercial and organisational papers. Forums see none.
- Applications and prices: the provider's own; lead evaluators every application once submitted
  (a draft is the provider's private working copy). Nobody else.
- Requirement results: lead evaluators; the provider only once there is an outcome (the final
  results and reasons, never evaluators' working notes).
- Evaluators' decisions and moderation: lead evaluators only.
- Clarification questions: the provider they were asked of (until withdrawn), and lead
  evaluators.

"Lead evaluators" means a membership of the lead authority in that role. A platform
administrator (staff, usually with no membership) sees none of this through the portal.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from fps_portal.actors import Actor
from fps_portal.scoping import register_scope
from providers.models import (
    AgreementDocument,
    Application,
    ApplicationPrice,
    ApplicationServicePrice,
    ClarificationQuestion,
    EvaluationWindow,
    EvaluatorDecision,
    Evidence,
    EvidenceKind,
    FpsMembership,
    MembershipState,
    Moderation,
    RequirementResult,
    SettingOverview,
)
from providers.models.application import OUTCOME_STATES

AUTHORITY_VISIBLE_EVIDENCE = (
    EvidenceKind.REGISTRATION_CERTIFICATE,
    EvidenceKind.DFE_REGISTRATION,
    EvidenceKind.INSPECTION_REPORT,
    EvidenceKind.STATEMENT_OF_PURPOSE,
)


def _evaluator(actor: Actor) -> bool:
    # Only the lead authority's evaluators. A platform administrator is not one by being staff:
    # they work in the back office and see no organisation's data through the portal (a
    # platform administrator who is also a lead evaluator sees it through that membership).
    return actor.is_lead_evaluator


@register_scope(EvaluationWindow)
def _windows(qs: QuerySet[EvaluationWindow], actor: Actor) -> QuerySet[EvaluationWindow]:
    return qs


@register_scope(AgreementDocument)
def _agreement_documents(
    qs: QuerySet[AgreementDocument], actor: Actor
) -> QuerySet[AgreementDocument]:
    if _evaluator(actor) or actor.is_provider or actor.is_authority or actor.is_authority_admin:
        return qs
    return qs.none()


def _active_member_ids() -> QuerySet[FpsMembership, Any]:
    return FpsMembership.objects.filter(state=MembershipState.ACTIVE).values("provider_id")


@register_scope(Evidence)
def _evidence(qs: QuerySet[Evidence], actor: Actor) -> QuerySet[Evidence]:
    if _evaluator(actor):
        return qs
    if actor.is_provider:
        return qs.filter(provider_id=actor.organisation_id)
    if actor.is_authority:
        return qs.filter(
            kind__in=AUTHORITY_VISIBLE_EVIDENCE,
            setting__isnull=False,
            provider_id__in=_active_member_ids(),
            superseded_at__isnull=True,
        )
    return qs.none()


@register_scope(SettingOverview)
def _overviews(qs: QuerySet[SettingOverview], actor: Actor) -> QuerySet[SettingOverview]:
    if _evaluator(actor):
        return qs
    if actor.is_provider:
        return qs.filter(setting__provider_id=actor.organisation_id)
    if actor.is_authority:
        return qs.filter(setting__provider_id__in=_active_member_ids())
    return qs.none()


def _applications_filter(prefix: str, actor: Actor) -> dict[str, object] | None:
    if _evaluator(actor):
        return {f"{prefix}submitted_at__isnull": False}
    if actor.is_provider:
        return {f"{prefix}provider_id": actor.organisation_id}
    return None


def _scope_applications(qs: QuerySet, prefix: str, actor: Actor) -> QuerySet:
    lookup = _applications_filter(prefix, actor)
    return qs.none() if lookup is None else qs.filter(**lookup)


@register_scope(Application)
def _applications(qs: QuerySet[Application], actor: Actor) -> QuerySet[Application]:
    return _scope_applications(qs, "", actor)


@register_scope(ApplicationPrice)
def _prices(qs: QuerySet[ApplicationPrice], actor: Actor) -> QuerySet[ApplicationPrice]:
    return _scope_applications(qs, "application__", actor)


@register_scope(ApplicationServicePrice)
def _service_prices(
    qs: QuerySet[ApplicationServicePrice], actor: Actor
) -> QuerySet[ApplicationServicePrice]:
    return _scope_applications(qs, "application__", actor)


@register_scope(ClarificationQuestion)
def _clarifications(
    qs: QuerySet[ClarificationQuestion], actor: Actor
) -> QuerySet[ClarificationQuestion]:
    qs = _scope_applications(qs, "application__", actor)
    if actor.is_provider:
        # A withdrawn question is no longer asked of the provider (they are told so); the lead
        # evaluators keep it on record.
        qs = qs.filter(withdrawn_at__isnull=True)
    return qs


@register_scope(RequirementResult)
def _results(qs: QuerySet[RequirementResult], actor: Actor) -> QuerySet[RequirementResult]:
    if _evaluator(actor):
        return qs
    if actor.is_provider:
        return qs.filter(
            application__provider_id=actor.organisation_id, application__state__in=OUTCOME_STATES
        )
    return qs.none()


@register_scope(EvaluatorDecision)
def _decisions(qs: QuerySet[EvaluatorDecision], actor: Actor) -> QuerySet[EvaluatorDecision]:
    return qs if _evaluator(actor) else qs.none()


@register_scope(Moderation)
def _moderations(qs: QuerySet[Moderation], actor: Actor) -> QuerySet[Moderation]:
    return qs if _evaluator(actor) else qs.none()
