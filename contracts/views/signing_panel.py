"""What the agreement page's signing panel says to the actor reading it: the next step and whose
it is, the links and buttons this actor may use, and what is missing before a draft can be
issued (each with a link to the drafting page that completes it). Pure: it reads the page's
`AgreementView`, which already holds the versions and their signatures."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse

from contracts.models import Agreement, AgreementState, AgreementVersion, VersionState
from contracts.selectors.agreements import AgreementView
from contracts.services.signing_rules import is_authority_party, is_provider_party
from contracts.terms import Terms, problems
from contracts.views.drafting import SECTIONS
from fps_portal.actors import Actor

DRAFT = "contracts:agreement-draft"
#: Which drafting page completes each item `problems()` names.
PROBLEM_PAGES = {
    "authority": "contracts:agreement-draft",
    "provider": "contracts:agreement-draft",
    "purposes": "contracts:agreement-draft",
    "provision": "contracts:agreement-draft-provision",
    "weeks_per_year": "contracts:agreement-draft-provision",
    "description": "contracts:agreement-draft-provision",
    "end_date": "contracts:agreement-draft-provision",
    "provider_contact": "contracts:agreement-draft-provision",
    "core_weekly_fee": "contracts:agreement-draft-costs",
    "payment_terms": "contracts:agreement-draft-costs",
    "invoicing": "contracts:agreement-draft-costs",
    "funding": "contracts:agreement-draft-funding",
    "authority_signatory": "contracts:agreement-draft-signatories",
    "provider_signatory": "contracts:agreement-draft-signatories",
}


@dataclass(frozen=True)
class Link:
    text: str
    url: str


@dataclass
class SigningPanel:
    next_step: str
    open_version: AgreementVersion | None = None
    links: list[Link] = field(default_factory=list)
    missing: list[Link] = field(default_factory=list)
    issue_url: str = ""
    withdraw_url: str = ""


def missing_items(agreement: Agreement, found: dict[str, str]) -> list[Link]:
    if agreement.authority_signatory_id is None:
        found = {**found}
        found.setdefault("authority_signatory", "Choose who signs for the authority.")
    return [
        Link(message, reverse(PROBLEM_PAGES.get(key, DRAFT), args=[agreement.pk]))
        for key, message in found.items()
    ]


def draft_links(agreement: Agreement) -> list[Link]:
    return [Link(s.title, reverse(s.url_name, args=[agreement.pk])) for s in SECTIONS]


def signing_panel(actor: Actor | None, view: AgreementView) -> SigningPanel:
    agreement = view.agreement
    open_states = {VersionState.DRAFT, VersionState.ISSUED, VersionState.PROVIDER_SIGNED}
    version = next((v for v in view.versions if v.state in open_states), None)
    authority = actor is not None and is_authority_party(actor, agreement)
    provider = actor is not None and is_provider_party(actor, agreement)
    signatory = agreement.authority_signatory
    signatory_name = signatory.full_name if signatory else "the authority's named signatory"
    sign_url = reverse("contracts:agreement-sign", args=[agreement.pk])
    panel = SigningPanel(next_step="", open_version=version)
    if version is None:
        done: dict[str, str] = {
            AgreementState.SIGNED: (
                "Signed by both parties. The placement starts on the start date."
            ),
            AgreementState.ACTIVE: "Signed by both parties and active.",
            AgreementState.ENDED: "The placement has ended.",
        }
        panel.next_step = done.get(agreement.state, "Nothing is waiting to be signed.")
        return panel
    if authority and version.state != VersionState.DRAFT:
        panel.withdraw_url = reverse(
            "contracts:agreement-withdraw", args=[agreement.pk, version.number]
        )
    if version.state == VersionState.DRAFT:
        if authority:
            panel.links = draft_links(agreement)
            panel.missing = missing_items(agreement, problems(Terms.from_json(version.terms)))
            panel.next_step = (
                f"Complete version {version.number} of the agreement, then issue it to the "
                "provider to sign."
            )
            if not panel.missing:
                panel.issue_url = reverse("contracts:agreement-issue", args=[agreement.pk])
        else:
            panel.next_step = (
                "The placing authority is completing the agreement. You will be told when it is "
                "issued for your signature."
            )
    elif version.state == VersionState.ISSUED:
        if provider:
            panel.next_step = f"Version {version.number} is waiting for your signature."
            panel.links = [Link(f"Read and sign version {version.number}", sign_url)]
        else:
            panel.next_step = f"Version {version.number} is waiting for the provider's signature."
    else:
        if authority and signatory is not None and signatory.pk == actor.user.pk:  # type: ignore[union-attr]
            panel.next_step = (
                f"The provider has signed version {version.number}: it is waiting for your "
                "countersignature."
            )
            panel.links = [Link(f"Read and countersign version {version.number}", sign_url)]
        else:
            panel.next_step = (
                f"The provider has signed version {version.number}: it is waiting for "
                f"{signatory_name} to countersign it."
            )
    return panel
