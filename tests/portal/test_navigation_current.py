"""The service navigation marks one item current: the page's own address, else the longest item
address it sits under (the accessibility gate checks every page for it in the browser)."""

from __future__ import annotations

import pytest

from fps_portal.context_processors import _current

ITEMS = ["/dashboard/", "/fps/windows/", "/fps/", "/fps/memberships/", "/settings/mine/"]


@pytest.mark.parametrize(
    ("path", "current"),
    [
        ("/dashboard/", "/dashboard/"),
        ("/fps/", "/fps/"),
        ("/fps/windows/", "/fps/windows/"),
        ("/fps/windows/3/", "/fps/windows/"),
        ("/fps/memberships/7/change/", "/fps/memberships/"),
        ("/fps/applications/2/", "/fps/"),
        ("/dashboard/anything/", None),  # the dashboard owns only itself
        ("/accessibility/", None),
    ],
)
def test_one_item_at_most_is_current(path: str, current: str | None) -> None:
    assert _current(path, ITEMS) == current
