"""The world of the improvement plan tests: Sefton (a QA officer, a commissioner, a senior
manager) and Wirral (a QA officer); Oak Trust with Oak House, Elm Care with Elm Lodge (each with
a user), both members of the FPS; a rating alert about Oak House told to Sefton; and Sefton's
award to Oak House whose RI/Inadequate sign-off holds the provider's action plan (its child is
Sefton's)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from fps_portal.accounts.models import Organisation, Role, User
from fps_portal.actors import Actor, actor_for_user
from providers.models import Setting
from quality.models import ActionOwner, ImprovementAction, ImprovementPlan, PlanOrigin
from quality.services.improvement_plans import action_add, plan_create
from referrals.models import Award, AwardState, RiskApproval
from tests.factories import ProviderOrganisationFactory, authority, person
from tests.providers.factories import FpsMembershipFactory, SettingFactory
from tests.quality.matrix import alert_rows
from tests.referrals.factories import AwardFactory, InvitationFactory, SubmittedResponseFactory


def actor(user: User) -> Actor:
    found = actor_for_user(user)
    assert found is not None
    return found


@dataclass
class World:
    sefton: Organisation
    wirral: Organisation
    oak: Organisation
    elm: Organisation
    oak_house: Setting
    elm_lodge: Setting
    qa: User
    commissioner: User
    senior: User
    wirral_qa: User
    oak_user: User
    elm_user: User
    alert: int
    award: Award

    def __getattr__(self, name: str) -> Actor:
        if name.endswith("_actor"):
            return actor(getattr(self, name.removesuffix("_actor")))
        raise AttributeError(name)


def build_world() -> World:
    sefton, wirral = authority("Sefton"), authority("Wirral")
    oak = ProviderOrganisationFactory(name="Oak Trust")
    elm = ProviderOrganisationFactory(name="Elm Care")
    oak_house = SettingFactory(provider=oak, name="Oak House")
    elm_lodge = SettingFactory(provider=elm, name="Elm Lodge")
    for provider in (oak, elm):  # members of the FPS: authorities read their settings
        FpsMembershipFactory(provider=provider)
    senior = person(Role.SENIOR_MANAGER, sefton)
    alert = alert_rows(setting=oak_house, told=[(senior, sefton)], tag="plans")
    response = SubmittedResponseFactory(
        invitation=InvitationFactory(referral__child__authority=sefton, provider=oak),
        setting=oak_house,
    )
    award: Award = AwardFactory(  # type: ignore[assignment]
        response=response, state=AwardState.COMPLETE, band_at_award="concern"
    )
    RiskApproval.objects.create(award=award, documents_attached_at=timezone.now())
    return World(
        sefton=sefton,
        wirral=wirral,
        oak=oak,
        elm=elm,
        oak_house=oak_house,
        elm_lodge=elm_lodge,
        qa=person(Role.QA_OFFICER, sefton),
        commissioner=person(Role.COMMISSIONER, sefton),
        senior=senior,
        wirral_qa=person(Role.QA_OFFICER, wirral),
        oak_user=person(Role.PROVIDER_USER, oak),
        elm_user=person(Role.PROVIDER_USER, elm),
        alert=alert,
        award=award,
    )


def a_plan(
    world: World, *, setting: Setting | None = None, by: User | None = None
) -> ImprovementPlan:
    return plan_create(
        actor=actor(by or world.qa),
        title="Safer recruitment",
        cause="Staff files lacked references.",
        origin=PlanOrigin.OTHER,
        origin_reason="Found at a visit before the portal held visits.",
        setting=setting or world.oak_house,
    )


def an_action(
    world: World,
    plan: ImprovementPlan,
    *,
    owner: str = ActionOwner.PROVIDER,
    days: int = 14,
    by: User | None = None,
) -> ImprovementAction:
    return action_add(
        actor=actor(by or world.qa),
        plan=plan,
        description="Audit every staff file for two references.",
        owner=owner,
        due_on=timezone.localdate() + datetime.timedelta(days=days),
    )
