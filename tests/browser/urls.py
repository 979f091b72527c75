"""The portal's routes and one that fails, so the gate can check the server error page."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from fps_portal.urls import urlpatterns as portal_urlpatterns


def server_error(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("The accessibility gate's deliberate server error")


urlpatterns = [*portal_urlpatterns, path("a11y-server-error/", server_error)]
