"""API routes of the referrals app: referrals. `referrals/api_urls.py` registers each."""

from __future__ import annotations

from typing import Any

from referrals.api.referrals import ReferralViewSet

#: (prefix, viewset, basename) for each route.
ROUTES: list[tuple[str, Any, str]] = [("referrals", ReferralViewSet, "referral")]
