"""The quality app's models, one module per part: Ofsted imports (`imports`), rating alerts
(`alerts`), annual re-checks (`rechecks`) and evidence expiry (`expiry`)."""

from quality.models.alerts import (
    DECISION_TRANSITIONS,
    AlertRecipient,
    DecisionState,
    RatingAlert,
)
from quality.models.expiry import (
    LAPSE_TRANSITIONS,
    OPEN_LAPSE_STATES,
    REMINDER_DAYS,
    EvidenceLapse,
    ExpiryNotice,
    ExpiryStage,
    LapseState,
)
from quality.models.imports import ImportOrigin, ImportStatus, InspectionImport
from quality.models.rechecks import (
    PROPOSAL_TRANSITIONS,
    RECHECK_TRANSITIONS,
    WITH_PROVIDER,
    ItemResponse,
    ItemReview,
    ProposalState,
    Recheck,
    RecheckCalendar,
    RecheckEvent,
    RecheckEventKind,
    RecheckItem,
    RecheckState,
    SuspensionProposal,
)

__all__ = [
    "DECISION_TRANSITIONS",
    "LAPSE_TRANSITIONS",
    "OPEN_LAPSE_STATES",
    "PROPOSAL_TRANSITIONS",
    "RECHECK_TRANSITIONS",
    "REMINDER_DAYS",
    "WITH_PROVIDER",
    "AlertRecipient",
    "DecisionState",
    "EvidenceLapse",
    "ExpiryNotice",
    "ExpiryStage",
    "ImportOrigin",
    "ImportStatus",
    "InspectionImport",
    "ItemResponse",
    "ItemReview",
    "LapseState",
    "ProposalState",
    "RatingAlert",
    "Recheck",
    "RecheckCalendar",
    "RecheckEvent",
    "RecheckEventKind",
    "RecheckItem",
    "RecheckState",
    "SuspensionProposal",
]
