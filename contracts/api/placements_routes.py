"""API route of the placements list; `contracts/api_urls.py` registers it."""

from __future__ import annotations

from typing import Any

from contracts.api.placements import PlacementViewSet

#: (prefix, viewset, basename) for each route.
ROUTES: list[tuple[str, Any, str]] = [
    ("placements", PlacementViewSet, "placement"),
]
