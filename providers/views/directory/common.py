"""Helpers the directory pages share."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, QueryDict


def query_without(params: Any, *names: str) -> str:
    """The query string without the named parameters (for pagination and export links)."""
    copy = params.copy()
    for name in names:
        copy.pop(name, None)
    return str(copy.urlencode())


def search_to_return_to(request: HttpRequest) -> str:
    """The search a setting's page was opened from (`?from=`), as a clean query string.

    Re-encoded from its parsed form, so whatever was put in the parameter can only ever become
    a query string on the search's own path, never another address.
    """
    raw = request.GET.get("from", "")
    return QueryDict(raw).urlencode() if raw else ""
