"""Orders, Individual Placement Agreements (IPAs), their versions and signatures, variations and
the end of a placement (issue 12). An award (`referrals.Award`) becomes an Order and an IPA in
`contracts.services.orders`, called from the award's own transaction (ADR 0017)."""

from contracts.models.agreement import (
    AGREEMENT_TRANSITIONS,
    VERSION_TRANSITIONS,
    Agreement,
    AgreementState,
    AgreementVersion,
    Party,
    RenderedPdf,
    RenderKind,
    Signature,
    VersionState,
)
from contracts.models.ending import BreakdownReason, EndKind, EndRequestedBy, PlacementEnd
from contracts.models.order import Order, OrderSequence
from contracts.models.variation import (
    VARIATION_TRANSITIONS,
    FeePeriod,
    RegionalUplift,
    Variation,
    VariationKind,
    VariationState,
)

__all__ = [
    "AGREEMENT_TRANSITIONS",
    "VARIATION_TRANSITIONS",
    "VERSION_TRANSITIONS",
    "Agreement",
    "AgreementState",
    "AgreementVersion",
    "BreakdownReason",
    "EndKind",
    "EndRequestedBy",
    "FeePeriod",
    "Order",
    "OrderSequence",
    "Party",
    "PlacementEnd",
    "RegionalUplift",
    "RenderKind",
    "RenderedPdf",
    "Signature",
    "Variation",
    "VariationKind",
    "VariationState",
    "VersionState",
]
