"""A cast for the concerns' tests.

- Sefton (the placing authority): a commissioner (`commissioner`), a QA officer (`qa`), its
  commissioning service manager (`manager`) and its named safeguarding lead (`safeguarding`),
  and a DCS (`dcs`). Blackpool: a commissioner (`other_commissioner`), another authority.
- Provider P runs `setting` (Marsh Lane School), where Sefton has a child placed (`placement`,
  an ACTIVE agreement naming the child); P's user is `provider_user`.
- Provider Q runs `other_setting`; its user is `other_provider_user`.
"""

from __future__ import annotations

from dataclasses import dataclass

from contracts.models import Agreement
from fps_portal.accounts.models import Organisation, Role, User
from fps_portal.actors import Actor, actor_for_user
from providers.models import Setting
from quality.models import Concern
from quality.services.concerns import concern_raise
from tests.factories import MembershipFactory, UserFactory, authority, person
from tests.providers.factories import FpsMembershipFactory, LotFactory, SettingFactory
from tests.quality.world import _placement, senior


@dataclass
class ConcernWorld:
    sefton: Organisation
    blackpool: Organisation
    setting: Setting
    other_setting: Setting
    placement: Agreement
    commissioner: User
    qa: User
    manager: User
    safeguarding: User
    dcs: User
    other_commissioner: User
    provider_user: User
    other_provider_user: User

    def actor(self, user: User) -> Actor:
        actor = actor_for_user(user)
        assert actor is not None
        return actor

    def raise_concern(self, by: User | None = None, **kw: object) -> Concern:
        fields: dict[str, object] = {
            "setting": self.setting,
            "category": "care_welfare",
            "summary": "Night staffing below the agreed ratio",
            "description": "Two nights in November with one member of staff for six children.",
        }
        fields.update(kw)
        return concern_raise(actor=self.actor(by or self.qa), **fields)  # type: ignore[arg-type]


def provider_user(organisation: Organisation, name: str) -> User:
    user = UserFactory(full_name=name)
    MembershipFactory(user=user, organisation=organisation, role=Role.PROVIDER_USER)
    return user


def build() -> ConcernWorld:
    sefton, blackpool = authority("Sefton"), authority("Blackpool")
    lot = LotFactory()
    setting = SettingFactory(name="Marsh Lane School")
    other = SettingFactory(name="Hill Top School")
    for member in (setting, other):  # FPS members: authorities find their settings
        FpsMembershipFactory(purchasing_system=lot.purchasing_system, provider=member.provider)
    commissioner = person(Role.COMMISSIONER, sefton)
    return ConcernWorld(
        sefton=sefton,
        blackpool=blackpool,
        setting=setting,
        other_setting=other,
        placement=_placement(sefton, setting, commissioner, lot, active=True),
        commissioner=commissioner,
        qa=person(Role.QA_OFFICER, sefton),
        manager=senior(sefton, "commissioning_service_manager", "Grace Commissioning"),
        safeguarding=senior(sefton, "safeguarding_lead", "Hannah Safeguarding"),
        dcs=senior(sefton, "dcs", "Morgan Director"),
        other_commissioner=person(Role.COMMISSIONER, blackpool),
        provider_user=provider_user(setting.provider, "Pat Provider"),
        other_provider_user=provider_user(other.provider, "Quinn Provider"),
    )
