"""Post/Redirect/Get (fps_portal.post_redirect_get): a browser's form submission that answers
with a page is redirected to a GET of the same address, which shows that page once."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.test import RequestFactory

from fps_portal import post_redirect_get
from fps_portal.post_redirect_get import PostRedirectGetMiddleware

NAVIGATE = {"Sec-Fetch-Mode": "navigate"}


class Browser:
    """One session, as a browser keeps it, through the middleware around `view`."""

    def __init__(self, view: Callable[[HttpRequest], HttpResponse]) -> None:
        self.session = SessionStore()
        self.middleware = PostRedirectGetMiddleware(view)
        self.user: object = AnonymousUser()

    def send(self, method: str, path: str, headers: dict[str, str] | None = None) -> HttpResponse:
        request = getattr(RequestFactory(), method)(path, headers=headers or {})
        request.session = self.session
        request.user = self.user
        return self.middleware(request)


def _form_with_errors(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return HttpResponse("<p>There is a problem</p>", status=400)
    return HttpResponse("<p>The empty form</p>")


def test_an_error_page_is_shown_once_by_get_at_the_same_address():
    browser = Browser(_form_with_errors)
    sent = browser.send("post", "/form/?from=check", NAVIGATE)
    assert (sent.status_code, sent["Location"]) == (303, "/form/?from=check")
    shown = browser.send("get", "/form/?from=check", NAVIGATE)
    assert (shown.status_code, shown.content) == (400, b"<p>There is a problem</p>")
    again = browser.send("get", "/form/?from=check", NAVIGATE)
    assert again.content == b"<p>The empty form</p>"


def test_a_success_redirect_passes_through():
    browser = Browser(lambda request: HttpResponse(status=302, headers={"Location": "/done/"}))
    assert browser.send("post", "/form/", NAVIGATE)["Location"] == "/done/"
    assert post_redirect_get.SESSION_KEY not in browser.session


@pytest.mark.parametrize(
    ("path", "headers", "view"),
    [
        ("/form/", {}, _form_with_errors),  # not a browser navigation: the test client, scripts
        ("/form/", {"Sec-Fetch-Mode": "cors"}, _form_with_errors),  # a fetch() from a page
        ("/api/v1/things/", NAVIGATE, _form_with_errors),  # the API is never touched
        ("/form/", NAVIGATE, lambda request: JsonResponse({}, status=400)),  # not a page
    ],
)
def test_only_a_browser_navigation_to_a_page_is_redirected(path, headers, view):
    assert Browser(view).send("post", path, headers).status_code == 400


def test_the_kept_page_is_not_shown_elsewhere_later_or_to_someone_else(monkeypatch):
    browser = Browser(_form_with_errors)
    browser.send("post", "/form/", NAVIGATE)
    assert browser.send("get", "/other/", NAVIGATE).content == b"<p>The empty form</p>"
    assert browser.send("get", "/form/", NAVIGATE).status_code == 200  # discarded on leaving

    browser.send("post", "/form/", NAVIGATE)
    browser.user = type("Someone", (), {"pk": 7, "is_authenticated": True})()
    assert browser.send("get", "/form/", NAVIGATE).status_code == 200

    browser.send("post", "/form/", NAVIGATE)
    later = post_redirect_get.time.time() + post_redirect_get.KEEP_FOR + 1
    monkeypatch.setattr(post_redirect_get.time, "time", lambda: later)
    assert browser.send("get", "/form/", NAVIGATE).status_code == 200


def _cached(browser: Browser) -> object:
    """The page the session's key names in the cache (None when there is none)."""
    from django.core.cache import cache

    kept = browser.session.get(post_redirect_get.SESSION_KEY)
    return cache.get(post_redirect_get.CACHE_PREFIX + kept["key"]) if kept else None


def test_the_session_holds_no_page_and_the_cached_page_goes_once_shown():
    from django.core.cache import cache

    browser = Browser(_form_with_errors)
    browser.send("post", "/form/", NAVIGATE)
    kept = browser.session[post_redirect_get.SESSION_KEY]
    assert set(kept) == {"path", "user", "at", "key"}  # no rendered page in the session
    assert "There is a problem" not in str(dict(browser.session))
    assert "There is a problem" in str(_cached(browser))
    assert browser.send("get", "/form/", NAVIGATE).status_code == 400
    assert post_redirect_get.SESSION_KEY not in browser.session
    assert cache.get(post_redirect_get.CACHE_PREFIX + kept["key"]) is None


def test_a_page_never_shown_leaves_the_cache_when_the_person_goes_elsewhere_or_sends_again():
    from django.core.cache import cache

    browser = Browser(_form_with_errors)
    browser.send("post", "/form/", NAVIGATE)
    first = browser.session[post_redirect_get.SESSION_KEY]["key"]
    browser.send("post", "/form/", NAVIGATE)  # sent twice before the GET: one page kept
    second = browser.session[post_redirect_get.SESSION_KEY]["key"]
    assert cache.get(post_redirect_get.CACHE_PREFIX + first) is None
    assert _cached(browser) is not None
    browser.send("get", "/other/", NAVIGATE)
    assert cache.get(post_redirect_get.CACHE_PREFIX + second) is None


def test_the_cached_page_expires_with_the_time_it_is_kept_for(monkeypatch):
    from django.core.cache import cache

    timeouts: list[object] = []
    real_set = cache.set

    def recording_set(key: str, value: object, timeout: object = None) -> None:
        timeouts.append(timeout)
        real_set(key, value, timeout)

    monkeypatch.setattr(cache, "set", recording_set)
    Browser(_form_with_errors).send("post", "/form/", NAVIGATE)
    assert timeouts == [post_redirect_get.KEEP_FOR]
