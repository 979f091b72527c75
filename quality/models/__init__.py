"""The quality app's models, one module per part: Ofsted imports (`imports`) and rating alerts
(`alerts`)."""

from quality.models.alerts import (
    DECISION_TRANSITIONS,
    AlertRecipient,
    DecisionState,
    RatingAlert,
)
from quality.models.imports import ImportOrigin, ImportStatus, InspectionImport

__all__ = [
    "DECISION_TRANSITIONS",
    "AlertRecipient",
    "DecisionState",
    "ImportOrigin",
    "ImportStatus",
    "InspectionImport",
    "RatingAlert",
]
