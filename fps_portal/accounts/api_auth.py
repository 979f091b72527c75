"""How the API knows who is calling.

Tokens stay a single factor on purpose: they are issued by a platform administrator to a named
system (`manage.py issue_api_token`), never typed by a person, and 160 random bits cannot be
guessed; wrong tokens are still limited per address so no one can try. A browser session, on the
other hand, counts only once its second factor is verified, so a password alone opens nothing.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.authentication import SessionScheme
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed, Throttled
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from fps_portal.accounts.mfa import session_needs_second_factor


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
