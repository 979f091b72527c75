"""Demo data for concerns and their four-stage escalation (issue 14, seed 002), made through the
quality services as Sefton's people would make them:

- Sefton's QA officer (qa@sefton.example) raised a concern about Oakfield House's night
  staffing; its commissioning service manager (commissioningmanager@sefton.example) escalated it
  to stage 2, contacting Oakfield's head of care, so Oakfield (bids@oakfield.example) sees it and
  can answer it. Sefton's safeguarding lead (safeguarding@sefton.example) was told and advised.
- Sefton's commissioner (placements@sefton.example) raised a concern about SEF-2026-0005 at
  Mersey Vale School (missed therapy sessions); it went to stage 2 and nobody resolved it by the
  due date, so the escalation job took it to stage 3 by itself, with its letter of escalation
  (rendered by the worker, as in the portal). Its stages' dates are then moved back to when they
  would have happened, so the overdue stage is a real one.

Idempotent: each concern is raised with a fixed submission key, and each step is taken once.
"""

from __future__ import annotations

import datetime
import uuid

from django.db import transaction
from django.utils import timezone

from contracts.models import Agreement, AgreementState
from fps_portal.accounts.models import Organisation, OrganisationKind, User
from fps_portal.actors import Actor, actor_for_user
from providers.models import Setting
from quality.models import Concern, ConcernStage
from quality.services.concern_escalation import concern_escalate, concerns_escalate_overdue
from quality.services.concerns import concern_raise, concern_record, stage_due_on

STAGE_TWO_KEY = uuid.uuid5(uuid.NAMESPACE_URL, "demo:quality:concern:oakfield-night-staffing")
STAGE_THREE_KEY = uuid.uuid5(uuid.NAMESPACE_URL, "demo:quality:concern:merseyvale-therapy")


def _actor(email: str) -> Actor | None:
    user = User.objects.filter(email=email).first()
    return actor_for_user(user) if user is not None else None


def load_concerns() -> None:
    sefton = Organisation.objects.filter(kind=OrganisationKind.AUTHORITY, name="Sefton").first()
    qa, manager = _actor("qa@sefton.example"), _actor("commissioningmanager@sefton.example")
    commissioner = _actor("placements@sefton.example")
    safeguarding = _actor("safeguarding@sefton.example")
    if sefton is None or None in (qa, manager, commissioner, safeguarding):
        return
    assert qa and manager and commissioner and safeguarding
    oakfield = Setting.objects.filter(name="Oakfield House").first()
    if oakfield is not None:
        _stage_two(qa, manager, safeguarding, oakfield)
    placement = (
        Agreement.objects.filter(authority=sefton, state=AgreementState.ACTIVE)
        .select_related("setting")
        .order_by("pk")
        .first()
    )
    if placement is not None:
        _escalated_by_itself(commissioner, manager, placement)


def _stage_two(qa: Actor, manager: Actor, safeguarding: Actor, setting: Setting) -> None:
    if Concern.objects.filter(submission_key=STAGE_TWO_KEY).exists():
        return
    concern = concern_raise(
        actor=qa,
        setting=setting,
        category="staffing",
        summary="Night staffing below the agreed ratio",
        description="On two visits in November one waking night member of staff covered the "
        "whole residential unit, against the two the placement agreements provide for. The "
        "head of care said agency cover had fallen through; no plan to prevent it was shared.",
        timescale_days=5,
        submission_key=STAGE_TWO_KEY,
    )
    concern_record(
        actor=safeguarding,
        concern=concern,
        kind="consulted",
        text="Ask for the night rota for the last four weeks and the agency's confirmation; "
        "check each child's night-time plan is being followed.",
    )
    concern_escalate(
        actor=manager,
        concern=concern,
        reason="Not resolved at stage 1: the rota asked for has not been sent.",
        timescale_days=10,
        provider_contact="Head of care, Oakfield House",
    )


def _escalated_by_itself(commissioner: Actor, manager: Actor, placement: Agreement) -> None:
    if Concern.objects.filter(submission_key=STAGE_THREE_KEY).exists():
        return
    with transaction.atomic():
        concern = concern_raise(
            actor=commissioner,
            agreement=placement,
            category="health",
            summary="Speech and language therapy sessions missed",
            description="The EHC plan's weekly speech and language therapy has not happened for "
            "five weeks; the school says its therapist left. The parents raised it at the "
            "annual review.",
            submission_key=STAGE_THREE_KEY,
        )
        concern_escalate(
            actor=manager,
            concern=concern,
            reason="No therapist or interim arrangement named after ten working days.",
            provider_contact="Head teacher, Mersey Vale School",
        )
        _moved_back(concern)
    concerns_escalate_overdue()


def _moved_back(concern: Concern) -> None:
    """The concern raised five weeks ago, its stage 2 opened three weeks ago and now overdue,
    so the escalation job's run is the one that moves it (not a hand-made stage 3)."""
    today = timezone.localdate()
    raised = timezone.now() - datetime.timedelta(days=35)
    second = timezone.now() - datetime.timedelta(days=21)
    Concern.objects.filter(pk=concern.pk).update(raised_at=raised)
    ConcernStage.objects.filter(concern=concern, number=1).update(
        opened_at=raised, due_on=stage_due_on(raised.date(), 10), closed_at=second
    )
    due = stage_due_on(second.date(), 10)
    assert due < today
    ConcernStage.objects.filter(concern=concern, number=2).update(opened_at=second, due_on=due)
    concern.entries.filter(stage__number=1).update(at=raised)
    concern.entries.filter(stage__number=2).update(at=second)
