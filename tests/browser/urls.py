"""The portal's routes, one that fails, so the gate can check the server error page, and two that
answer with the sign-in limits' pages (a lockout, a refused burst) through the functions the
sign-in answers them with, so the gate checks those pages without locking a persona out."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from fps_portal.accounts.sign_in_limits import lockout_response
from fps_portal.urls import urlpatterns as portal_urlpatterns
from fps_portal.web.sign_in import too_many_requests


def server_error(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("The accessibility gate's deliberate server error")


def locked_out(request: HttpRequest) -> HttpResponse:
    return lockout_response(request, None, {"username": "locked@example.org"})


def refused_burst(request: HttpRequest) -> HttpResponse:
    return too_many_requests(request, what="Signing in", typed_email="busy@example.org")


urlpatterns = [
    *portal_urlpatterns,
    path("a11y-server-error/", server_error),
    path("a11y-locked-out/", locked_out),
    path("a11y-too-many-requests/", refused_burst),
]
