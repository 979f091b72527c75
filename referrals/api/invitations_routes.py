"""API routes of the referrals app: invitations. `referrals/api_urls.py` registers each."""

from __future__ import annotations

from typing import Any

from referrals.api.invitations import InvitationViewSet, ResponseViewSet

#: (prefix, viewset, basename) for each route.
ROUTES: list[tuple[str, Any, str]] = [
    ("invitations", InvitationViewSet, "invitation"),
    ("responses", ResponseViewSet, "response"),
]
