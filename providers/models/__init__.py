from providers.models.fps import FpsMembership, Lot, MembershipState, PurchasingSystem, PurchasingSystemKind
from providers.models.inspection import InspectionJudgement, JudgementSource
from providers.models.setting import (
    AdditionalService,
    Gender,
    PrimaryNeed,
    Setting,
    SettingLot,
    Specialism,
)

__all__ = [
    "AdditionalService",
    "FpsMembership",
    "Gender",
    "InspectionJudgement",
    "JudgementSource",
    "Lot",
    "MembershipState",
    "PrimaryNeed",
    "PurchasingSystem",
    "PurchasingSystemKind",
    "Setting",
    "SettingLot",
    "Specialism",
]
