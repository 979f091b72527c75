"""API routes of the quality app, under /api/v1/: every viewset is registered here, and only
here, from each part's ROUTES (docs/architecture.md "Conventions to copy")."""

from rest_framework.routers import DefaultRouter

from quality.api import alerts_routes, concerns, improvement_plans, monitoring, rechecks, visits
from quality.api.imports import InspectionImportViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("inspection-imports", InspectionImportViewSet, basename="inspection-import")
for part in (alerts_routes, rechecks, visits, monitoring, improvement_plans, concerns):
    for prefix, viewset, basename in part.ROUTES:
        router.register(prefix, viewset, basename=basename)

urlpatterns = router.urls
