from quality.models.expiry import (  # noqa: F401
    LAPSE_TRANSITIONS,
    OPEN_LAPSE_STATES,
    REMINDER_DAYS,
    EvidenceLapse,
    ExpiryNotice,
    ExpiryStage,
    LapseState,
)
from quality.models.rechecks import (  # noqa: F401
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
