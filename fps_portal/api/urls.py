"""The portal's own API routes. Apps add theirs in `<app>/api_urls.py`, included by the root
URLconf."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from fps_portal.api.views import AuthorityViewSet, MeView

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("authorities", AuthorityViewSet, basename="authority")

urlpatterns = [path("me/", MeView.as_view(), name="api-me"), *router.urls]
