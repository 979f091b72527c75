"""Who must use a second factor, and the middleware that holds everyone else at the door.

Every authority role (the lead authority's evaluators included) and every platform administrator
must sign in with a code from an authenticator app (TOTP) or a recovery code. Provider users and
forum members may set one up; once they have, it is asked for too. The check is made for every
request by `RequireSecondFactorMiddleware`, so a page added tomorrow is covered without anyone
remembering a decorator.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils.http import urlencode
from django_otp import user_has_device

from fps_portal.accounts.models import Membership, Role, User

#: Roles whose holders must use a second factor: everyone who acts for a local authority.
ROLES_REQUIRING_SECOND_FACTOR = frozenset(
    {
        Role.LEAD_EVALUATOR,
        Role.COMMISSIONER,
        Role.QA_OFFICER,
        Role.SENIOR_MANAGER,
        Role.AUTHORITY_ADMIN,
    }
)

#: Pages a signed-in person may reach before their second factor: the steps themselves, signing
#: out, password reset and the public statements. Everything else waits, the recovery codes page
#: too (new codes sign in without the app; enrolment shows them once the session is verified).
OPEN_BEFORE_SECOND_FACTOR = frozenset(
    {
        "mfa-verify",
        "mfa-recovery",
        "mfa-enrol",
        "logout",
        "login",
        "password_reset",
        "password_reset_done",
        "password_reset_confirm",
        "password_reset_complete",
        "healthz",
        "accessibility",
        "privacy",
    }
)

_CHECKED = "_fps_needs_second_factor"


def second_factor_required(user: User) -> bool:
    """Whether this person may not use the portal on a password alone."""
    if user.is_staff or user.is_superuser:
        return True
    return Membership.objects.filter(
        user=user, is_active=True, role__in=ROLES_REQUIRING_SECOND_FACTOR
    ).exists()


def needs_second_factor(user: object) -> bool:
    """Signed in with a password, and a code is still owed (to be entered, or first set up)."""
    if not getattr(user, "is_authenticated", False):
        return False
    # OTPMiddleware gives request.user `is_verified`; a user just signed in has not got it yet.
    is_verified = getattr(user, "is_verified", None)
    if is_verified is not None and is_verified():
        return False
    return bool(user_has_device(user) or second_factor_required(user))  # type: ignore[arg-type]


def session_needs_second_factor(request: HttpRequest) -> bool:
    """`needs_second_factor` for this request's user, worked out once per request."""
    cached = getattr(request, _CHECKED, None)
    if cached is None:
        cached = needs_second_factor(request.user)
        setattr(request, _CHECKED, cached)
    return bool(cached)


def second_factor_step(user: User, next_url: str = "") -> str:
    """Where a password-only session goes next: the code if enrolled, else enrolment."""
    name = "mfa-verify" if user_has_device(user) else "mfa-enrol"
    url = reverse(name)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


class RequireSecondFactorMiddleware:
    """Sends a password-only session to its second-factor step from any page but the few in
    OPEN_BEFORE_SECOND_FACTOR. The API is left to `VerifiedSessionAuthentication`, which treats
    such a session as not signed in (tokens are a separate, single-factor credential)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if session_needs_second_factor(request) and not self._open(request.path_info):
            next_url = request.get_full_path() if request.method == "GET" else ""
            return HttpResponseRedirect(second_factor_step(request.user, next_url))  # type: ignore[arg-type]
        return self.get_response(request)

    @staticmethod
    def _open(path: str) -> bool:
        if path.startswith(("/api/", settings.STATIC_URL or "/static/")):
            return True
        try:
            match = resolve(path)
        except Resolver404:
            return True  # a 404 shows nothing
        return match.view_name in OPEN_BEFORE_SECOND_FACTOR
