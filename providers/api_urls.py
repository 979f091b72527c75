"""API routes of the providers app, under /api/v1/: every viewset is registered here, and only
here (docs/architecture.md "Conventions to copy")."""

from rest_framework.routers import DefaultRouter

from providers.api.agreements import AgreementDocumentViewSet
from providers.api.directory import SettingViewSet
from providers.api.lots import LotViewSet
from providers.api.onboarding.views import (
    ApplicationViewSet,
    ClarificationViewSet,
    EvidenceViewSet,
    MembershipViewSet,
    PurchasingSystemViewSet,
    WindowViewSet,
)
from providers.api.price_changes import PriceChangeViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("lots", LotViewSet, basename="lot")
# Onboarding: the purchasing system, its windows, applications and memberships.
router.register("purchasing-systems", PurchasingSystemViewSet, basename="purchasing-system")
router.register("windows", WindowViewSet, basename="window")
router.register("evidence", EvidenceViewSet, basename="evidence")
router.register("applications", ApplicationViewSet, basename="application")
router.register("clarifications", ClarificationViewSet, basename="clarification")
router.register("memberships", MembershipViewSet, basename="membership")
router.register("agreement-documents", AgreementDocumentViewSet, basename="agreement-document")
# The directory: settings, their prices and judgements.
router.register("settings", SettingViewSet, basename="setting")
# Price changes a member proposes and the lead authority decides.
router.register("price-changes", PriceChangeViewSet, basename="price-change")

urlpatterns = router.urls
