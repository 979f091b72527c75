"""An awarded referral and its Order and draft IPA, for the contracts tests: the referrals
awards world (two providers, the commissioner, the senior managers), awarded to provider A
through the service, so the Order was made by the award's own transaction."""

from __future__ import annotations

from dataclasses import dataclass

from contracts.models import Agreement, AgreementVersion, Order
from contracts.terms import Terms
from fps_portal.accounts.models import Organisation, Role, User
from referrals.models import Award
from tests.factories import MembershipFactory, UserFactory
from tests.referrals.awards.world import Evaluation, awarded, closed_competition


@dataclass
class Placed:
    world: Evaluation
    award: Award
    order: Order
    agreement: Agreement
    draft: AgreementVersion
    provider: Organisation
    provider_user: User
    other_provider_user: User
    commissioner: User

    @property
    def terms(self) -> Terms:
        return Terms.from_json(self.draft.terms)


def placed() -> Placed:
    world = closed_competition()
    award = awarded(world)
    order = Order.objects.get(award=award)
    agreement = Agreement.objects.get(order=order)
    provider = world.invitation_a.provider
    provider_user = UserFactory()
    MembershipFactory(user=provider_user, organisation=provider, role=Role.PROVIDER_USER)
    other_user = UserFactory()
    MembershipFactory(
        user=other_user, organisation=world.invitation_b.provider, role=Role.PROVIDER_USER
    )
    return Placed(
        world=world,
        award=award,
        order=order,
        agreement=agreement,
        draft=agreement.versions.get(number=1),
        provider=provider,
        provider_user=provider_user,
        other_provider_user=other_user,
        commissioner=world.commissioner,
    )
