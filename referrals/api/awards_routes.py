"""API routes of the referrals app: awards. `referrals/api_urls.py` registers each."""

from __future__ import annotations

from typing import Any

from referrals.api.awards import AwardedPlacementViewSet, AwardViewSet, ReferralEvaluationViewSet

#: (prefix, viewset, basename) for each route. The evaluation actions hang off `referrals/{id}/`
#: beside the referrals part's own viewset (this one has no list or detail route of its own).
ROUTES: list[tuple[str, Any, str]] = [
    ("referrals", ReferralEvaluationViewSet, "referral-evaluation"),
    ("awards", AwardViewSet, "award"),
    ("awarded-placements", AwardedPlacementViewSet, "awarded-placement"),
]
