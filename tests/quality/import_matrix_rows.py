"""The Ofsted imports' rows of the authorisation matrix (tests/portal/matrix_table.py): only the
lead authority's evaluators see or send them; every other role is refused (403) before anything
is looked up. An import is the lead authority's, the same on both sides ("shared")."""

from __future__ import annotations

from tests.portal.matrix_rules import Found, Row, expect
from tests.portal.matrix_world import LEAD_EVALUATOR_A

IMPORT = "quality.InspectionImport"

PAGES: dict[str, Row] = {
    # An empty post names the missing file (400) and writes nothing.
    "quality:import-list": Row(
        get=expect() | {LEAD_EVALUATOR_A: 200},
        writes={"POST": expect() | {LEAD_EVALUATOR_A: 400}},
        touches=(IMPORT,),
    ),
    "quality:import-detail": Row(
        ids="inspection_import", get=expect() | {LEAD_EVALUATOR_A: Found(200)}
    ),
    # The file as sent, downloaded and audited.
    "quality:import-file": Row(
        ids="inspection_import", get=expect() | {LEAD_EVALUATOR_A: Found(200)}
    ),
}

API: dict[str, Row] = {
    "inspection-import-list": Row(
        get=expect() | {LEAD_EVALUATOR_A: 200},
        writes={"POST": expect() | {LEAD_EVALUATOR_A: 400}},  # no file in the body
        body=lambda w, s, a: {},
        touches=(IMPORT,),
        lists="inspection-import-detail",
    ),
    "inspection-import-detail": Row(
        ids="inspection_import", get=expect() | {LEAD_EVALUATOR_A: Found(200)}
    ),
}
