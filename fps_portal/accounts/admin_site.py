"""The back office: Django's admin, open only to a session verified with a second factor."""

from __future__ import annotations

from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp.admin import OTPAdminSite


class BackOfficeSite(OTPAdminSite):
    """OTPAdminSite's `has_permission` also asks `request.user.is_verified()`.

    Signing in happens in one place only, the portal's sign-in pages (rate-limited, then the
    code step or enrolment), so the admin's own login page sends people there.
    """

    site_header = "North West SEND Placements – back office"
    site_title = "NW SEND Placements back office"

    def __init__(self, name: str = "admin") -> None:
        # OTPAdminSite names itself "otpadmin"; keep "admin" so `admin:` URL names resolve.
        super().__init__(name)

    def login(self, request: HttpRequest, extra_context: object = None) -> HttpResponse:
        if request.user.is_authenticated:
            # Signed in (and past the second factor, or the middleware would have stopped them)
            # but not a platform administrator: sending them to sign in again would loop.
            raise PermissionDenied
        target = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index")
        return HttpResponseRedirect(f"{reverse('login')}?{urlencode({'next': target})}")
