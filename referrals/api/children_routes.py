"""API routes of the referrals app: children. `referrals/api_urls.py` registers each."""

from __future__ import annotations

from typing import Any

from referrals.api.children import ChildDocumentViewSet, ChildViewSet

#: (prefix, viewset, basename) for each route.
ROUTES: list[tuple[str, Any, str]] = [
    ("children", ChildViewSet, "child"),
    ("child-documents", ChildDocumentViewSet, "child-document"),
]
