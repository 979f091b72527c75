"""Raising a rating alert when a confirmed judgement calls for one, and acknowledging it.

`alerts_for_judgement` is named in `settings.JUDGEMENT_CONFIRMED_HANDLERS`: the recording of a
judgement (a page, the API, the Ofsted import) and the lead authority's check call it in their
transaction, under the setting's lock, whenever a judgement that counts is new or changed
(`providers.inspections.services.hooks`). It asks `is_alert_worthy` (so a predecessor school's
inspection never alerts) and alerts only when the judgement is now the setting's current one in
its remit: an older inspection filed late does not describe the setting today.

Who is told: the senior managers in the named posts (`ALERT_POSITIONS`) of every authority with a
child placed there now (an ACTIVE agreement at the setting), and the lead authority (its senior
managers in those posts and its evaluators). One `AlertRecipient` per person and authority; the
notification of each authority names only the number of that authority's own placements, never
a child (the page shows the names, audited, to that authority alone).
"""

from __future__ import annotations

import hashlib
import json

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from contracts.models import Agreement, AgreementState
from fps_portal.accounts.models import Organisation, Role, User
from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record, snapshot
from fps_portal.errors import NotAllowed
from fps_portal.notifications.services import notify
from fps_portal.scoping import dangerously_unscoped
from providers.inspections.bands import Band, BandResult, is_alert_worthy
from providers.inspections.models import InspectionJudgement
from providers.inspections.selectors import latest_confirmed_judgements
from providers.inspections.services import JudgementConfirmed, band_summary
from providers.models import Setting
from quality.models import AlertRecipient, DecisionState, RatingAlert
from quality.permissions import ALERT_POSITIONS, reads_alerts

ALERT_FIELDS = [
    "setting",
    "judgement",
    "previous_judgement",
    "previous_band",
    "previous_summary",
    "previous_inspected_on",
    "new_band",
    "new_summary",
    "new_inspected_on",
    "new_published_on",
    "reasons",
    "decision_state",
]
NOT_TOLD = "This alert was not sent to your authority."


def _fingerprint(judgement: InspectionJudgement) -> str:
    graded = json.dumps(
        [judgement.pk, judgement.grades, judgement.category_of_concern, judgement.remit],
        sort_keys=True,
    )
    return hashlib.sha256(graded.encode()).hexdigest()


def _is_current(judgement: InspectionJudgement) -> bool:
    same_remit = list(
        dangerously_unscoped(InspectionJudgement).filter(
            setting_id=judgement.setting_id, remit=judgement.remit
        )
    )
    return any(j.pk == judgement.pk for j in latest_confirmed_judgements(same_remit))


def _previous_summary(judgement: InspectionJudgement, previous: BandResult) -> str:
    """The previous judgement's deciding grades, as they read before this one."""
    return band_summary(
        InspectionJudgement(framework=judgement.framework, band_reasons=list(previous.reasons))
    )


def placing_authority_ids(setting_id: int) -> list[int]:
    """Authorities with a child placed at the setting now: an ACTIVE agreement there."""
    return sorted(
        set(
            dangerously_unscoped(Agreement)
            .filter(setting_id=setting_id, state=AgreementState.ACTIVE)
            .values_list("authority_id", flat=True)
        )
    )


def people_to_tell(authority: Organisation) -> list[User]:
    """The authority's senior managers in the named posts; for the lead authority, its
    evaluators too (they decide on a fail band)."""
    seniors = User.objects.filter(
        is_active=True,
        memberships__organisation_id=authority.pk,
        memberships__role=Role.SENIOR_MANAGER,
        memberships__senior_position__in=ALERT_POSITIONS,
        memberships__is_active=True,
    )
    people = list(seniors.distinct())
    if authority.is_lead:
        evaluators = User.objects.filter(
            is_active=True,
            memberships__organisation_id=authority.pk,
            memberships__role=Role.LEAD_EVALUATOR,
            memberships__is_active=True,
        ).distinct()
        people += [u for u in evaluators if u.pk not in {p.pk for p in people}]
    return sorted(people, key=lambda u: u.pk)


def _alert_from(
    event: JudgementConfirmed, judgement: InspectionJudgement, reasons: str
) -> RatingAlert:
    # A correction of the same inspection has no other row to name: its old grades are in
    # `event.previous`.
    previous_id = event.previous_judgement_id
    previous_row = (
        dangerously_unscoped(InspectionJudgement).filter(pk=previous_id).first()
        if previous_id is not None and previous_id != judgement.pk
        else None
    )
    previous = event.previous
    return RatingAlert(
        setting_id=judgement.setting_id,
        judgement=judgement,
        fingerprint=_fingerprint(judgement),
        previous_judgement=previous_row,
        previous_band=previous.band.value if previous else "",
        previous_summary=(
            band_summary(previous_row)
            if previous_row is not None
            else (_previous_summary(judgement, previous) if previous else "")
        ),
        previous_inspected_on=previous_row.inspection_start_date if previous_row else None,
        previous_published_on=previous_row.publication_date if previous_row else None,
        new_band=judgement.band,
        new_summary=band_summary(judgement),
        new_inspected_on=judgement.inspection_start_date,
        new_published_on=judgement.publication_date,
        reasons=reasons,
        decision_state=DecisionState.PENDING if judgement.band == Band.FAIL else DecisionState.NONE,
    )


@transaction.atomic
def alerts_for_judgement(event: JudgementConfirmed) -> RatingAlert | None:
    """The alert this confirmed judgement raises, told to everyone who must act; None when it
    raises none. The same judgement with the same grades raises one alert, however often it is
    recorded or confirmed."""
    worthy, reasons = is_alert_worthy(
        event.previous,
        event.current,
        previous_grades=event.previous_grades,
        current_grades=event.current_grades,
        relates_to_current_urn=event.relates_to_current_urn,
    )
    if not worthy:
        return None
    judgement = (
        dangerously_unscoped(InspectionJudgement)
        .select_related("setting", "setting__provider")
        .get(pk=event.judgement_id)
    )
    if not _is_current(judgement):
        return None
    if RatingAlert.objects.filter(fingerprint=_fingerprint(judgement)).exists():
        return None
    alert = _alert_from(event, judgement, reasons)
    try:
        with transaction.atomic():
            alert.save()
    except IntegrityError:  # raised meanwhile by another transaction for the same grades
        return None
    told = _tell_everyone(alert, judgement.setting)
    audit_record(
        actor=event.actor,
        verb=AuditVerb.CREATED,
        obj=alert,
        after={
            **snapshot(alert, ALERT_FIELDS),
            "recipients": [[r.user_id, r.authority_id] for r in told],
        },
        reason=reasons,
    )
    if alert.decision_state == DecisionState.PENDING:
        _put_under_review(judgement.setting, alert, event.actor)
    return alert


def _tell_everyone(alert: RatingAlert, setting: Setting) -> list[AlertRecipient]:
    placing = placing_authority_ids(setting.pk)
    lead = Organisation.objects.filter(is_lead=True).first()
    ids = placing + ([lead.pk] if lead is not None and lead.pk not in placing else [])
    authorities = {a.pk: a for a in Organisation.objects.filter(pk__in=ids)}
    rows: list[AlertRecipient] = []
    for authority_id in ids:
        authority = authorities[authority_id]
        people = people_to_tell(authority)
        rows += [AlertRecipient(alert=alert, user=u, authority=authority) for u in people]
        placed = (
            dangerously_unscoped(Agreement)
            .filter(setting_id=setting.pk, authority_id=authority_id, state=AgreementState.ACTIVE)
            .count()
        )
        notify(
            recipients=people,
            event_key=f"quality.rating_alert.{alert.pk}.{authority_id}",
            template="notifications/quality_rating_alert",
            context={
                "alert": alert,
                "setting": setting,
                "authority_name": authority.name,
                "placed": placed,
                "is_lead": authority.is_lead,
            },
            url=reverse("quality:alert", args=[alert.pk]),
        )
    AlertRecipient.objects.bulk_create(rows)
    return rows


def _put_under_review(setting: Setting, alert: RatingAlert, actor: Actor | None) -> None:
    locked = dangerously_unscoped(Setting).select_for_update().get(pk=setting.pk)
    if locked.under_review_since is not None:
        return
    locked.under_review_since = timezone.now()
    # Only this column: the search fields' receivers have nothing to recompute for it.
    dangerously_unscoped(Setting).filter(pk=locked.pk).update(
        under_review_since=locked.under_review_since
    )
    setting.under_review_since = locked.under_review_since
    audit_record(
        actor=actor,
        verb=AuditVerb.STATE_CHANGED,
        obj=locked,
        before={"under_review_since": None},
        after=snapshot(locked, ["under_review_since"]),
        reason=f"Under review: rating alert {alert.pk} is a fail band awaiting the lead "
        "authority's decision.",
    )


@transaction.atomic
def alert_acknowledge(*, actor: Actor, alert: RatingAlert) -> AlertRecipient:
    """The actor acknowledges the alert for their authority (who, when). Acknowledging again
    changes nothing: the first acknowledgement stands. Someone in the authority who was not
    told (appointed since) acknowledges under their own name."""
    if not reads_alerts(actor):
        raise NotAllowed("Only senior managers and the lead authority's evaluators acknowledge.")
    locked = RatingAlert.objects.select_for_update().get(pk=alert.pk)
    if not AlertRecipient.objects.filter(alert=locked, authority_id=actor.organisation_id).exists():
        raise NotAllowed(NOT_TOLD)
    recipient, _ = AlertRecipient.objects.select_for_update().get_or_create(
        alert=locked, user=actor.user, authority_id=actor.organisation_id
    )
    if recipient.acknowledged_at is not None:
        return recipient
    recipient.acknowledged_at = timezone.now()
    recipient.acknowledged_by = actor.user
    recipient.save(update_fields=["acknowledged_at", "acknowledged_by"])
    audit_record(
        actor=actor,
        verb=AuditVerb.DECIDED,
        obj=recipient,
        after={
            "alert": locked.pk,
            "authority": recipient.authority_id,
            "acknowledged_at": recipient.acknowledged_at.isoformat(),
        },
        reason="Rating alert acknowledged.",
    )
    return recipient
