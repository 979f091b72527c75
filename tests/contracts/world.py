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


def completed_terms(p: Placed) -> Terms:
    """The draft's terms with what the commissioner completes before issuing."""
    from contracts.terms import Contact, PartyDetails, Signatory

    terms = p.terms
    contacts = tuple(
        Contact(c.role, "Jo Bursar", "jo.bursar@school.example", "01512 000000")
        if c.role == "Provider's contact"
        else c
        for c in terms.contacts
    )
    return terms.with_changes(
        authority=PartyDetails(
            "authority",
            terms.authority.name,
            "Sefton Metropolitan Borough Council",
            "Bootle Town Hall, Oriel Road",
            "L20 7AE",
        ),
        provider=PartyDetails(
            "provider",
            terms.provider.name,
            f"{terms.provider.name} Limited",
            "1 School Lane, Southport",
            "PR8 1AA",
            terms.provider.registrations,
        ),
        contacts=contacts,
        invoicing="Invoices to sendfinance@sefton.example quoting the Order number.",
        provision=terms.provision.__class__(
            **{
                **terms.provision.__dict__,
                "description": "Full-time day education with speech and language therapy.",
            }
        ),
        signatories=(
            Signatory("authority", "Sam Commissioner", "Head of SEND"),
            Signatory("provider", "Pat Head", "Headteacher"),
        ),
    )


def ready_to_issue(p: Placed) -> None:
    """The draft completed and the commissioner named as the authority's signatory."""
    from contracts.services.versions import draft_update
    from tests.referrals.awards.world import as_actor

    p.agreement.authority_signatory = p.commissioner
    p.agreement.save(update_fields=["authority_signatory"])
    draft_update(actor=as_actor(p.commissioner), version=p.draft, terms=completed_terms(p))
    p.draft.refresh_from_db()
