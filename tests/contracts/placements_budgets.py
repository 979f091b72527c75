"""Query budgets of the placements list, its export and the placements API (branch plist), for
tests/contracts/budgets.py: each measured on the changes scene's two signed agreements (with an
agreed uplift, a proposed uplift, a proposed change of end date and planned ends). That the
counts do not grow with rows is tests/contracts/test_placements_queries.py's job."""

from __future__ import annotations

from collections.abc import Callable

from tests.contracts.changes_scene import changes_scene
from tests.portal.query_budget_scenes import Call, api, page

# Pages: 1-4 are the session, the user, the otp device and the actor's memberships. The list:
# 5: the settings of the actor's placements (the setting filter's choices); 6: the commitment
# (or income) and the counts, in one aggregate; 7: the count (paginator); 8: the page of
# placements with their Order, setting, parties and end, and the computed columns (the fee in
# force today, the uplifts, a variation proposed) as subqueries; 9: the children shown, through
# their own scope; 10-12: the audited list of names (savepoint, insert, release).
# The export: 5: the setting filter's choices; 6: the placements (as 8 above); 7: the children;
# 8-11: the audit (savepoint, the view of the children's records, the download, release).
# API: 1: the token with its user; 2: the actor's memberships; 3: the page of placements (as 8
# above; a cursor page: no count); 4: the children; 5-7: the audited list of names. The detail:
# 3: the placement; 4: its child; 5-7: the audited view of the child's record.
PLACEMENT_BUDGETS: list[tuple[str, str, Callable[[], Call], int]] = [
    (
        "contracts:placements",
        "commissioner",
        lambda: page("/placements/", changes_scene().commissioner),
        12,
    ),
    (
        "contracts:placements",
        "provider, filtered",
        lambda: page("/placements/?variation_pending=yes", changes_scene().provider_user),
        12,
    ),
    (
        "contracts:placements-export",
        "commissioner, CSV",
        lambda: page("/placements/export/?format=csv", changes_scene().commissioner),
        11,
    ),
    (
        "contracts:placements-export",
        "provider, XLSX",
        lambda: page("/placements/export/?format=xlsx", changes_scene().provider_user),
        11,
    ),
    (
        "placement-list",
        "commissioner",
        lambda: api("/api/v1/placements/", changes_scene().commissioner),
        7,
    ),
    (
        "placement-detail",
        "provider",
        lambda: (lambda s: api(f"/api/v1/placements/{s.agreements[0]}/", s.provider_user))(
            changes_scene()
        ),
        7,
    ),
]
