from rest_framework.routers import DefaultRouter

from providers.api.directory import SettingViewSet
from providers.api.price_changes import PriceChangeViewSet


def register(router: DefaultRouter) -> None:
    """Adds this module's viewsets to the providers router."""
    router.register("settings", SettingViewSet, basename="setting")
    router.register("price-changes", PriceChangeViewSet, basename="price-change")
