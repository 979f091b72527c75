"""API routes of the quality app, under /api/v1/: every viewset is registered here, and only
here, from each part's ROUTES."""

from rest_framework.routers import DefaultRouter

from quality.api import rechecks

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
for part in (rechecks,):
    for prefix, viewset, basename in part.ROUTES:
        router.register(prefix, viewset, basename=basename)

urlpatterns = router.urls
