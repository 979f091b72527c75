"""A world for the QA visit tests: Sefton (with its QA officer, senior manager and commissioner)
and Knowsley (with its QA officer), a provider with settings where Sefton has children placed
now (active agreements), another provider, and helpers to place more children and to complete
a visit through the services."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from contracts.models import Agreement, AgreementState
from contracts.services.orders import order_for_award
from fps_portal.accounts.models import Organisation, Role, User
from fps_portal.actors import Actor
from providers.models import Lot, Setting
from quality.models import AreaRating, QaVisit, VisitArea, VisitKind
from quality.services.visits import (
    AreaFinding,
    visit_complete,
    visit_plan,
    visit_schedule,
)
from referrals.models import Award, AwardState, Referral, ReferralState
from tests.factories import ProviderOrganisationFactory, authority, person
from tests.providers.factories import FpsMembershipFactory, LotFactory, SettingFactory
from tests.referrals.factories import ChildFactory, ReferralFactory

#: Child-level words a visit records: looked for in whatever a provider or another authority reads.
CHILD_VIEWS = "Zephyrine said the quiet room helps her when the hall is too loud."


@dataclass
class VisitWorld:
    sefton: Organisation
    knowsley: Organisation
    qa: User
    senior: User
    commissioner: User
    other_qa: User
    provider: Organisation
    provider_user: User
    other_provider_user: User
    lot: Lot
    settings: list[Setting] = field(default_factory=list)


def as_actor(user: User) -> Actor:
    return Actor(user=user, membership=user.memberships.get())


def place(w: VisitWorld, setting: Setting, who: Organisation | None = None) -> Agreement:
    """A child of `who` (Sefton) placed at `setting` now: an active agreement."""
    return place_child(who or w.sefton, setting, lot=w.lot, by=w.commissioner)


def place_child(placing: Organisation, setting: Setting, *, lot: Lot, by: User) -> Agreement:
    """A child of `placing` placed at `setting` now, through the award's Order: an active
    agreement (set active as beat does on the start date)."""
    referral: Referral = ReferralFactory(  # type: ignore[assignment]
        child=ChildFactory(authority=placing),
        # Its own series: other worlds' referrals share the factory's sequence per authority.
        reference=f"QAV-{uuid.uuid4().hex[:12]}",
        lot=lot,
        state=ReferralState.AWARDED,
        awarded_at=timezone.now(),
        published_at=timezone.now(),
        closed_at=timezone.now(),
        created_by=by,
    )
    award = Award.objects.create(
        referral=referral,
        provider=setting.provider,
        setting=setting,
        state=AwardState.COMPLETE,
        reasons="The best match.",
        agreed_weekly_price=Decimal("3000.00"),
        start_date=referral.start_date,
        completed_at=timezone.now(),
    )
    order = order_for_award(award=award, actor=None)
    agreement = Agreement.objects.get(order=order)
    Agreement.objects.filter(pk=agreement.pk).update(state=AgreementState.ACTIVE)
    return agreement


def build(settings: int = 2) -> VisitWorld:
    sefton = authority("Sefton")
    knowsley = authority("Knowsley")
    provider = ProviderOrganisationFactory(name="Mersey Learning Trust")
    other = ProviderOrganisationFactory(name="Other Trust")
    lot = LotFactory()
    # Members of the FPS: authorities see the settings of its members (providers.scope_rules).
    for member in (provider, other):
        FpsMembershipFactory(provider=member, purchasing_system=lot.purchasing_system)
    w = VisitWorld(
        sefton=sefton,
        knowsley=knowsley,
        qa=person(Role.QA_OFFICER, sefton),
        senior=person(Role.SENIOR_MANAGER, sefton),
        commissioner=person(Role.COMMISSIONER, sefton),
        other_qa=person(Role.QA_OFFICER, knowsley),
        provider=provider,
        provider_user=person(Role.PROVIDER_USER, provider),
        other_provider_user=person(Role.PROVIDER_USER, other),
        lot=lot,
    )
    for _ in range(settings):
        add_setting(w)
    return w


def add_setting(w: VisitWorld, **fields: object) -> Setting:
    setting = SettingFactory(provider=w.provider, **fields)
    place(w, setting)
    w.settings.append(setting)
    return setting


def planned(w: VisitWorld, setting: Setting, **fields: object) -> QaVisit:
    return visit_plan(
        actor=as_actor(w.qa),
        setting_id=setting.pk,
        kind=str(fields.pop("kind", VisitKind.PROGRAMMED)),
        planned_month=timezone.localdate(),
        **fields,  # type: ignore[arg-type]
    )


def all_areas(rating: str = AreaRating.GOOD) -> dict[str, AreaFinding]:
    return {area: AreaFinding(rating, f"Findings on {area}.") for area in VisitArea.values}


def completed(w: VisitWorld, setting: Setting, *, on: datetime.date | None = None) -> QaVisit:
    actor = as_actor(w.qa)
    visit = planned(w, setting)
    visit = visit_schedule(
        actor=actor, visit=visit, visit_date=timezone.localdate(), visitors="A. Officer"
    )
    return visit_complete(
        actor=actor,
        visit=visit,
        visit_date=on or timezone.localdate(),
        visitors="A. Officer, QA officer",
        findings=all_areas(),
        overall_rating=AreaRating.GOOD,
        main_findings="Calm classrooms and a strong therapy offer.",
        recommendations="Refresh the behaviour policy.",
        children_views=CHILD_VIEWS,
    )
