"""The second sign-in step: a code from an authenticator app or a recovery code, and setting up
the app the first time. `RequireSecondFactorMiddleware` sends every password-only session here."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import django_otp
import qrcode
import qrcode.image.svg
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from fps_portal.accounts import second_factor
from fps_portal.accounts.models import User
from fps_portal.accounts.second_factor import CodeCheck
from fps_portal.web.forms import AppCodeForm, RecoveryCodeForm

_NEW_CODES_SESSION_KEY = "fps_new_recovery_codes"
_ENROLLING_SESSION_KEY = "fps_enrolling_app"
_LOW_ON_RECOVERY_CODES = 3
# Before the second factor the menu would offer only pages that send the person back here.
_NO_NAV: dict[str, Any] = {"nav_items": []}


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("dashboard")


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]  # @login_required has run


def _verified(request: HttpRequest) -> bool:
    return bool(request.user.is_verified())  # type: ignore[union-attr]


def _complete(request: HttpRequest, check: CodeCheck) -> None:
    """The session now counts as signed in with two factors; a new session key marks it."""
    django_otp.login(request, check.device)
    request.session.cycle_key()


def _refusal(form: forms.Form, check: CodeCheck, wrong: str) -> None:
    if check.retry_after:
        form.add_error(
            "code",
            f"You entered too many wrong codes. Wait {check.retry_after} seconds, then try again",
        )
    else:
        form.add_error("code", wrong)


def _code_step(
    request: HttpRequest,
    *,
    form_class: type[forms.Form],
    check_code: Callable[..., CodeCheck],
    wrong: str,
    template: str,
    on_success: Callable[[HttpRequest], None] | None = None,
) -> HttpResponse:
    """A second sign-in step's page: the form; on a right code, the session counts as signed
    in with two factors and the person goes on; on a wrong one, why, at the field."""
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = check_code(user=_user(request), code=form.cleaned_data["code"])
        if check.accepted:
            _complete(request, check)
            if on_success is not None:
                on_success(request)
            return redirect(_next_url(request))
        _refusal(form, check, wrong)
    return render(
        request,
        template,
        {"form": form, "next": request.POST.get("next") or request.GET.get("next", ""), **_NO_NAV},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if _verified(request):
        return redirect(_next_url(request))
    if second_factor.confirmed_app(user) is None:
        if second_factor.recovery_device(user) is not None:
            return redirect(f"{reverse('mfa-recovery')}?{request.GET.urlencode()}")
        return redirect(f"{reverse('mfa-enrol')}?{request.GET.urlencode()}")
    return _code_step(
        request,
        form_class=AppCodeForm,
        check_code=second_factor.app_code_check,
        wrong="The code is not correct. Enter the code your app shows now",
        template="registration/mfa_verify.html",
    )


def _warn_when_low_on_recovery_codes(request: HttpRequest) -> None:
    left = second_factor.recovery_codes_left(_user(request))
    if left <= _LOW_ON_RECOVERY_CODES:
        messages.warning(
            request,
            f"You have {left} recovery code{'s' if left != 1 else ''} left. "
            "Get new ones from the recovery codes page.",
        )


@login_required
@require_http_methods(["GET", "POST"])
def recovery(request: HttpRequest) -> HttpResponse:
    if _verified(request):
        return redirect(_next_url(request))
    return _code_step(
        request,
        form_class=RecoveryCodeForm,
        check_code=second_factor.recovery_code_use,
        wrong="The recovery code is not correct, or it has been used",
        template="registration/mfa_recovery.html",
        on_success=_warn_when_low_on_recovery_codes,
    )


def _qr_data_uri(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    svg = image.to_string()
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@login_required
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if second_factor.confirmed_app(user) is not None:
        # Already set up: a second app may only be added from a verified session, and a lost
        # app is reset by a platform administrator (in the back office), never from here.
        if _verified(request):
            return redirect(_next_url(request))
        return redirect(f"{reverse('mfa-verify')}?{request.GET.urlencode()}")
    device = second_factor.app_for_enrolment(
        user=user, device_id=request.session.get(_ENROLLING_SESSION_KEY)
    )
    request.session[_ENROLLING_SESSION_KEY] = device.pk
    form = AppCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check, codes = second_factor.app_enrolment_confirm(
            user=user, device=device, code=form.cleaned_data["code"]
        )
        if check.accepted:
            _complete(request, check)
            request.session[_NEW_CODES_SESSION_KEY] = codes
            return redirect(f"{reverse('mfa-recovery-codes')}?next={_next_url(request)}")
        _refusal(form, check, "The code is not correct. Enter the code your app shows now")
    secret = base64.b32encode(device.bin_key).decode("ascii")
    context: dict[str, Any] = {
        "form": form,
        "secret": _grouped(secret),
        "otpauth_uri": device.config_url,
        "qr_code": _qr_data_uri(device.config_url),
        "next": request.POST.get("next") or request.GET.get("next", ""),
        **_NO_NAV,
    }
    return render(
        request, "registration/mfa_enrol.html", context, status=400 if form.errors else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """Shows new recovery codes once, straight after they are made; or offers new ones."""
    user = _user(request)
    if second_factor.confirmed_app(user) is None:
        return redirect("mfa-enrol")
    if request.method == "POST":
        request.session[_NEW_CODES_SESSION_KEY] = second_factor.recovery_codes_replace(user=user)
        return redirect(f"{reverse('mfa-recovery-codes')}?next={_next_url(request)}")
    codes = request.session.pop(_NEW_CODES_SESSION_KEY, None)
    return render(
        request,
        "registration/mfa_recovery_codes.html",
        {
            "codes": [second_factor.formatted_code(code) for code in codes or []],
            "left": second_factor.recovery_codes_left(user),
            "next": _next_url(request),
        },
    )
