"""The quality app's models, one module per part: rating alerts (`alerts`)."""

from quality.models.alerts import (
    DECISION_TRANSITIONS,
    AlertRecipient,
    DecisionState,
    RatingAlert,
)

__all__ = ["DECISION_TRANSITIONS", "AlertRecipient", "DecisionState", "RatingAlert"]
