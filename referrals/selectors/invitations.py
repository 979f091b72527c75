"""What a provider reads of the referrals it was invited to: its invitations (with deadlines,
drafts and outcomes), one invitation's referral as the snapshot shows it (never the child's
record), the answered clarification questions, the shared documents, and the settings it may
propose. Every read goes through `scoped()`, so another provider's invitation is a 404."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Min, Prefetch, Q, QuerySet
from django.utils import timezone

from fps_portal.actors import Actor
from fps_portal.scoping import scoped
from providers.models import AdditionalService, Setting, SettingLot
from referrals.models import (
    ChildDocument,
    Criterion,
    Invitation,
    InvitationState,
    ReferralQuestion,
    ReferralState,
    Response,
    ResponseState,
    ScaleDescriptor,
)

#: Clarification questions unanswered first (NULLs sort first on PostgreSQL too, where they
#: would otherwise sort last), then in the order asked: the authority's page and API.
QUESTIONS_UNANSWERED_FIRST = (F("answered_at").asc(nulls_first=True), "asked_at", "id")

#: What a provider's list and detail read beside each invitation: the referral's snapshot only
#: (no join reaches the child's record).
INVITATION_JOINS = ("referral__lot", "referral__authority", "referral__primary_need")


def provider_invitations(actor: Actor) -> QuerySet[Invitation]:
    """The provider's invitations, newest first, each with its responses (drafts and outcomes)."""
    return (
        scoped(Invitation, actor)
        .select_related(*INVITATION_JOINS)
        .prefetch_related(
            Prefetch(
                "responses",
                queryset=scoped(Response, actor).select_related("setting").order_by("id"),
            )
        )
        .order_by("-invited_at", "-id")
    )


@dataclass(frozen=True)
class AwaitingResponse:
    """The provider's dashboard queue: invitations it has not yet answered (no response
    submitted, not declined) whose referral still takes answers, the nearest of their
    deadlines, and its responses still in draft on referrals that still take answers."""

    invitations: int
    nearest_deadline: datetime.datetime | None
    drafts: int


def awaiting_response(actor: Actor, *, now: datetime.datetime | None = None) -> AwaitingResponse:
    """One query over the provider's invitations to open referrals before their deadline: the
    unanswered ones counted with their nearest deadline, and the drafts on any of them (one
    setting's response may be submitted while another's is still a draft)."""
    unanswered = Q(state=InvitationState.INVITED)
    counts = (
        scoped(Invitation, actor)
        .filter(
            state__in=(InvitationState.INVITED, InvitationState.RESPONDED),
            referral__state=ReferralState.OPEN,
            referral__response_deadline__gt=now or timezone.now(),
        )
        .aggregate(
            invitations=Count("pk", filter=unanswered, distinct=True),
            nearest=Min("referral__response_deadline", filter=unanswered),
            drafts=Count(
                "responses", filter=Q(responses__state=ResponseState.DRAFT), distinct=True
            ),
        )
    )
    return AwaitingResponse(
        invitations=counts["invitations"],
        nearest_deadline=counts["nearest"],
        drafts=counts["drafts"],
    )


@dataclass(frozen=True)
class InvitationView:
    """One invitation as its provider sees it."""

    invitation: Invitation
    criteria: list[Criterion]
    descriptors: list[ScaleDescriptor]
    questions: list[ReferralQuestion]
    documents: list[ChildDocument]
    responses: list[Response]
    needs: list[str]


def invitation_view(actor: Actor, invitation: Invitation) -> InvitationView:
    """The snapshot, criteria, scale, answered questions (and the provider's own unanswered
    ones), shared documents and the provider's responses to this invitation."""
    referral = invitation.referral
    return InvitationView(
        invitation=invitation,
        criteria=list(
            scoped(Criterion, actor).filter(referral=referral).order_by("position", "id")
        ),
        descriptors=list(scoped(ScaleDescriptor, actor).filter(referral=referral)),
        questions=list(
            scoped(ReferralQuestion, actor).filter(referral=referral).order_by("asked_at", "id")
        ),
        documents=shared_documents(actor, invitation),
        responses=list(
            scoped(Response, actor).filter(invitation=invitation).select_related("setting")
        ),
        needs=[need.name for need in referral.needs.all()],
    )


def referral_criteria(actor: Actor, referral_id: int) -> list[Criterion]:
    return list(scoped(Criterion, actor).filter(referral_id=referral_id).order_by("position", "id"))


def shared_documents(actor: Actor, invitation: Invitation) -> list[ChildDocument]:
    """The documents the authority marked as shareable with this referral's invitees."""
    return list(
        scoped(ChildDocument, actor)
        .filter(shared_with_referrals=invitation.referral_id)
        .only("id", "title", "kind", "original_filename", "content_type", "size", "child_id")
        .order_by("title", "id")
    )


def proposable_settings(actor: Actor, invitation: Invitation) -> list[Setting]:
    """The provider's settings with an approved offer on the referral's lot and not withdrawn:
    each may be proposed once (a response per setting)."""
    return list(
        scoped(Setting, actor)
        .filter(
            provider_id=invitation.provider_id,
            withdrawn_at__isnull=True,
            lot_offers__lot_id=invitation.referral.lot_id,
            lot_offers__approved_at__isnull=False,
        )
        .distinct()
        .order_by("name", "id")
    )


def indicative_price(setting: Setting, lot_id: int) -> Decimal | None:
    """The setting's approved indicative weekly price for the lot (None: not approved on it)."""
    offer = (
        SettingLot.objects.filter(setting=setting, lot_id=lot_id, approved_at__isnull=False)
        .only("weekly_price")
        .first()
    )
    return offer.weekly_price if offer is not None else None


def price_list(actor: Actor, setting: Setting) -> list[AdditionalService]:
    """The setting's additional services (its price list), to choose from in a response."""
    return list(scoped(AdditionalService, actor).filter(setting=setting).order_by("name", "id"))


def response_detail(actor: Actor, pk: int) -> QuerySet[Response]:
    """The response with what its page and the API read beside it."""
    return (
        scoped(Response, actor)
        .filter(pk=pk)
        .select_related("setting", *(f"invitation__{j}" for j in INVITATION_JOINS))
        .prefetch_related("services", "attachments", "answers")
    )


def has_submitted(invitation: Invitation) -> bool:
    return any(r.state == ResponseState.SUBMITTED for r in invitation.responses.all())
