"""The Requires Improvement / Inadequate gate (seed 002; REQUIREMENTS C1-C9).

An award to a setting whose band is concern or fail waits (AwardState.AWAITING_SIGN_OFF) until:
1. the provider's summary of the inspection requirements and its action plan are attached;
2. the risk management approach, with a planned quality visit, is written;
3. the CSW service manager and the commissioning service manager (senior managers holding those
   posts) have each signed it off;
4. then the child's social worker and Independent Reviewing Officer are alerted by e-mail (for a
   child with neither, the SEND caseworker named on the record; through the outbox for outside
   addresses, `notifications.services.email_outside`), the placement is marked for
   additional monitoring, and the award completes.
Each step is audited. The approach cannot change once someone has signed it. Lock order as in
`awards`: the referral, the award, then its approval record.
"""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from fps_portal.accounts.models import SeniorPosition
from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record, snapshot
from fps_portal.errors import InvalidInput, NotAllowed, WrongState
from fps_portal.notifications.services import email_outside
from fps_portal.scoping import dangerously_unscoped
from fps_portal.transitions import lock
from providers.uploads import check_upload
from referrals.models import Award, AwardState, Child, Referral, RiskApproval
from referrals.permissions import can_sign_off_as
from referrals.scope_rules import places_children
from referrals.services.awards import award_complete

NOT_AT_SIGN_OFF = "This award is not waiting for the risk sign-offs."
APPROACH_MISSING = "Enter the risk management approach."
VISIT_MISSING = "Enter the date of the planned quality visit."
VISIT_IN_PAST = "The quality visit must be planned for today or later."
SIGNED_ALREADY = "The approach has been signed off, so it cannot be changed."
DOCUMENTS_FIRST = "Attach the inspection summary and the action plan before signing off."
APPROACH_FIRST = "Write the risk management approach and plan the quality visit before signing off."
ALREADY_SIGNED = "The {post} has already signed this off."
NOT_A_SIGNER = "Only the CSW service manager and the commissioning service manager sign this off."
SAME_PERSON = "The two sign-offs must be by two different people."

APPROVAL_FIELDS = [
    "inspection_summary_filename",
    "action_plan_filename",
    "documents_attached_at",
    "risk_approach",
    "quality_visit_planned_on",
    "csw_manager_signed_at",
    "csw_manager_signed_by",
    "commissioning_manager_signed_at",
    "commissioning_manager_signed_by",
    "alerted_at",
    "alerted",
]


def _locked(actor: Actor, approval: RiskApproval) -> tuple[Referral, Award, RiskApproval]:
    award = dangerously_unscoped(Award).get(pk=approval.award_id)
    referral = dangerously_unscoped(Referral).get(pk=award.referral_id)
    if referral.authority_id != actor.organisation_id or not places_children(actor):
        raise NotAllowed("Only the placing authority's own staff take the risk steps.")
    referral = lock(referral)
    award = dangerously_unscoped(Award).select_for_update().get(pk=award.pk)
    locked = dangerously_unscoped(RiskApproval).select_for_update().get(pk=approval.pk)
    if award.state != AwardState.AWAITING_SIGN_OFF:
        raise WrongState(NOT_AT_SIGN_OFF)
    return referral, award, locked


def _audit(actor: Actor, approval: RiskApproval, before: dict, reason: str) -> None:
    audit_record(
        actor=actor,
        verb=AuditVerb.UPDATED,
        obj=approval,
        before=before,
        after=snapshot(approval, APPROVAL_FIELDS),
        reason=reason,
    )


def signed(approval: RiskApproval) -> bool:
    return bool(approval.csw_manager_signed_at or approval.commissioning_manager_signed_at)


@transaction.atomic
def risk_attach_documents(
    *,
    actor: Actor,
    approval: RiskApproval,
    inspection_summary: UploadedFile | None,
    action_plan: UploadedFile | None,
) -> RiskApproval:
    """Attaches the provider's summary of the inspection requirements and its action plan (the
    upload rules of onboarding); both at once, replacing earlier ones until someone signs."""
    _referral, _award, locked = _locked(actor, approval)
    if signed(locked):
        raise WrongState(SIGNED_ALREADY)
    errors: dict[str, list[str]] = {}
    checked = {}
    for field, upload in (("inspection_summary", inspection_summary), ("action_plan", action_plan)):
        try:
            checked[field] = check_upload(upload, field=field)
        except InvalidInput as exc:
            errors.update(exc.fields)
    if errors:
        raise InvalidInput.on_fields(errors)
    before = snapshot(locked, APPROVAL_FIELDS)
    assert inspection_summary is not None and action_plan is not None
    locked.inspection_summary.save("summary.bin", inspection_summary, save=False)
    locked.inspection_summary_filename = checked["inspection_summary"].original_filename
    locked.action_plan.save("plan.bin", action_plan, save=False)
    locked.action_plan_filename = checked["action_plan"].original_filename
    locked.documents_attached_at = timezone.now()
    locked.save()
    _audit(actor, locked, before, "Inspection summary and action plan attached.")
    return locked


@transaction.atomic
def risk_record_approach(
    *,
    actor: Actor,
    approval: RiskApproval,
    risk_approach: str,
    quality_visit_planned_on: datetime.date | None,
) -> RiskApproval:
    """Writes the risk management approach and the planned quality visit (C7)."""
    _referral, _award, locked = _locked(actor, approval)
    if signed(locked):
        raise WrongState(SIGNED_ALREADY)
    risk_approach = risk_approach.strip()
    errors: dict[str, str] = {}
    if not risk_approach:
        errors["risk_approach"] = APPROACH_MISSING
    if quality_visit_planned_on is None:
        errors["quality_visit_planned_on"] = VISIT_MISSING
    elif quality_visit_planned_on < timezone.localdate():
        errors["quality_visit_planned_on"] = VISIT_IN_PAST
    if errors:
        raise InvalidInput.on_fields(errors)
    before = snapshot(locked, APPROVAL_FIELDS)
    locked.risk_approach = risk_approach
    locked.quality_visit_planned_on = quality_visit_planned_on
    locked.save(update_fields=["risk_approach", "quality_visit_planned_on"])
    _audit(actor, locked, before, "Risk management approach written.")
    return locked


def sign_off_blocker(approval: RiskApproval) -> str:
    """Why the approach cannot be signed yet ("" when it can): the one definition the page and
    the service share."""
    if approval.documents_attached_at is None:
        return DOCUMENTS_FIRST
    if not approval.risk_approach or approval.quality_visit_planned_on is None:
        return APPROACH_FIRST
    return ""


@transaction.atomic
def risk_sign_off(*, actor: Actor, approval: RiskApproval) -> RiskApproval:
    """The CSW service manager or the commissioning service manager signs the approach off (by
    the post the actor holds). When both have, the alerts go and the award completes."""
    position = can_sign_off_as(actor)
    if not position:
        raise NotAllowed(NOT_A_SIGNER)
    referral, award, locked = _locked(actor, approval)
    if blocker := sign_off_blocker(locked):
        raise WrongState(blocker)
    csw = position == SeniorPosition.CSW_SERVICE_MANAGER
    stamp = "csw_manager_signed" if csw else "commissioning_manager_signed"
    other = "commissioning_manager_signed_by" if csw else "csw_manager_signed_by"
    if getattr(locked, f"{stamp}_at") is not None:
        raise WrongState(ALREADY_SIGNED.format(post=SeniorPosition(position).label.lower()))
    if getattr(locked, f"{other}_id") == actor.user.pk:
        raise WrongState(SAME_PERSON)
    before = snapshot(locked, APPROVAL_FIELDS)
    setattr(locked, f"{stamp}_at", timezone.now())
    setattr(locked, f"{stamp}_by", actor.user)
    locked.save(update_fields=[f"{stamp}_at", f"{stamp}_by"])
    audit_record(
        actor=actor,
        verb=AuditVerb.SIGNED,
        obj=locked,
        before=before,
        after=snapshot(locked, APPROVAL_FIELDS),
        reason=f"Signed off as {SeniorPosition(position).label.lower()}.",
    )
    if locked.csw_manager_signed_at and locked.commissioning_manager_signed_at:
        _alert_and_complete(actor=actor, referral=referral, award=award, approval=locked)
    return locked


def alert_recipients(child: Child | None) -> list[tuple[str, str, str]]:
    """(role, name, e-mail) of who is alerted: the social worker and the IRO where the record
    names them, otherwise the SEND caseworker (the portal's adaptation for school places)."""
    if child is None:
        return []
    people = [
        ("social worker", child.social_worker_name, child.social_worker_email),
        ("Independent Reviewing Officer", child.iro_name, child.iro_email),
    ]
    named = [p for p in people if p[2]]
    if named:
        return named
    return [("SEND caseworker", child.caseworker_name, child.caseworker_email)]


def _alert_and_complete(
    *, actor: Actor, referral: Referral, award: Award, approval: RiskApproval
) -> None:
    child = (
        dangerously_unscoped(Child).filter(pk=referral.child_id).first()
        if referral.child_id is not None
        else None
    )
    recipients = alert_recipients(child)
    before = snapshot(approval, APPROVAL_FIELDS)
    approval.alerted_at = timezone.now()
    approval.alerted = [{"role": role, "email": email} for role, _name, email in recipients]
    approval.save(update_fields=["alerted_at", "alerted"])
    _audit(actor, approval, before, "Alerted: " + ", ".join(r for r, _n, _e in recipients))
    award.additional_monitoring = True
    award.save(update_fields=["additional_monitoring"])
    audit_record(
        actor=actor,
        verb=AuditVerb.UPDATED,
        obj=award,
        before={"additional_monitoring": False},
        after={"additional_monitoring": True},
        reason="Placed in a setting rated Requires Improvement or Inadequate.",
    )
    # These people are the authority's staff, not necessarily portal users, so the alert goes
    # through the outbox for outside addresses: a row each in this transaction, sent by a worker
    # after commit, retried by the sweep if lost, never twice (one row per event and address;
    # the stamp above, taken under the award's lock, means the event happens once).
    email_outside(
        addresses=[email for _role, _name, email in recipients],
        event_key=f"risk-alert:{approval.pk}",
        template="notifications/referrals_risk_alert",
        context={"award": award, "referral": referral, "child": child, "approval": approval},
    )
    award_complete(award=award, referral=referral, actor=actor)
