"""Clarification questions: an invitee asks the authority; the authority answers once, and the
answer goes to every invitee with the question, never saying who asked
(`ReferralQuestion.asked_by_invitation` is for the authority alone).

A question is asked while the referral takes answers (before its deadline); the authority may
answer until the referral is closed, so a late answer still reaches everyone who is writing.
"""

from __future__ import annotations

import datetime
import uuid

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from fps_portal.accounts.models import Role, User
from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record, snapshot
from fps_portal.errors import InvalidInput, NotAllowed, WrongState
from fps_portal.notifications.services import notify
from fps_portal.once import create_once
from fps_portal.scoping import dangerously_unscoped
from referrals.models import Invitation, InvitationState, Referral, ReferralQuestion, ReferralState
from referrals.scope_rules import places_children
from referrals.services.invitations import lock_invitation, lock_open_referral, require_invitee

QUESTION_MISSING = "Enter your question."
ANSWER_MISSING = "Enter the answer. Every invited provider will read it."
TOO_LONG = "This must be 5,000 characters or fewer."
LIMIT = 5000
ALREADY_ANSWERED = "This question was already answered. Every invitee has been told the answer."
#: Invitees who are still told of an answer (not those who lapsed or whose referral went).
TOLD_STATES = (InvitationState.INVITED, InvitationState.RESPONDED, InvitationState.DECLINED)


def can_answer_questions(actor: Actor | None) -> bool:
    """The placing authority's commissioners and senior managers."""
    return actor is not None and places_children(actor)


def authority_placers(referral: Referral) -> QuerySet[User]:
    """Who at the authority hears of a question or that responses are ready: whoever published
    the referral, and failing them, the authority's commissioners."""
    people = User.objects.filter(
        is_active=True,
        memberships__organisation_id=referral.authority_id,
        memberships__role__in=[Role.COMMISSIONER, Role.SENIOR_MANAGER],
        memberships__is_active=True,
    )
    named = [pk for pk in (referral.published_by_id, referral.created_by_id) if pk]
    if named and people.filter(pk__in=named).exists():
        return people.filter(pk__in=named).distinct()
    return people.filter(memberships__role=Role.COMMISSIONER).distinct()


def invitee_users(referral_id: int) -> QuerySet[User]:
    """The active users of every provider still invited to the referral."""
    return User.objects.filter(
        is_active=True,
        memberships__role=Role.PROVIDER_USER,
        memberships__is_active=True,
        memberships__organisation__referral_invitations__referral_id=referral_id,
        memberships__organisation__referral_invitations__state__in=TOLD_STATES,
    ).distinct()


def _text(value: str, field: str, missing: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput.on_fields({field: [missing]})
    if len(value) > LIMIT:
        raise InvalidInput.on_fields({field: [TOO_LONG]})
    return value


@transaction.atomic
def question_ask(
    *,
    actor: Actor,
    invitation: Invitation,
    question: str,
    submission_key: uuid.UUID | None = None,
    now: datetime.datetime | None = None,
) -> ReferralQuestion:
    """The invitee's question to the authority, before the deadline."""
    require_invitee(actor, invitation)
    text = _text(question, "question", QUESTION_MISSING)
    referral = lock_open_referral(invitation.referral_id, now=now)
    locked = lock_invitation(invitation)
    if locked.state not in TOLD_STATES:
        raise WrongState(f"This invitation is {locked.get_state_display().lower()}.")

    def make() -> ReferralQuestion:
        return ReferralQuestion.objects.create(
            referral=referral,
            asked_by_invitation=locked,
            question=text,
            asked_at=now or timezone.now(),
            asked_by=actor.user if actor.user.pk else None,
            submission_key=submission_key,
        )

    asked, created = create_once(
        earlier=ReferralQuestion.objects.filter(asked_by_invitation=locked),
        submission_key=submission_key,
        create=make,
    )
    if created:
        audit_record(
            actor=actor,
            verb=AuditVerb.CREATED,
            obj=asked,
            after=snapshot(asked, ["referral_id", "asked_by_invitation_id", "question"]),
        )
        notify(
            recipients=authority_placers(referral),
            event_key=f"referral-question-asked:{asked.pk}",
            template="notifications/referrals_question_asked",
            context={"referral": referral, "question": asked},
            url=reverse("referrals:referral-questions", args=[referral.pk]),
        )
    return asked


@transaction.atomic
def question_answer(*, actor: Actor, question: ReferralQuestion, answer: str) -> ReferralQuestion:
    """The authority's answer, told to every invitee (with the question, not who asked).

    NotAllowed for anyone but the referral's authority's placing staff; WrongState once
    answered (two people answering at once: the second waits on the lock and is refused) or
    once the referral is no longer open."""
    if not can_answer_questions(actor) or actor.organisation_id != question.referral.authority_id:
        raise NotAllowed("Only the placing authority's commissioners can answer questions.")
    text = _text(answer, "answer", ANSWER_MISSING)
    referral = dangerously_unscoped(Referral).select_for_update().get(pk=question.referral_id)
    locked = dangerously_unscoped(ReferralQuestion).select_for_update().get(pk=question.pk)
    if locked.answered_at is not None:
        raise WrongState(ALREADY_ANSWERED)
    if referral.state != ReferralState.OPEN:
        raise WrongState(
            f"Referral {referral.reference} is {referral.get_state_display().lower()}, so its "
            "questions can no longer be answered."
        )
    before = snapshot(locked, ["answer", "answered_at", "answered_by_id"])
    locked.answer = text
    locked.answered_at = timezone.now()
    locked.answered_by = actor.user if actor.user.pk else None
    locked.save(update_fields=["answer", "answered_at", "answered_by"])
    audit_record(
        actor=actor,
        verb=AuditVerb.UPDATED,
        obj=locked,
        before=before,
        after=snapshot(locked, ["answer", "answered_at", "answered_by_id"]),
    )
    notify(
        recipients=invitee_users(referral.pk),
        event_key=f"referral-question-answered:{locked.pk}",
        template="notifications/referrals_question_answered",
        context={"referral": referral, "question": locked},
        url=reverse("referrals:invitation-list"),
    )
    return locked
