"""Every route of the API, read from the URLconf, so a table keyed by it misses no endpoint."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

API_PREFIX = "api/v1/"
IGNORED_METHODS = frozenset({"options", "head"})


def _walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern


def _methods(pattern: URLPattern) -> set[str]:
    callback = pattern.callback
    actions = getattr(callback, "actions", None)
    if actions is not None:  # a viewset: the router says which method runs which action
        return (set(actions) & set(callback.cls.http_method_names)) - IGNORED_METHODS
    view_class = getattr(callback, "view_class", None)
    assert view_class is not None, f"{pattern.name} is not a class-based view"
    return {m for m in view_class.http_method_names if hasattr(view_class, m)} - IGNORED_METHODS


def api_routes() -> set[tuple[str, str]]:
    """(URL name, method) for every route under /api/v1/ (format-suffix twins count once)."""
    routes: set[tuple[str, str]] = set()
    for path, pattern in _walk(get_resolver().url_patterns):
        if not path.lstrip("^").startswith(API_PREFIX):
            continue
        assert pattern.name, f"every API route has a name: {path}"
        routes |= {(pattern.name, method) for method in _methods(pattern)}
    return routes
