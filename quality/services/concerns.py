"""Raising a concern, recording on its stages and closing it (seed 002, l.307-336, l.514-550).

A concern is raised by a practitioner of the placing authority, or recorded by one of them from
someone outside the council (with who raised it). It opens at stage 1 with an agreed timescale
of at most 10 working days (England's bank holidays are not working days). The authority's
named safeguarding contact is told at once when it is an immediate safety concern, and told of
every concern (l.319: "ensure your safeguarding lead is consulted throughout"). Every step is an
entry on the current stage: the stage's record of what was raised, answered and decided, who was
informed and what the safeguarding lead advised. Closing needs the outcome for the child.

Lock order: the concern, then its current stage.
"""

from __future__ import annotations

import datetime
import uuid

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from contracts.models import Agreement
from fps_portal.accounts.models import Organisation, OrganisationKind, User
from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record
from fps_portal.errors import InvalidInput, NotAllowed, WrongState
from fps_portal.notifications.services import notify
from fps_portal.once import already_made, create_once
from fps_portal.transitions import transition
from providers.models import Setting
from quality.concern_permissions import handles_concerns
from quality.models import (
    CONCERN_TRANSITIONS,
    MAX_STAGE_WORKING_DAYS,
    PROVIDER_SEES_FROM_STAGE,
    RECORDED_KINDS,
    Concern,
    ConcernCategory,
    ConcernEntry,
    ConcernSource,
    ConcernStage,
    ConcernState,
    EntryKind,
    StageEnd,
)
from quality.services.concern_recipients import names_of, people_concerned, safeguarding_contacts
from referrals.scope_rules import places_children
from referrals.working_days import add_working_days

ABOUT_MISSING = "Select the placement, setting or provider the concern is about."
PLACEMENT_NOT_YOURS = "Select a placement of your authority."
PLACEMENT_NAMES_CHILD = (
    "Only commissioners and senior managers can raise a concern about a placement, because it "
    "names the child. Raise it about the setting instead."
)
SETTING_NOT_PLACEMENTS = "The setting must be the placement's setting, or leave it empty."
PROVIDER_NOT_SETTINGS = "The provider must be the one that runs the setting, or leave it empty."
CATEGORY_MISSING = "Select what the concern is about."
SUMMARY_MISSING = "Enter a short summary of the concern."
SUMMARY_TOO_LONG = "The summary must be 200 characters or fewer."
DESCRIPTION_MISSING = "Enter what was raised, with the evidence for it."
RAISER_MISSING = "Enter the name of the person outside the council who raised the concern."
SOURCE_MISSING = "Select who raised the concern."
TIMESCALE_WRONG = (
    f"Enter an agreed timescale from 1 to {MAX_STAGE_WORKING_DAYS} working days: no stage may "
    "take longer."
)
TEXT_MISSING = "Enter what was said, decided or advised."
KIND_MISSING = "Select what you are recording."
PROVIDER_ANSWERS_ONLY = "The provider records its answer to the concern."
OUTCOME_MISSING = "Enter the outcome for the child: how the resolution improved things for them."
CLOSED_ALREADY = "This concern is closed, so nothing more can be recorded on it."


def current_stage(concern: Concern) -> ConcernStage:
    return ConcernStage.objects.get(concern=concern, number=concern.stage)


def stage_due_on(opened: datetime.date, timescale_days: int) -> datetime.date:
    """The last day of a stage opened on `opened` with an agreed timescale in working days."""
    return add_working_days(opened, timescale_days)


def check_timescale(timescale_days: int | None) -> int:
    if timescale_days is None or not 1 <= timescale_days <= MAX_STAGE_WORKING_DAYS:
        raise InvalidInput.on_fields({"timescale_days": TIMESCALE_WRONG})
    return timescale_days


def require_staff(actor: Actor, concern: Concern) -> None:
    if not (handles_concerns(actor) and actor.organisation_id == concern.authority_id):
        raise NotAllowed("Only the placing authority's practitioners can do this.")


def add_entry(
    concern: Concern,
    stage: ConcernStage,
    kind: str,
    text: str,
    *,
    actor: Actor | None,
) -> ConcernEntry:
    return ConcernEntry.objects.create(
        concern=concern,
        stage=stage,
        kind=kind,
        text=text,
        by=actor.user if actor is not None else None,
        by_provider=actor is not None and actor.is_provider,
    )


def inform(
    concern: Concern,
    stage: ConcernStage,
    *,
    recipients: list[User],
    event_key: str,
    template: str,
    context: dict[str, object],
    what: str,
) -> None:
    """Tell `recipients` and record on the stage who was told (seed 002: the record says who
    was informed)."""
    if not recipients:
        return
    notify(
        recipients=recipients,
        event_key=event_key,
        template=template,
        context={"concern": concern, "stage": stage, **context},
        url=reverse("quality:concern", args=[concern.pk]),
    )
    add_entry(concern, stage, EntryKind.INFORMED, f"{what}: {names_of(recipients)}.", actor=None)


def _subject(
    actor: Actor,
    provider: Organisation | None,
    setting: Setting | None,
    agreement: Agreement | None,
) -> tuple[Organisation | None, Setting | None, dict[str, str]]:
    problems: dict[str, str] = {}
    if agreement is not None:
        if not places_children(actor):
            problems["agreement"] = PLACEMENT_NAMES_CHILD
        elif agreement.authority_id != actor.organisation_id:
            problems["agreement"] = PLACEMENT_NOT_YOURS
        elif setting is not None and setting.pk != agreement.setting_id:
            problems["setting"] = SETTING_NOT_PLACEMENTS
        else:
            setting = agreement.setting
            if provider is not None and provider.pk != agreement.provider_id:
                problems["provider"] = PROVIDER_NOT_SETTINGS
            provider = agreement.provider
    if setting is not None and not problems:
        if provider is not None and provider.pk != setting.provider_id:
            problems["provider"] = PROVIDER_NOT_SETTINGS
        provider = setting.provider
    if provider is None and not problems:
        problems["about"] = ABOUT_MISSING
    elif provider is not None and provider.kind != OrganisationKind.PROVIDER:
        problems["provider"] = ABOUT_MISSING
    return provider, setting, problems


def concern_raise(
    *,
    actor: Actor,
    category: str,
    summary: str,
    description: str,
    provider: Organisation | None = None,
    setting: Setting | None = None,
    agreement: Agreement | None = None,
    immediate_safety: bool = False,
    source: str = ConcernSource.PRACTITIONER,
    raised_by_name: str = "",
    raised_by_role: str = "",
    raised_by_contact: str = "",
    timescale_days: int | None = MAX_STAGE_WORKING_DAYS,
    submission_key: uuid.UUID | None = None,
) -> Concern:
    """Raise (or record from outside the council) a concern at stage 1. Every problem with the
    input is answered at once, on its field; nothing is written then."""
    if not handles_concerns(actor):
        raise NotAllowed("Only the placing authority's practitioners raise concerns.")
    earlier = Concern.objects.filter(authority_id=actor.organisation_id)
    if (made := already_made(earlier, submission_key)) is not None:
        return made
    summary, description = summary.strip(), description.strip()
    raised_by_name = raised_by_name.strip()
    provider, setting, problems = _subject(actor, provider, setting, agreement)
    if category not in ConcernCategory.values:
        problems["category"] = CATEGORY_MISSING
    if not summary:
        problems["summary"] = SUMMARY_MISSING
    elif len(summary) > 200:
        problems["summary"] = SUMMARY_TOO_LONG
    if not description:
        problems["description"] = DESCRIPTION_MISSING
    if source not in ConcernSource.values:
        problems["source"] = SOURCE_MISSING
    elif source == ConcernSource.EXTERNAL and not raised_by_name:
        problems["raised_by_name"] = RAISER_MISSING
    if timescale_days is None or not 1 <= timescale_days <= MAX_STAGE_WORKING_DAYS:
        problems["timescale_days"] = TIMESCALE_WRONG
    if problems:
        raise InvalidInput.on_fields(problems)
    authority_id = actor.organisation_id
    assert provider is not None and timescale_days is not None and authority_id is not None
    external = source == ConcernSource.EXTERNAL
    with transaction.atomic():
        concern, created = create_once(
            earlier=earlier,
            submission_key=submission_key,
            create=lambda: Concern.objects.create(
                authority_id=authority_id,
                provider=provider,
                setting=setting,
                agreement=agreement,
                category=category,
                summary=summary,
                description=description,
                immediate_safety=immediate_safety,
                source=source,
                raised_by=None if external else actor.user,
                raised_by_name=raised_by_name if external else "",
                raised_by_role=raised_by_role.strip() if external else "",
                raised_by_contact=raised_by_contact.strip() if external else "",
                recorded_by=actor.user,
                submission_key=submission_key,
            ),
        )
        if not created:
            return concern
        today = timezone.localdate()
        stage = ConcernStage.objects.create(
            concern=concern,
            number=1,
            opened_by=actor.user,
            timescale_days=timescale_days,
            due_on=stage_due_on(today, timescale_days),
        )
        # Who raised it from outside stays on the concern, which the provider never reads: a
        # parent or a member of its staff who speaks up must not be named to it.
        add_entry(concern, stage, EntryKind.RAISED, f"{summary}. {description}", actor=actor)
        audit_record(
            actor=actor,
            verb=AuditVerb.CREATED,
            obj=concern,
            after={
                "provider": provider.pk,
                "setting": setting.pk if setting else None,
                "agreement": agreement.pk if agreement else None,
                "category": category,
                "immediate_safety": immediate_safety,
                "source": source,
                "due_on": stage.due_on,
            },
        )
        _tell_safeguarding(concern, stage)
    return concern


def _tell_safeguarding(concern: Concern, stage: ConcernStage) -> None:
    contacts, named = safeguarding_contacts(concern.authority_id)
    fallback = "" if named else " (no safeguarding lead is named: told the DCS instead)"
    if concern.immediate_safety:
        concern.safety_flagged_at = timezone.now()
        concern.save(update_fields=["safety_flagged_at"])
        add_entry(
            concern,
            stage,
            EntryKind.SAFETY_FLAGGED,
            f"Immediate safety concern flagged at once to {names_of(contacts)}{fallback}.",
            actor=None,
        )
    inform(
        concern,
        stage,
        recipients=contacts,
        event_key=f"concern-raised:{concern.pk}",
        template="notifications/concern_safety"
        if concern.immediate_safety
        else "notifications/concern_raised",
        context={"named": named},
        what=f"The safeguarding lead consulted{fallback}",
    )


def concern_record(*, actor: Actor, concern: Concern, kind: str, text: str) -> ConcernEntry:
    """Record on the current stage what was answered, decided, who was informed outside the
    portal, or the safeguarding lead's advice. The provider records its answer only."""
    text = text.strip()
    if actor.is_provider:
        if actor.organisation_id != concern.provider_id or concern.stage < PROVIDER_SEES_FROM_STAGE:
            raise NotAllowed("Only the provider the concern is about can answer it.")
        if kind != EntryKind.ANSWERED:
            raise InvalidInput.on_fields({"kind": PROVIDER_ANSWERS_ONLY})
    else:
        require_staff(actor, concern)
        if kind not in RECORDED_KINDS:
            raise InvalidInput.on_fields({"kind": KIND_MISSING})
    if not text:
        raise InvalidInput.on_fields({"text": TEXT_MISSING})
    with transaction.atomic():
        locked = Concern.objects.select_for_update().get(pk=concern.pk)
        if locked.state != ConcernState.OPEN:
            raise WrongState(CLOSED_ALREADY)
        stage = current_stage(locked)
        entry = add_entry(locked, stage, kind, text, actor=actor)
        audit_record(
            actor=actor,
            verb=AuditVerb.UPDATED,
            obj=locked,
            after={"recorded": kind, "stage": stage.number},
        )
        if actor.is_provider:
            staff = [u for u in people_concerned(locked) if not _acts_for(u, locked.provider_id)]
            inform(
                locked,
                stage,
                recipients=staff,
                event_key=f"concern-answered:{entry.pk}",
                template="notifications/concern_answered",
                context={"entry": entry},
                what="Told of the provider's answer",
            )
    return entry


def _acts_for(user: User, organisation_id: int) -> bool:
    return user.memberships.filter(organisation_id=organisation_id, is_active=True).exists()


def concern_close(*, actor: Actor, concern: Concern, outcome_for_child: str) -> Concern:
    """Close the concern with the outcome for the child (seed 002, l.316: "how the resolution
    improved outcomes for the child"), refused on the field without it."""
    require_staff(actor, concern)
    outcome = outcome_for_child.strip()
    if not outcome:
        raise InvalidInput.on_fields({"outcome_for_child": OUTCOME_MISSING})
    with transaction.atomic():
        locked = Concern.objects.select_for_update().get(pk=concern.pk)
        stage = current_stage(locked)
        transition(
            locked,
            to=ConcernState.CLOSED,
            table=CONCERN_TRANSITIONS,
            event="closed",
            by=actor.user,
            also={"outcome_for_child": outcome},
            what="concern",
            actor=actor,
        )
        stage.closed_at, stage.ended = locked.closed_at, StageEnd.RESOLVED
        stage.save(update_fields=["closed_at", "ended"])
        add_entry(locked, stage, EntryKind.CLOSED, f"Outcome for the child: {outcome}", actor=actor)
        inform(
            locked,
            stage,
            recipients=people_concerned(locked),
            event_key=f"concern-closed:{locked.pk}",
            template="notifications/concern_closed",
            context={},
            what="Told it was closed",
        )
    return locked
