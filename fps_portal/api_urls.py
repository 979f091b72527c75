"""The portal's own API routes, under /api/v1/. Each app registers its viewsets in its own
`<app>/api_urls.py`, included by the root URLconf."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from fps_portal.api.people import ApiClientViewSet, PersonRoleViewSet, PersonViewSet
from fps_portal.api.views import AuthorityViewSet, MeView

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("authorities", AuthorityViewSet, basename="authority")
# The authority administrator's people and API clients (ADR 0015); the pages' URL names
# (people-*, api-client-*) are taken, so these are person-*, person-role-* and client-*.
router.register("people/roles", PersonRoleViewSet, basename="person-role")
router.register("people", PersonViewSet, basename="person")
router.register("api-clients", ApiClientViewSet, basename="client")

urlpatterns = [path("me/", MeView.as_view(), name="api-me"), *router.urls]
