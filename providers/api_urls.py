"""API routes of the providers app, under /api/v1/."""

from rest_framework.routers import DefaultRouter

from providers.api.directory_routes import register as register_directory
from providers.api.lots import LotViewSet
from providers.api.onboarding_routes import register as register_onboarding

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("lots", LotViewSet, basename="lot")
register_onboarding(router)
register_directory(router)

urlpatterns = router.urls
