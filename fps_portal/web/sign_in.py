"""Sign-in and password reset, with the limits that stop guessing and flooding.

django-axes (its backend and middleware) locks an e-mail out from one address after
AXES_FAILURE_LIMIT wrong passwords; on top of that every account takes at most
SIGN_IN_ACCOUNT_RATE attempts from all addresses together, and password reset is limited per
address and per e-mail typed. Limits say nothing about whether an account exists: they count
whatever was typed.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from fps_portal.accounts.mfa import needs_second_factor, second_factor_step
from fps_portal.accounts.sign_in_limits import (
    LOCKED_OUT_TEMPLATE,
    client_ip,
    normalised_email,
    over_address_or_email_limit,
    over_limit,
)
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record
from fps_portal.web.forms import EmailAuthenticationForm, GovukPasswordResetForm


def too_many_requests(request: HttpRequest, *, what: str, typed_email: str) -> HttpResponse:
    """The page for a refused burst, audited with what was typed and from where."""
    with transaction.atomic():  # audit_record runs only inside a transaction
        audit_record(
            actor=None,
            verb=AuditVerb.RATE_LIMITED,
            object_type="accounts.user",
            reason=f"{what} refused: too many requests for {typed_email[:200]} or from "
            f"{client_ip(request)}",
        )
    return render(request, "registration/too_many_requests.html", {"what": what}, status=429)


class SignInView(auth_views.LoginView):
    form_class = EmailAuthenticationForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        email = normalised_email(request.POST.get("username"))
        if email and over_limit(
            request, group="sign-in-account", key=email, rate=settings.SIGN_IN_ACCOUNT_RATE
        ):
            with transaction.atomic():
                audit_record(
                    actor=None,
                    verb=AuditVerb.LOCKED_OUT,
                    object_type="accounts.user",
                    reason=f"Sign-in refused: too many attempts for {email[:200]} from all "
                    "addresses",
                )
            minutes = 60
            return render(request, LOCKED_OUT_TEMPLATE, {"cool_off_minutes": minutes}, status=429)
        return super().post(request, *args, **kwargs)

    def get_success_url(self) -> str:
        # Straight on to the code (or to setting up the app) rather than via a page that the
        # middleware would turn away; `next` is kept for after the code.
        url = super().get_success_url()
        if needs_second_factor(self.request.user):
            return second_factor_step(self.request.user, url)  # type: ignore[arg-type]
        return url


class LimitedPasswordResetView(auth_views.PasswordResetView):
    form_class = GovukPasswordResetForm

    def form_valid(self, form: GovukPasswordResetForm) -> HttpResponse:
        email = normalised_email(form.cleaned_data["email"])
        request = self.request
        if over_address_or_email_limit(
            request,
            group="password-reset",
            email=email,
            per_address=settings.PASSWORD_RESET_RATE_PER_ADDRESS,
            per_email=settings.PASSWORD_RESET_RATE_PER_EMAIL,
        ):
            return too_many_requests(request, what="Resetting a password", typed_email=email)
        return super().form_valid(form)
