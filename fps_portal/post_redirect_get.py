"""Post/Redirect/Get for every form page, so Back never shows "Confirm Form Resubmission".

A form sent with a mistake used to answer its POST with the page and its errors. That page is a
POST in the browser's history: after the person corrected the mistake and went on, Back asked to
send the form again. Here, when a browser's form submission answers with a page rather than a
redirect (an error, a refusal, the sign-in form again), the page is kept in the session and the
browser is sent by 303 to the same address; that GET shows the kept page once, with its status
(400 for errors). Every history entry is then a GET, and Back and Refresh show a page, never the
resubmission prompt. Successful submissions already redirect, so they pass through untouched.

One mechanism for every form, rather than a helper each view must remember to call: the page
kept is exactly what the view rendered for the POST (the bound form, the service's own messages
on the fields, the same once-only key), so no view has to learn to re-render from the session.

Only a browser's top-level navigation makes a history entry, so only a request that says it is
one (``Sec-Fetch-Mode: navigate``, sent by every current browser) is redirected. Other callers
(scripts, the test client, the API, which is never touched) get the page directly, as before.
The kept page is tied to the user and the address, shown at most once and only within
``KEEP_FOR`` of the POST, and it never holds what the page itself did not show (passwords are
never redrawn into a form).

The page itself is kept in the cache (Redis in production), under a random key that expires
after ``KEEP_FOR``; the session holds only that key, the address, the user and the time. A
rendered page may hold personal data (the person's own answers), and this way it never reaches
the database's session table or its backups, and is gone by itself minutes later even if never
shown. Why the page and not the POST data, replayed on the GET: docs/architecture.md
("Post/Redirect/Get").
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

Handler = Callable[[HttpRequest], HttpResponse]

SESSION_KEY = "fps_post_redirect_get"
#: The cache key of a kept page: this prefix and the random key the session holds.
CACHE_PREFIX = "fps-prg:"
#: Seconds within which the GET must follow the POST; a page found later is discarded.
KEEP_FOR = 300


def _user_key(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    return str(user.pk) if user is not None and user.is_authenticated else ""


def _should_keep(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        request.method == "POST"
        and request.headers.get("Sec-Fetch-Mode") == "navigate"
        and not request.path.startswith("/api/")
        and hasattr(request, "session")
        and not (300 <= response.status_code < 400)
        and not response.streaming
        and response.get("Content-Type", "").startswith("text/html")
    )


class PostRedirectGetMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "GET" and hasattr(request, "session"):
            kept = self._take(request)
            if kept is not None:
                return HttpResponse(
                    kept["body"].encode(),
                    status=kept["status"],
                    content_type=kept["content_type"],
                )
        response = self.get_response(request)
        if not _should_keep(request, response):
            return response
        self._discard(request)  # an earlier page never shown
        key = secrets.token_urlsafe(16)
        cache.set(
            CACHE_PREFIX + key,
            {
                "status": response.status_code,
                "content_type": response["Content-Type"],
                "body": response.content.decode(response.charset or "utf-8"),
            },
            timeout=KEEP_FOR,
        )
        request.session[SESSION_KEY] = {
            "path": request.get_full_path(),
            "user": _user_key(request),
            "at": time.time(),
            "key": key,
        }
        redirect = HttpResponse(status=303)
        redirect["Location"] = request.get_full_path()
        redirect.cookies = response.cookies  # a cookie the page set (sign-out, language) stays
        return redirect

    @staticmethod
    def _discard(request: HttpRequest) -> dict[str, Any] | None:
        """Removes the kept page (session entry and cached page); returns the session entry."""
        kept = request.session.pop(SESSION_KEY, None)
        if isinstance(kept, dict) and kept.get("key"):
            cache.delete(CACHE_PREFIX + str(kept["key"]))
        return kept if isinstance(kept, dict) else None

    @classmethod
    def _take(cls, request: HttpRequest) -> dict[str, Any] | None:
        kept = request.session.get(SESSION_KEY)
        if not kept:
            return None
        if not isinstance(kept, dict) or kept.get("path") != request.get_full_path():
            if request.headers.get("Sec-Fetch-Mode") == "navigate":
                # The person went elsewhere: the kept page will never be wanted.
                cls._discard(request)
            return None
        page = cache.get(CACHE_PREFIX + str(kept.get("key", "")))
        cls._discard(request)
        fresh = time.time() - float(kept.get("at", 0)) <= KEEP_FOR
        if page is None or not fresh or kept.get("user") != _user_key(request):
            return None
        return page
