"""API routes of Orders and Individual Placement Agreements; `contracts/api_urls.py` registers
each."""

from __future__ import annotations

from typing import Any

from contracts.api.agreements import AgreementViewSet, OrderViewSet

#: (prefix, viewset, basename) for each route.
ROUTES: list[tuple[str, Any, str]] = [
    ("orders", OrderViewSet, "order"),
    ("agreements", AgreementViewSet, "agreement"),
]
