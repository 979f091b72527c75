"""Who sees what of children, referrals, invitations, responses and awards (issue 11).

The access rule: a placing authority sees its own children and referrals and nothing of
another's; a provider sees only what it was invited to or awarded; a forum sees nothing here.
Inside the authority, the placing roles (commissioners and senior managers) read children and
referrals; its QA officers, FPS administrators and account administrators do not (minimum data
to each role).

A provider never reads the child's record before an award: invitees see the referral's snapshot
(age in years, gender, needs, postcode district, the summary) and the documents the authority
marked as shareable. Once an award to the provider is complete, it reads that child's record
and documents. An authority reads a response only once it is submitted and the referral has
closed (sealed bids: nothing is opened before the deadline); a draft is the provider's alone.
No model here has a public rule: the public sees nothing of it.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from fps_portal.accounts.models import Role
from fps_portal.actors import Actor
from fps_portal.scoping import register_scope
from referrals.models import (
    AuthorityPlacementRules,
    Award,
    AwardService,
    AwardState,
    Child,
    ChildDocument,
    Criterion,
    CriterionAnswer,
    CriterionMark,
    EhcpOutcome,
    Invitation,
    ParentCarer,
    Referral,
    ReferralQuestion,
    ReferralState,
    Response,
    ResponseAttachment,
    ResponseService,
    ResponseState,
    RiskApproval,
    RouteCase,
    ScaleDescriptor,
    ShortlistEntry,
)

#: The authority roles that place children and so read their records.
PLACING_ROLES = frozenset({Role.COMMISSIONER, Role.SENIOR_MANAGER})
#: Referral states in which an authority may open submitted responses.
OPENED_STATES = frozenset(
    {
        ReferralState.CLOSED,
        ReferralState.AWARDED,
        ReferralState.NO_SUITABLE_PROVIDER,
        ReferralState.WITHDRAWN,
    }
)


def places_children(actor: Actor) -> bool:
    return actor.role in PLACING_ROLES and actor.is_authority


def _awarded_children(actor: Actor) -> QuerySet[Award]:
    """The provider's complete awards (their referrals' children are theirs to read)."""
    return Award.objects.filter(provider_id=actor.organisation_id, state=AwardState.COMPLETE)


def _none(qs: QuerySet) -> QuerySet:
    return qs.none()


@register_scope(Child)
def _children(qs: QuerySet[Child], actor: Actor) -> QuerySet[Child]:
    if places_children(actor):
        return qs.filter(authority_id=actor.organisation_id)
    if actor.is_provider:
        return qs.filter(pk__in=_awarded_children(actor).values("referral__child_id"))
    return qs.none()


def _child_part(qs: QuerySet, actor: Actor) -> QuerySet:
    if places_children(actor):
        return qs.filter(child__authority_id=actor.organisation_id)
    if actor.is_provider:
        return qs.filter(child_id__in=_awarded_children(actor).values("referral__child_id"))
    return qs.none()


register_scope(EhcpOutcome)(_child_part)
register_scope(ParentCarer)(_child_part)


@register_scope(ChildDocument)
def _child_documents(qs: QuerySet[ChildDocument], actor: Actor) -> QuerySet[ChildDocument]:
    """Invitees also read the documents a published referral marks as shareable."""
    qs = qs.filter(removed_at__isnull=True)
    if actor.is_provider:
        shared = Referral.objects.filter(invitations__provider_id=actor.organisation_id).exclude(
            state__in=[ReferralState.DRAFT, ReferralState.RETURNED]
        )
        return qs.filter(
            Q(shared_with_referrals__in=shared)
            | Q(child_id__in=_awarded_children(actor).values("referral__child_id"))
        ).distinct()
    return _child_part(qs, actor)


def _provider_referrals(actor: Actor) -> QuerySet[Referral]:
    """Referrals the provider was invited to (once published), or awarded by any route."""
    return Referral.objects.filter(
        Q(invitations__provider_id=actor.organisation_id)
        | Q(awards__provider_id=actor.organisation_id, awards__state=AwardState.COMPLETE)
    ).exclude(state__in=[ReferralState.DRAFT, ReferralState.RETURNED])


@register_scope(Referral)
def _referrals(qs: QuerySet[Referral], actor: Actor) -> QuerySet[Referral]:
    if places_children(actor):
        return qs.filter(authority_id=actor.organisation_id)
    if actor.is_provider:
        return qs.filter(pk__in=_provider_referrals(actor).values("pk"))
    return qs.none()


def _referral_part(qs: QuerySet, actor: Actor) -> QuerySet:
    if places_children(actor):
        return qs.filter(referral__authority_id=actor.organisation_id)
    if actor.is_provider:
        return qs.filter(referral_id__in=_provider_referrals(actor).values("pk"))
    return qs.none()


register_scope(Criterion)(_referral_part)
register_scope(ScaleDescriptor)(_referral_part)


def _authority_only(qs: QuerySet, actor: Actor) -> QuerySet:
    if places_children(actor):
        return qs.filter(referral__authority_id=actor.organisation_id)
    return qs.none()


# The shortlist's grounds and a direct award's justification are the authority's own reasoning.
register_scope(ShortlistEntry)(_authority_only)
register_scope(RouteCase)(_authority_only)


@register_scope(AuthorityPlacementRules)
def _placement_rules(
    qs: QuerySet[AuthorityPlacementRules], actor: Actor
) -> QuerySet[AuthorityPlacementRules]:
    # Its administrator sets them (and reads no child); its staff read them.
    if actor.is_authority or actor.is_authority_admin:
        return qs.filter(authority_id=actor.organisation_id)
    return qs.none()


@register_scope(Invitation)
def _invitations(qs: QuerySet[Invitation], actor: Actor) -> QuerySet[Invitation]:
    if places_children(actor):
        return qs.filter(referral__authority_id=actor.organisation_id)
    if actor.is_provider:
        return qs.filter(provider_id=actor.organisation_id)
    return qs.none()


@register_scope(Response)
def _responses(qs: QuerySet[Response], actor: Actor) -> QuerySet[Response]:
    if actor.is_provider:
        return qs.filter(invitation__provider_id=actor.organisation_id)
    if places_children(actor):
        return qs.filter(
            invitation__referral__authority_id=actor.organisation_id,
            invitation__referral__state__in=OPENED_STATES,
            state=ResponseState.SUBMITTED,
        )
    return qs.none()


def _response_part(qs: QuerySet, actor: Actor) -> QuerySet:
    return qs.filter(response__in=_responses(Response.objects.all(), actor))


register_scope(ResponseService)(_response_part)
register_scope(CriterionAnswer)(_response_part)
register_scope(ResponseAttachment)(_response_part)


@register_scope(CriterionMark)
def _marks(qs: QuerySet[CriterionMark], actor: Actor) -> QuerySet[CriterionMark]:
    """The authority's evaluators; a provider its own marks once it has been told the outcome."""
    if places_children(actor):
        return _response_part(qs, actor)
    if actor.is_provider:
        return qs.filter(
            response__invitation__provider_id=actor.organisation_id,
            response__invitation__outcome_notified_at__isnull=False,
        )
    return qs.none()


@register_scope(ReferralQuestion)
def _questions(qs: QuerySet[ReferralQuestion], actor: Actor) -> QuerySet[ReferralQuestion]:
    """Every invitee reads the answered questions (never who asked); its own unanswered ones."""
    if places_children(actor):
        return qs.filter(referral__authority_id=actor.organisation_id)
    if actor.is_provider:
        invited = Invitation.objects.filter(provider_id=actor.organisation_id)
        return qs.filter(
            Q(asked_by_invitation__in=invited)
            | Q(referral_id__in=invited.values("referral_id"), answered_at__isnull=False)
        )
    return qs.none()


@register_scope(Award)
def _awards(qs: QuerySet[Award], actor: Actor) -> QuerySet[Award]:
    if places_children(actor):
        return qs.filter(referral__authority_id=actor.organisation_id)
    if actor.is_provider:
        return qs.filter(provider_id=actor.organisation_id, state=AwardState.COMPLETE)
    return qs.none()


@register_scope(AwardService)
def _award_services(qs: QuerySet[AwardService], actor: Actor) -> QuerySet[AwardService]:
    return qs.filter(award__in=_awards(Award.objects.all(), actor))


@register_scope(RiskApproval)
def _risk_approvals(qs: QuerySet[RiskApproval], actor: Actor) -> QuerySet[RiskApproval]:
    if places_children(actor):
        return qs.filter(award__referral__authority_id=actor.organisation_id)
    return qs.none()
