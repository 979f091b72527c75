from rest_framework.routers import DefaultRouter

from providers.api.lots import LotViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("lots", LotViewSet, basename="lot")

urlpatterns = router.urls
