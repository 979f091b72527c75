"""API routes of variations, regional uplifts and placement ends; `contracts/api_urls.py`
registers each."""

from __future__ import annotations

from typing import Any

from contracts.api.variations import PlacementEndViewSet, RegionalUpliftViewSet, VariationViewSet

#: (prefix, viewset, basename) for each route.
ROUTES: list[tuple[str, Any, str]] = [
    ("variations", VariationViewSet, "variation"),
    ("regional-uplifts", RegionalUpliftViewSet, "regional-uplift"),
    ("placement-ends", PlacementEndViewSet, "placement-end"),
]
