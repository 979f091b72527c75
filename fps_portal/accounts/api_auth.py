"""How the API knows who is calling.

Another council's system authenticates as an API client its authority's administrator
registered (`Authorization: Bearer fps_<prefix>_<secret>`, ADR 0015): stored hashed, expiring,
revocable, acting in one role. The older per-person tokens (`Authorization: Token <key>`, issued by
platform operations with `manage.py issue_api_token`) still work. Both stay a single factor on
purpose: never typed by a person, too many random bits to guess, and wrong ones are limited per
address so no one can try. A browser session, on the
other hand, counts only once its second factor is verified, so a password alone opens nothing.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.authentication import SessionScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed, Throttled
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from fps_portal.accounts.mfa import session_needs_second_factor
from fps_portal.accounts.services.api_clients import api_client_authenticate


class BadTokenThrottle(SimpleRateThrottle):
    """Counts wrong tokens per address (scope `bad_token` in DEFAULT_THROTTLE_RATES)."""

    scope = "bad_token"

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def exhausted(self, request: Request) -> bool:
        """Whether this address has used up its wrong tokens; counts nothing."""
        limit, window = self.parse_rate(self.rate)
        if limit is None or window is None:
            return False
        self.key = self.get_cache_key(request, None)
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - window:
            self.history.pop()
        return len(self.history) >= limit

    def record_failure(self) -> None:
        self.throttle_success()  # appends now to the history exhausted() read


class ThrottledTokenAuthentication(TokenAuthentication):
    """DRF's token authentication; after too many wrong tokens from one address, any token
    from it is refused (429) until the window has passed, before it is even looked up."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        throttle = BadTokenThrottle()
        if throttle.exhausted(request):
            raise Throttled(wait=throttle.wait())
        try:
            return super().authenticate(request)
        except AuthenticationFailed:
            throttle.record_failure()
            raise


class ApiClientAuthentication(TokenAuthentication):
    """An API client's credential (`Bearer fps_...`): refused with 401 when wrong, expired or
    revoked, throttled per address like tokens. The request's `auth` is the ApiClient, from which
    `actor_of` builds an actor that names the client."""

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        throttle = BadTokenThrottle()
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if header.split(" ", 1)[0] == self.keyword and throttle.exhausted(request):
            raise Throttled(wait=throttle.wait())
        try:
            return super().authenticate(request)
        except AuthenticationFailed:
            throttle.record_failure()
            raise

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        client = api_client_authenticate(key)
        if client is None:
            raise AuthenticationFailed("The credential is wrong, expired or revoked.")
        return client.user, client


class ApiClientScheme(OpenApiAuthenticationExtension):
    """The OpenAPI schema documents API clients' credentials."""

    target_class = "fps_portal.accounts.api_auth.ApiClientAuthentication"
    name = "apiClient"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        # An Authorization header with a prefix, documented as drf-spectacular documents DRF's
        # tokens ("http bearer" would let tools treat it as any bearer token, OAuth's included).
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "An API client's credential, prefixed with 'Bearer ': "
            "`Bearer fps_<prefix>_<secret>`.",
        }


class VerifiedSessionAuthentication(SessionAuthentication):
    """DRF's session authentication, except that a session still waiting for its second factor
    is not signed in as far as the API is concerned."""

    def authenticate(self, request: Request) -> tuple[Any, None] | None:
        result = super().authenticate(request)
        if result is not None and session_needs_second_factor(request._request):
            return None
        return result


class VerifiedSessionScheme(SessionScheme):
    """The OpenAPI schema documents VerifiedSessionAuthentication as the session cookie."""

    target_class = "fps_portal.accounts.api_auth.VerifiedSessionAuthentication"
