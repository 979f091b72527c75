"""Raising a rating alert when a confirmed judgement calls for one, and acknowledging it.

`alerts_for_judgements` is named in `settings.JUDGEMENT_CONFIRMED_HANDLERS`: the recording of a
judgement (a page, the API, the Ofsted import) and the lead authority's check call it in their
transaction, under the setting's lock, whenever a judgement that counts is new or changed
(`providers.inspections.services.hooks`), with every such event of the recording at once (one
from a page, the API or a check; a wave of hundreds from the import). For each event it asks
`is_alert_worthy` (so a predecessor school's inspection never alerts) and alerts only when the
judgement is now the setting's current one in its remit: an older inspection filed late does not
describe the setting today. The events are worked through together (their judgements, the alerts
already raised, the placements and the people to tell each read once; the alerts, recipients,
notifications and audit each written in one insert), so an import's thousand events take the
queries of one; if another transaction raises one of the same alerts meanwhile, the unique
fingerprint refuses the insert and each event is raised on its own instead.

Who is told: the senior managers in the named posts (`ALERT_POSITIONS`) of every authority with a
child placed there now (an ACTIVE agreement at the setting), and the lead authority (its senior
managers in those posts and its evaluators). One `AlertRecipient` per person and authority; the
notification of each authority names only the number of that authority's own placements, never
a child (the page shows the names, audited, to that authority alone).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from contracts.models import Agreement, AgreementState
from fps_portal.accounts.models import Membership, Organisation, Role, User
from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import AuditEntry, audit_record, audit_record_many, snapshot
from fps_portal.errors import NotAllowed
from fps_portal.notifications.services import Notice, notify_many
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


def _previous_summary(judgement: InspectionJudgement, previous: BandResult) -> str:
    """The previous judgement's deciding grades, as they read before this one."""
    return band_summary(
        InspectionJudgement(framework=judgement.framework, band_reasons=list(previous.reasons))
    )


def alerts_for_judgements(events: Sequence[JudgementConfirmed]) -> list[RatingAlert]:
    """The alerts these confirmed judgements raise, in the events' order, each told to everyone
    who must act; in a number of queries that does not grow with the events (a page's one event
    and an import's wave of them take the same). The same judgement with the same grades raises
    one alert, however often it is recorded or confirmed.

    What each event raises is what it would raise alone, one after another: the handlers run
    after every change they are told of is written, and an alert changes nothing another event's
    alert depends on but the setting's "under review" (the first fail band puts it there)."""
    worthy: list[tuple[JudgementConfirmed, str]] = []
    for event in events:
        is_worthy, reasons = is_alert_worthy(
            event.previous,
            event.current,
            previous_grades=event.previous_grades,
            current_grades=event.current_grades,
            relates_to_current_urn=event.relates_to_current_urn,
        )
        if is_worthy:
            worthy.append((event, reasons))
    if not worthy:
        return []  # no query, no savepoint: most of an import's judgements
    with transaction.atomic():
        return _raise(worthy)


def _raise(worthy: list[tuple[JudgementConfirmed, str]]) -> list[RatingAlert]:
    on_file = _judgements_of(worthy)
    current = {
        j.pk
        for same_remit in _by_remit(on_file.values()).values()
        for j in latest_confirmed_judgements(same_remit)
    }
    prints = {e.judgement_id: _fingerprint(on_file[e.judgement_id]) for e, _ in worthy}
    taken = _raised_already(set(prints.values()))
    raised: list[tuple[JudgementConfirmed, RatingAlert]] = []
    for event, reasons in worthy:
        # An older inspection filed late does not describe the setting today.
        if event.judgement_id not in current or prints[event.judgement_id] in taken:
            continue
        taken.add(prints[event.judgement_id])
        judgement = on_file[event.judgement_id]
        raised.append((event, _alert_from(event, judgement, on_file, reasons)))
    if not raised:
        return []
    try:
        with transaction.atomic():
            RatingAlert.objects.bulk_create([alert for _, alert in raised])
    except IntegrityError:  # one raised meanwhile by another transaction for the same grades
        if len(raised) == 1:
            return []
        # Each on its own, so only the one another transaction raised is left out.
        return [alert for event, _ in raised for alert in alerts_for_judgements([event])]
    told = _tell_everyone([alert for _, alert in raised])
    entries: list[tuple[Actor | None, AuditEntry]] = []
    under_review = _put_under_review([alert for _, alert in raised])
    for event, alert in raised:
        entries.append(
            (
                event.actor,
                AuditEntry(
                    verb=AuditVerb.CREATED,
                    obj=alert,
                    after={
                        **snapshot(alert, ALERT_FIELDS),
                        "recipients": [[r.user_id, r.authority_id] for r in told[alert.pk]],
                    },
                    reason=alert.reasons,
                ),
            )
        )
        if alert.pk in under_review:
            entries.append((event.actor, under_review[alert.pk]))
    _audit_in_order(entries)
    return [alert for _, alert in raised]


def _raised_already(fingerprints: set[str]) -> set[str]:
    """Which of these fingerprints an alert has already."""
    return set(
        RatingAlert.objects.filter(fingerprint__in=fingerprints).values_list(
            "fingerprint", flat=True
        )
    )


def _judgements_of(
    worthy: list[tuple[JudgementConfirmed, str]],
) -> dict[int, InspectionJudgement]:
    """The events' judgements, every other judgement of their settings (which is current in its
    remit) and the previous judgements the events name, with their settings and providers, in one
    query."""
    ids = {e.judgement_id for e, _ in worthy} | {
        e.previous_judgement_id for e, _ in worthy if e.previous_judgement_id is not None
    }
    found = {
        j.pk: j
        for j in dangerously_unscoped(InspectionJudgement)
        .select_related("setting", "setting__provider")
        .filter(Q(setting_id__in={e.setting_id for e, _ in worthy}) | Q(pk__in=ids))
    }
    missing = {e.judgement_id for e, _ in worthy} - found.keys()
    if missing:
        raise InspectionJudgement.DoesNotExist(f"No judgement {min(missing)}.")
    # One Setting per setting, so what is done to it (under review) shows on every judgement.
    settings: dict[int, Setting] = {}
    for judgement in found.values():
        judgement.setting = settings.setdefault(judgement.setting_id, judgement.setting)
    return found


def _by_remit(
    judgements: Iterable[InspectionJudgement],
) -> dict[tuple[int, str], list[InspectionJudgement]]:
    grouped: dict[tuple[int, str], list[InspectionJudgement]] = defaultdict(list)
    for judgement in judgements:
        grouped[(judgement.setting_id, judgement.remit)].append(judgement)
    return grouped


def _alert_from(
    event: JudgementConfirmed,
    judgement: InspectionJudgement,
    on_file: dict[int, InspectionJudgement],
    reasons: str,
) -> RatingAlert:
    # A correction of the same inspection has no other row to name: its old grades are in
    # `event.previous`.
    previous_id = event.previous_judgement_id
    previous_row = (
        on_file.get(previous_id)
        if previous_id is not None and previous_id != judgement.pk
        else None
    )
    previous = event.previous
    return RatingAlert(
        setting=judgement.setting,
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


def _placed(setting_ids: Iterable[int]) -> dict[int, Counter[int]]:
    """{setting: {authority: its children placed there now}}: ACTIVE agreements there."""
    placed: dict[int, Counter[int]] = defaultdict(Counter)
    for setting_id, authority_id in (
        dangerously_unscoped(Agreement)
        .filter(setting_id__in=list(setting_ids), state=AgreementState.ACTIVE)
        .values_list("setting_id", "authority_id")
    ):
        placed[setting_id][authority_id] += 1
    return placed


def _people_to_tell(authorities: Iterable[Organisation]) -> dict[int, list[User]]:
    """{authority: its senior managers in the named posts, and for the lead authority its
    evaluators too (they decide on a fail band)}, each person once, in the order of their ids."""
    authorities = list(authorities)
    memberships = (
        Membership.objects.filter(
            Q(role=Role.SENIOR_MANAGER, senior_position__in=ALERT_POSITIONS)
            | Q(
                role=Role.LEAD_EVALUATOR,
                organisation_id__in=[a.pk for a in authorities if a.is_lead],
            ),
            organisation_id__in=[a.pk for a in authorities],
            is_active=True,
            user__is_active=True,
        )
        .select_related("user")
        .order_by()
    )
    people: dict[int, dict[int, User]] = defaultdict(dict)
    for membership in memberships:
        people[membership.organisation_id][membership.user_id] = membership.user
    return {
        authority.pk: sorted(people[authority.pk].values(), key=lambda u: u.pk)
        for authority in authorities
    }


def _tell_everyone(alerts: list[RatingAlert]) -> dict[int, list[AlertRecipient]]:
    """Each alert told to the authorities with a child placed at its setting now and to the lead
    authority: {alert: its recipients}, the notifications of every alert made at once."""
    placed = _placed({a.setting_id for a in alerts})
    authorities = {
        a.pk: a
        for a in Organisation.objects.filter(
            Q(pk__in={pk for counts in placed.values() for pk in counts}) | Q(is_lead=True)
        )
    }
    lead = next((a for a in authorities.values() if a.is_lead), None)
    people = _people_to_tell(authorities.values())
    told: dict[int, list[AlertRecipient]] = {}
    notices: list[Notice] = []
    for alert in alerts:
        placing = sorted(placed[alert.setting_id])
        ids = placing + ([lead.pk] if lead is not None and lead.pk not in placing else [])
        told[alert.pk] = []
        for authority_id in ids:
            authority = authorities[authority_id]
            told[alert.pk] += [
                AlertRecipient(alert=alert, user=u, authority=authority)
                for u in people[authority_id]
            ]
            notices.append(
                Notice(
                    recipients=people[authority_id],
                    event_key=f"quality.rating_alert.{alert.pk}.{authority_id}",
                    template="notifications/quality_rating_alert",
                    context={
                        "alert": alert,
                        "setting": alert.setting,
                        "authority_name": authority.name,
                        "placed": placed[alert.setting_id][authority_id],
                        "is_lead": authority.is_lead,
                    },
                    url=reverse("quality:alert", args=[alert.pk]),
                )
            )
    notify_many(notices)
    AlertRecipient.objects.bulk_create([r for rows in told.values() for r in rows], batch_size=1000)
    return told


def _put_under_review(alerts: list[RatingAlert]) -> dict[int, AuditEntry]:
    """A fail band awaiting the lead authority's decision puts its setting under review, unless
    it is already: {alert: the audit entry of the setting it put there}."""
    pending = [a for a in alerts if a.decision_state == DecisionState.PENDING]
    if not pending:
        return {}
    locked = {
        s.pk: s
        for s in dangerously_unscoped(Setting)
        .select_for_update()
        .filter(pk__in={a.setting_id for a in pending})
        .order_by("pk")
    }
    now = timezone.now()
    entries: dict[int, AuditEntry] = {}
    for alert in pending:
        setting = locked[alert.setting_id]
        if setting.under_review_since is not None:
            continue
        setting.under_review_since = alert.setting.under_review_since = now
        entries[alert.pk] = AuditEntry(
            verb=AuditVerb.STATE_CHANGED,
            obj=setting,
            before={"under_review_since": None},
            after=snapshot(setting, ["under_review_since"]),
            reason=f"Under review: rating alert {alert.pk} is a fail band awaiting the lead "
            "authority's decision.",
        )
    if entries:
        # Only this column: the search fields' receivers have nothing to recompute for it.
        dangerously_unscoped(Setting).filter(
            pk__in={a.setting_id for a in pending if a.pk in entries}
        ).update(under_review_since=now)
    return entries


def _audit_in_order(entries: list[tuple[Actor | None, AuditEntry]]) -> None:
    """The entries in the order given, in one insert for each run of them by one actor (the
    events of one recording share theirs)."""
    run: list[AuditEntry] = []
    for n, (actor, entry) in enumerate(entries):
        run.append(entry)
        if n + 1 == len(entries) or entries[n + 1][0] is not actor:
            audit_record_many(actor=actor, entries=run)
            run = []


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
