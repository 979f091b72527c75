"""Query budgets of the Ofsted import routes, for tests/portal/test_query_budgets.py (route, who,
build, queries), each query named. Three imports are listed: the count does not grow with them."""

from __future__ import annotations

from collections.abc import Callable

from fps_portal.accounts.models import Role
from tests.factories import person
from tests.portal.query_budget_scenes import Call, api, page
from tests.quality.gates_world import build_imports


def _lead(build: Callable[[dict[str, int], object], Call]) -> Callable[[], Call]:
    def built() -> Call:
        imports = build_imports()
        return build(imports, person(Role.LEAD_EVALUATOR))

    return built


# Pages: 1-4 the session, the user, the otp device and the actor's memberships; the list: 5 the
# imports with who sent each. The import's page: 5 the import with who sent it.
# API: 1 the token with its user; 2 the actor's memberships; 3 the page of imports with who sent
# each (a cursor page: no count). The detail: 3 the import with who sent it.
IMPORT_BUDGETS: list[tuple[str, str, Callable[[], Call], int]] = [
    ("quality:import-list", "lead evaluator", _lead(lambda i, u: page("/ofsted-imports/", u)), 5),
    (
        "quality:import-detail",
        "lead evaluator",
        _lead(lambda i, u: page(f"/ofsted-imports/{i['done']}/", u)),
        5,
    ),
    # The file: 5 the import; 6-8 the audit row (its transaction and insert).
    (
        "quality:import-file",
        "lead evaluator",
        _lead(lambda i, u: page(f"/ofsted-imports/{i['done']}/file/", u)),
        8,
    ),
    (
        "inspection-import-list",
        "lead evaluator",
        _lead(lambda i, u: api("/api/v1/inspection-imports/", u)),
        3,
    ),
    (
        "inspection-import-detail",
        "lead evaluator",
        _lead(lambda i, u: api(f"/api/v1/inspection-imports/{i['refused']}/", u)),
        3,
    ),
]
