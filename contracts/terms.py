"""The terms of an Individual Placement Agreement: every item of seed 001 §3.11, none optional.

A version of an IPA holds its terms as the JSON `Terms.to_json()` makes; the SHA-256 of the
canonical form (`content_sha256`) is what a signature records. Pure: no database, no Django
model, so the PDF, the page, the API and the tests read one definition.

The nine items and where they are:
1. the parties: `parties` (legal names, addresses, registration numbers);
2. the types of provision: `provision` (education, residential care, health and therapies, weeks);
3. the purposes of the parties: `purposes`;
4. the start and end dates: `start_date`, `end_date`, with the notice period `notice_weeks`;
5. the key contacts: `contacts`;
6. costs and payments, including those for the child: `core_weekly_fee`, `services`,
   `payment_terms`, `invoicing`, `child_costs`, and who pays what, `funding`;
7. the variation template: `VARIATION_TEMPLATE` (its version is `variation_template`);
8. the list of contract documents: `documents`;
9. the signatories: `signatories`.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import asdict, dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import Any

PENCE = Decimal("0.01")
HUNDRED = Decimal("100")

FUNDING_STREAMS = {
    "education": "Education",
    "health": "Health",
    "social_care": "Social care",
}
CHILD_COST_PERIODS = {"week": "a week", "year": "a year", "once": "once"}

#: The documents that make up the contract (seed 001 §3.11; B3-B5, B19). The care plan is added
#: where there is one.
STANDARD_DOCUMENTS = (
    "The North West SEND Flexible Purchasing System Agreement",
    "The Service Specification for the lot",
    "The Order",
    "This Individual Placement Agreement",
    "The child's or young person's Education, Health and Care Plan",
    "The Provider's response to the referral",
)
CARE_PLAN = "The care plan"

VARIATION_TEMPLATE_VERSION = "IPA variation template, version 1"
#: The variation template (seed 001 §3.11 "variation template"): what every variation states.
VARIATION_TEMPLATE = (
    "Variation number and the agreement it varies",
    "The kind of variation: price uplift, change of provision, or change of end date",
    "What changes, with the terms before and after",
    "The reason for the variation",
    "The date from which it takes effect",
    "The weekly fee and the additional services from that date",
    "Who proposed it, and the signatures of both parties on the varied agreement",
)

DEFAULT_PURPOSES = {
    "authority": (
        "The placing authority commissions and pays for the placement described here to secure "
        "the provision in the child's or young person's Education, Health and Care Plan, reviews "
        "it at each annual review, and monitors its quality and outcomes."
    ),
    "provider": (
        "The provider delivers the provision described here, at the setting named, to meet the "
        "needs and work towards the outcomes in the Education, Health and Care Plan, and reports "
        "on progress as the FPS Agreement and the Service Specification require."
    ),
}
DEFAULT_PAYMENT_TERMS = (
    "Invoiced monthly in arrears for the weeks of provision delivered; the placing authority "
    "pays undisputed invoices within 30 days of receipt."
)


@dataclass(frozen=True)
class Registration:
    label: str
    number: str


@dataclass(frozen=True)
class PartyDetails:
    role: str  # "authority" or "provider"
    name: str
    legal_name: str
    address: str
    postcode: str
    registrations: tuple[Registration, ...] = ()


@dataclass(frozen=True)
class Provision:
    education: bool
    residential_care: bool
    health_and_therapies: bool
    weeks_per_year: int
    setting_name: str
    setting_urn: str
    description: str  # what will be delivered for the child (B10)

    @property
    def types(self) -> list[str]:
        names = [
            ("Education", self.education),
            ("Residential care", self.residential_care),
            ("Health and therapies", self.health_and_therapies),
        ]
        return [name for name, included in names if included]


@dataclass(frozen=True)
class Contact:
    role: str
    name: str
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class ServiceLine:
    """An additional service: `quantity` units a week at `rate` per unit."""

    name: str
    unit: str
    rate: Decimal
    quantity: Decimal

    @property
    def weekly(self) -> Decimal:
        return (self.rate * self.quantity).quantize(PENCE)


@dataclass(frozen=True)
class ChildCost:
    """A cost for the child or young person (B17): a personal allowance, transport, equipment."""

    item: str
    amount: Decimal
    period: str  # CHILD_COST_PERIODS
    paid_by: str


@dataclass(frozen=True)
class FundingShare:
    stream: str  # FUNDING_STREAMS
    funder: str
    percent: Decimal


@dataclass(frozen=True)
class Signatory:
    party: str  # "authority" or "provider"
    name: str
    position: str


@dataclass(frozen=True)
class Terms:
    order_number: str
    reference: str
    under_fps_agreement: bool
    route: str
    child_name: str
    child_date_of_birth: str  # ISO date; empty for a block purchase
    case_number: str
    places: int
    authority: PartyDetails
    provider: PartyDetails
    provision: Provision
    purposes: dict[str, str]
    start_date: datetime.date
    end_date: datetime.date | None
    notice_weeks: int
    contacts: tuple[Contact, ...]
    core_weekly_fee: Decimal
    services: tuple[ServiceLine, ...]
    payment_terms: str
    invoicing: str
    child_costs: tuple[ChildCost, ...]
    funding: tuple[FundingShare, ...]
    documents: tuple[str, ...]
    signatories: tuple[Signatory, ...]
    variation_template: str = VARIATION_TEMPLATE_VERSION
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def parties(self) -> tuple[PartyDetails, PartyDetails]:
        return (self.authority, self.provider)

    @property
    def child_birth_date(self) -> datetime.date | None:
        return _date_or_none(self.child_date_of_birth)

    @property
    def funding_lines(self) -> list[tuple[FundingShare, Decimal]]:
        """Each funding share with its weekly amount, for the page and the PDF."""
        return [(share, self.weekly_share(share)) for share in self.funding]

    @property
    def weekly_services(self) -> Decimal:
        return sum((line.weekly for line in self.services), Decimal("0.00"))

    @property
    def weekly_total(self) -> Decimal:
        return (self.core_weekly_fee + self.weekly_services).quantize(PENCE)

    @property
    def annual_total(self) -> Decimal:
        return (self.weekly_total * self.provision.weeks_per_year * self.places).quantize(PENCE)

    def weekly_share(self, share: FundingShare) -> Decimal:
        return (self.weekly_total * share.percent / HUNDRED).quantize(PENCE)

    def signatory(self, party: str) -> Signatory | None:
        return next((s for s in self.signatories if s.party == party), None)

    def with_changes(self, **changes: Any) -> Terms:
        return replace(self, **changes)

    def to_json(self) -> dict[str, Any]:
        return json.loads(json.dumps(asdict(self), default=_encode))

    def content_sha256(self) -> str:
        """The SHA-256 of the canonical JSON: the same terms always give the same hash."""
        canonical = json.dumps(self.to_json(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Terms:
        return cls(
            order_number=data["order_number"],
            reference=data["reference"],
            under_fps_agreement=bool(data["under_fps_agreement"]),
            route=data["route"],
            child_name=data["child_name"],
            child_date_of_birth=data["child_date_of_birth"],
            case_number=data["case_number"],
            places=int(data["places"]),
            authority=_party(data["authority"]),
            provider=_party(data["provider"]),
            provision=Provision(**data["provision"]),
            purposes=dict(data["purposes"]),
            start_date=datetime.date.fromisoformat(data["start_date"]),
            end_date=_date_or_none(data["end_date"]),
            notice_weeks=int(data["notice_weeks"]),
            contacts=tuple(Contact(**c) for c in data["contacts"]),
            core_weekly_fee=Decimal(data["core_weekly_fee"]),
            services=tuple(
                ServiceLine(s["name"], s["unit"], Decimal(s["rate"]), Decimal(s["quantity"]))
                for s in data["services"]
            ),
            payment_terms=data["payment_terms"],
            invoicing=data["invoicing"],
            child_costs=tuple(
                ChildCost(c["item"], Decimal(c["amount"]), c["period"], c["paid_by"])
                for c in data["child_costs"]
            ),
            funding=tuple(
                FundingShare(f["stream"], f["funder"], Decimal(f["percent"]))
                for f in data["funding"]
            ),
            documents=tuple(data["documents"]),
            signatories=tuple(Signatory(**s) for s in data["signatories"]),
            variation_template=data.get("variation_template", VARIATION_TEMPLATE_VERSION),
            extra=dict(data.get("extra", {})),
        )


def _encode(value: object) -> str:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    raise TypeError(f"Cannot store {type(value).__name__} in the terms")


def _party(data: dict[str, Any]) -> PartyDetails:
    registrations = tuple(Registration(**r) for r in data.get("registrations", ()))
    return PartyDetails(**{**data, "registrations": registrations})


def _date_or_none(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def decimal_or_none(value: object) -> Decimal | None:
    try:
        return Decimal(str(value)).quantize(PENCE)
    except (InvalidOperation, ValueError):
        return None


def problems(terms: Terms) -> dict[str, str]:
    """What is wrong or missing before the terms can be issued, by field: every §3.11 item must be
    there, the dates in order, and the funding shares must add up to the whole."""
    found: dict[str, str] = {}
    if terms.end_date is not None and terms.end_date < terms.start_date:
        found["end_date"] = "The end date must be on or after the start date."
    if not terms.provision.types:
        found["provision"] = (
            "Select at least one type of provision: education, residential care, or health "
            "and therapies."
        )
    if not 1 <= terms.provision.weeks_per_year <= 52:
        found["weeks_per_year"] = "Weeks per year must be between 1 and 52."
    if not terms.provision.description.strip():
        found["description"] = "Enter what the provider will deliver for the child."
    if terms.core_weekly_fee <= 0:
        found["core_weekly_fee"] = "The weekly core fee must be more than £0."
    if not terms.payment_terms.strip():
        found["payment_terms"] = "Enter the payment terms."
    if not terms.invoicing.strip():
        found["invoicing"] = "Enter where and how the provider sends its invoices."
    if not all(terms.purposes.get(party, "").strip() for party in ("authority", "provider")):
        found["purposes"] = "Enter the purposes of both parties."
    if not terms.provider.legal_name.strip() or not terms.provider.address.strip():
        found["provider"] = "Enter the provider's legal name and address."
    if not terms.authority.legal_name.strip() or not terms.authority.address.strip():
        found["authority"] = "Enter the authority's legal name and address."
    if not any(c.name.strip() for c in terms.contacts if c.role.startswith("Provider")):
        found["provider_contact"] = "Enter the provider's key contact."
    funding = funding_problem(terms.funding)
    if funding:
        found["funding"] = funding
    for party, label in (("authority", "the authority"), ("provider", "the provider")):
        signatory = terms.signatory(party)
        if signatory is None or not signatory.name.strip() or not signatory.position.strip():
            found[f"{party}_signatory"] = f"Name the signatory for {label} and their position."
    return found


def funding_problem(shares: tuple[FundingShare, ...]) -> str:
    """Who pays what must add up to the whole (B38, B48): one share per stream, each above 0%."""
    if not shares:
        return "Enter who funds the placement: at least one funding share."
    streams = [share.stream for share in shares]
    if any(stream not in FUNDING_STREAMS for stream in streams):
        return "Choose education, health or social care for each funding share."
    if len(set(streams)) != len(streams):
        return "Enter each funding stream once."
    if any(share.percent <= 0 for share in shares):
        return "Each funding share must be more than 0%."
    if any(not share.funder.strip() for share in shares):
        return "Name the funder of each share."
    total = sum((share.percent for share in shares), Decimal("0"))
    if total != HUNDRED:
        return f"The funding shares must add up to 100%; they add up to {total.normalize():f}%."
    return ""
