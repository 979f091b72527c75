from rest_framework.routers import DefaultRouter

from providers.api.agreements import AgreementDocumentViewSet
from providers.api.onboarding.views import (
    ApplicationViewSet,
    ClarificationViewSet,
    EvidenceViewSet,
    MembershipViewSet,
    PurchasingSystemViewSet,
    WindowViewSet,
)


def register(router: DefaultRouter) -> None:
    """Adds this module's viewsets to the providers router."""
    router.register("purchasing-systems", PurchasingSystemViewSet, basename="purchasing-system")
    router.register("windows", WindowViewSet, basename="window")
    router.register("evidence", EvidenceViewSet, basename="evidence")
    router.register("applications", ApplicationViewSet, basename="application")
    router.register("clarifications", ClarificationViewSet, basename="clarification")
    router.register("memberships", MembershipViewSet, basename="membership")
    router.register("agreement-documents", AgreementDocumentViewSet, basename="agreement-document")
