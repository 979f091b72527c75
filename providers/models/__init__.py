from providers.inspections.models import (
    CHECK_TRANSITIONS,
    CheckStatus,
    InspectionJudgement,
    JudgementSource,
)
from providers.models.agreement import AgreementDocument
from providers.models.application import (
    APPLICATION_TRANSITIONS,
    Application,
    ApplicationPrice,
    ApplicationServicePrice,
    ApplicationState,
)
from providers.models.evaluation import (
    CheckResult,
    ClarificationQuestion,
    EvaluatorDecision,
    Moderation,
    Requirement,
    RequirementResult,
    Verdict,
)
from providers.models.evidence import Evidence, EvidenceKind, InsuranceType, SettingOverview
from providers.models.fps import (
    FpsMembership,
    Lot,
    MembershipState,
    PurchasingSystem,
    PurchasingSystemKind,
)
from providers.models.price_change import (
    PRICE_CHANGE_TRANSITIONS,
    PriceChange,
    PriceChangeState,
)
from providers.models.reference import AuthorityLocation, GiasEstablishment, PostcodeDistrict
from providers.models.setting import (
    AdditionalService,
    Gender,
    PrimaryNeed,
    Setting,
    SettingLot,
    Specialism,
)
from providers.models.windows import (
    WINDOW_REASON_LIMIT,
    WINDOW_TRANSITIONS,
    EvaluationWindow,
    WindowState,
)

__all__ = [
    "APPLICATION_TRANSITIONS",
    "CHECK_TRANSITIONS",
    "PRICE_CHANGE_TRANSITIONS",
    "WINDOW_REASON_LIMIT",
    "WINDOW_TRANSITIONS",
    "AdditionalService",
    "AgreementDocument",
    "Application",
    "ApplicationPrice",
    "ApplicationServicePrice",
    "ApplicationState",
    "AuthorityLocation",
    "CheckResult",
    "CheckStatus",
    "ClarificationQuestion",
    "EvaluationWindow",
    "EvaluatorDecision",
    "Evidence",
    "EvidenceKind",
    "FpsMembership",
    "Gender",
    "GiasEstablishment",
    "InspectionJudgement",
    "InsuranceType",
    "JudgementSource",
    "Lot",
    "MembershipState",
    "Moderation",
    "PostcodeDistrict",
    "PriceChange",
    "PriceChangeState",
    "PrimaryNeed",
    "PurchasingSystem",
    "PurchasingSystemKind",
    "Requirement",
    "RequirementResult",
    "Setting",
    "SettingLot",
    "SettingOverview",
    "Specialism",
    "Verdict",
    "WindowState",
]
