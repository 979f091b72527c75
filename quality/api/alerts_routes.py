"""API routes of the rating alerts; `quality/api_urls.py` registers each."""

from __future__ import annotations

from typing import Any

from quality.api.alerts import RatingAlertViewSet

#: (prefix, viewset, basename) for each route.
ROUTES: list[tuple[str, Any, str]] = [("alerts", RatingAlertViewSet, "rating-alert")]
