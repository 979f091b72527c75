"""A setting with children placed by two authorities, for the rating alerts' tests.

- `setting`: provider P's school, an active FPS member, judged Good (confirmed) in 2022.
- Sefton has two children placed there (ACTIVE agreements) and one whose placement ended;
  Wirral has one; Knowsley has a child placed at another setting only.
- Senior managers: Sefton's DCS and commissioning service manager (told) and CSW service
  manager (not a post alerts go to); Wirral's head of children's services; Knowsley's DCS; the
  lead authority's DCS and an evaluator. A Sefton commissioner (no alerts).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from contracts.models import Agreement, AgreementState
from contracts.services.orders import order_for_award
from fps_portal.accounts.models import Organisation, Role, User
from fps_portal.actors import Actor, actor_for_user
from providers.inspections.models import JudgementSource
from providers.inspections.services import JudgementData, judgement_record
from providers.models import InspectionJudgement, Setting
from referrals.models import Child
from tests.contracts.matrix import _complete_award
from tests.factories import MembershipFactory, UserFactory, authority, lead_authority, person
from tests.providers.factories import (
    FpsMembershipFactory,
    InspectionJudgementFactory,
    LotFactory,
    SettingFactory,
)


def senior(organisation: Organisation, position: str, name: str) -> User:
    user = UserFactory(full_name=name)
    MembershipFactory(
        user=user, organisation=organisation, role=Role.SENIOR_MANAGER, senior_position=position
    )
    return user


@dataclass
class AlertWorld:
    setting: Setting
    other_setting: Setting
    good: InspectionJudgement
    sefton: Organisation
    wirral: Organisation
    knowsley: Organisation
    lead: Organisation
    sefton_dcs: User
    sefton_csm: User
    sefton_csw: User
    wirral_hcs: User
    knowsley_dcs: User
    lead_dcs: User
    lead_evaluator: User
    sefton_commissioner: User
    placements: dict[str, list[Agreement]] = field(default_factory=dict)
    ended: Agreement | None = None

    def children(self, authority_name: str) -> list[Child]:
        return [a.child for a in self.placements[authority_name] if a.child is not None]

    def actor(self, user: User) -> Actor:
        actor = actor_for_user(user)
        assert actor is not None
        return actor


def _placement(
    authority: Organisation, setting: Setting, commissioner: User, lot: object, *, active: bool
) -> Agreement:
    award = _complete_award(authority, setting.provider, setting, commissioner, lot)
    order = order_for_award(award=award, actor=None)
    agreement = Agreement.objects.get(order=order)
    state = AgreementState.ACTIVE if active else AgreementState.ENDED
    Agreement.objects.filter(pk=agreement.pk).update(state=state)
    agreement.state = state
    return agreement


def build() -> AlertWorld:
    sefton, wirral, knowsley = authority("Sefton"), authority("Wirral"), authority("Knowsley")
    lead = lead_authority()
    lot = LotFactory()
    setting = SettingFactory(name="Marsh Lane School")
    other = SettingFactory(name="Hill Top School")
    FpsMembershipFactory(purchasing_system=lot.purchasing_system, provider=setting.provider)
    good = InspectionJudgementFactory(
        setting=setting,
        inspection_number="10000001",
        inspection_start_date=datetime.date(2022, 5, 10),
        publication_date=datetime.date(2022, 6, 14),
        grades={"overall_effectiveness": "2"},
    )
    Setting.objects.filter(pk=setting.pk).update(current_band="pass")
    commissioners = {a.name: person(Role.COMMISSIONER, a) for a in (sefton, wirral, knowsley)}
    world = AlertWorld(
        setting=setting,
        other_setting=other,
        good=good,
        sefton=sefton,
        wirral=wirral,
        knowsley=knowsley,
        lead=lead,
        sefton_dcs=senior(sefton, "dcs", "Sefton Director"),
        sefton_csm=senior(sefton, "commissioning_service_manager", "Sefton Commissioning Manager"),
        sefton_csw=senior(sefton, "csw_service_manager", "Sefton CSW Manager"),
        wirral_hcs=senior(wirral, "head_of_childrens_services", "Wirral Head of Service"),
        knowsley_dcs=senior(knowsley, "dcs", "Knowsley Director"),
        lead_dcs=senior(lead, "dcs", "Lead Director"),
        lead_evaluator=person(Role.LEAD_EVALUATOR),
        sefton_commissioner=commissioners["Sefton"],
    )
    world.placements = {
        "Sefton": [
            _placement(sefton, setting, commissioners["Sefton"], lot, active=True) for _ in range(2)
        ],
        "Wirral": [_placement(wirral, setting, commissioners["Wirral"], lot, active=True)],
        "Knowsley": [_placement(knowsley, other, commissioners["Knowsley"], lot, active=True)],
    }
    world.ended = _placement(sefton, setting, commissioners["Sefton"], lot, active=False)
    return world


def ofsted(
    grades: dict[str, str],
    *,
    number: str = "20000002",
    start: str = "2026-10-06",
    relates: bool = True,
    category: str = "",
) -> JudgementData:
    started = datetime.date.fromisoformat(start)
    return JudgementData(
        framework="ofsted_4point",
        inspection_start_date=started,
        grades=grades,
        inspection_number=number,
        publication_date=started + datetime.timedelta(days=28),
        relates_to_current_urn=relates,
        category_of_concern=category,
        source=JudgementSource.OFSTED_FILE,
        source_reference="Ofsted management information, row 12",
    )


def import_inadequate(world: AlertWorld, **kw: object) -> InspectionJudgement:
    """What the Ofsted import does for a matched row: the system records it."""
    judgement, _ = judgement_record(
        actor=None,
        setting=world.setting,
        data=ofsted({"overall_effectiveness": "4", "safeguarding_is_effective": "No"}, **kw),  # type: ignore[arg-type]
    )
    return judgement
