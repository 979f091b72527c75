"""The quality app's API routes, under /api/v1/ (included by the root URLconf)."""

from rest_framework.routers import DefaultRouter

from quality.api.imports import InspectionImportViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("inspection-imports", InspectionImportViewSet, basename="inspection-import")

urlpatterns = [*router.urls]
