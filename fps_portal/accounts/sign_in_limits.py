"""Limits on guessing: who an attempt is from (django-axes' callables), the lockout page, and
the cache-counted limits on registration, password reset and sign-ins per account."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_ratelimit.core import is_ratelimited

LOCKED_OUT_TEMPLATE = "registration/locked_out.html"


def client_ip(request: HttpRequest) -> str:
    """The address the request came from.

    X-Forwarded-For is the client's to write, so it is believed only as far as the proxies the
    deployment says it runs (FPS_TRUSTED_PROXY_COUNT): with one proxy, its last entry.
    """
    remote = str(request.META.get("REMOTE_ADDR", ""))
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    hops = [hop.strip() for hop in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
    hops = [hop for hop in hops if hop]
    return hops[-proxies] if len(hops) >= proxies else remote


def normalised_email(value: object) -> str:
    """Addresses are stored in lower case; an attempt counts against the account whatever the
    case or spaces typed."""
    return str(value or "").strip().lower()


def username_of_attempt(request: HttpRequest, credentials: Mapping[str, Any] | None) -> str:
    """The e-mail an attempt was for, as stored (django-axes' AXES_USERNAME_CALLABLE)."""
    source: Mapping[str, Any] = credentials or getattr(request, "data", None) or request.POST
    return normalised_email(source.get("username") or source.get("email"))


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: object
) -> HttpResponse:
    """The page shown instead of signing in while an e-mail is locked out from this address."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, LOCKED_OUT_TEMPLATE, {"cool_off_minutes": minutes}, status=429)


def over_limit(request: HttpRequest, *, group: str, key: str, rate: str) -> bool:
    """Counts this request against `key` in `group` and says whether it is over `rate`
    (django-ratelimit's counters live in the default cache: Redis in production)."""
    return bool(
        is_ratelimited(
            request, group=group, key=lambda _group, _request: key, rate=rate, increment=True
        )
    )


def over_address_or_email_limit(
    request: HttpRequest, *, group: str, email: str, per_address: str, per_email: str
) -> bool:
    """Counts this request against both its address and the e-mail typed, and says whether
    either is over its rate (both are counted every time, so neither can be probed for free)."""
    by_address = over_limit(
        request, group=f"{group}-address", key=client_ip(request), rate=per_address
    )
    by_email = over_limit(request, group=f"{group}-email", key=email, rate=per_email)
    return by_address or by_email
