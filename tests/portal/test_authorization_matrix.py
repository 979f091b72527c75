"""The authorisation matrix: every route of the portal, the API and the back office, asked by
every actor for their own object, another organisation's and a missing one, against the table in
matrix_table.py (the back office against matrix_admin.py's rule).

A route without a row fails `test_every_route_has_a_row`, which says what to add. A refused write
(or one answered with an error) must leave the audit log and the tables its row names unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.urls import reverse

from fps_portal.audit.models import AuditEvent
from tests.module_world import world_per_module
from tests.portal.matrix_admin import admin_expected, admin_page, admin_path
from tests.portal.matrix_routes import (
    ADMIN_SIGN_IN,
    SIGN_IN,
    Answer,
    Route,
    all_routes,
    answered,
    ask,
    cases_for,
    kwargs_for,
)
from tests.portal.matrix_rules import Row, resolve
from tests.portal.matrix_table import TABLE
from tests.portal.matrix_world import ACTORS, ANONYMOUS, FORUM_MEMBER, World, build_world

ROUTES = all_routes()
REFUSALS = {401, 403, 404, 405, SIGN_IN, ADMIN_SIGN_IN}
#: Keys a forum member's answers never carry: prices, internal reasons, named signatories.
FORUM_MUST_NOT_SEE = frozenset(
    {
        "weekly_price",
        "lot_price",
        "rate",
        "prices",
        "services",
        "state_reason",
        "agreement_signatory_name",
        "agreement_signatory_role",
    }
)


# The world built once for the module, each cell's writes rolled back at a savepoint.
asked, db, module_world = world_per_module(build_world)


@dataclass(frozen=True)
class Cell:
    route: Route
    method: str
    actor: str
    case: str

    @property
    def id(self) -> str:
        return f"{self.route.key} {self.method} {self.actor} {self.case}"


def _methods(route: Route, row: Row) -> list[str]:
    return (["GET"] if row.get is not None else []) + list(row.writes)


def _not_yet(row: Row, method: str, actor: str, case: str) -> str | None:
    """Why today's code does not yet answer this cell as the table says (a known defect)."""
    return row.known.get((method, actor, case)) or row.known.get((method, actor, "*"))


def _cells() -> Iterator[Any]:
    for route in ROUTES:
        row = TABLE.get(route.key)
        if route.admin or row is None:
            continue
        for method in _methods(route, row):
            for case in cases_for(row.ids):
                for actor in ACTORS:
                    reason = _not_yet(row, method, actor, case)
                    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
                    cell = Cell(route, method, actor, case)
                    yield pytest.param(cell, id=cell.id, marks=marks)


def _admin_cells() -> Iterator[Any]:
    for route in ROUTES:
        if not route.admin or admin_page(route) is None:
            continue
        methods = ["GET"]
        if admin_page(route).page in ("add", "change", "delete"):  # type: ignore[union-attr]
            methods.append("POST")
        for method in methods:
            for actor in ACTORS:
                cell = Cell(route, method, actor, "-")
                yield pytest.param(cell, id=cell.id)


def _expected(cell: Cell, row: Row) -> Answer:
    answers = row.get if cell.method == "GET" else row.writes[cell.method]
    assert answers is not None
    default = (401 if cell.route.api else SIGN_IN) if cell.actor == ANONYMOUS else 403
    return resolve(answers.get(cell.actor, default), cell.actor, cell.case)


def _snapshot(models: tuple[str, ...]) -> dict[str, object]:
    state: dict[str, object] = {"audit": AuditEvent.objects.count()}
    for label in models:
        state[label] = list(apps.get_model(label)._default_manager.order_by("pk").values())
    return state


def _keys(data: object) -> set[str]:
    if isinstance(data, dict):
        return set(data) | {k for v in data.values() for k in _keys(v)}
    if isinstance(data, list):
        return {k for item in data for k in _keys(item)}
    return set()


def _holds_exactly_what_the_actor_may_see(
    world: World, cell: Cell, page: dict[str, Any], detail: Row
) -> None:
    listed = {item["id"] for item in page["results"]}
    assert detail.get is not None
    for case in ("X", "Y"):
        may_see = _expected(Cell(cell.route, "GET", cell.actor, case), detail) == 200
        pk = kwargs_for(world, detail.ids, case, cell.actor)["pk"]
        assert (pk in listed) == may_see, (
            f"GET {cell.route.pattern} as {cell.actor}: {case}'s object {pk} is "
            f"{'missing from' if may_see else 'in'} the list, but its detail answers "
            f"{'200' if may_see else 'no'}"
        )


def _explain(cell: Cell, path: str, expected: Answer, got: Answer) -> str:
    return (
        f"{cell.method} {path} as {cell.actor} ({cell.case} case): the table says {expected}, "
        f"the portal answered {got}. If the rule changed, change the row of {cell.route.key!r} "
        "in tests/portal/matrix_table.py; otherwise this is an authorisation defect."
    )


@pytest.mark.parametrize("cell", list(_cells()))
def test_route_answers_each_actor_as_the_table_says(asked: World, cell: Cell) -> None:
    world = asked
    row = TABLE[cell.route.key]
    expected = _expected(cell, row)
    kwargs = kwargs_for(world, row.ids, cell.case, cell.actor)
    writing = cell.method != "GET"
    must_write_nothing = writing and (
        expected in REFUSALS or (isinstance(expected, int) and expected >= 400)
    )
    before = _snapshot(row.touches) if must_write_nothing else None
    side = world.y if cell.case == "Y" else world.x
    body = row.body(world, side, cell.actor) if (writing and row.body) else None
    path = reverse(cell.route.key, kwargs=kwargs or None)
    response = ask(world, cell.route, cell.actor, cell.method, path, body, session=row.session)
    got = answered(response, path)
    assert got == expected, _explain(cell, path, expected, got)
    if before is not None:
        assert _snapshot(row.touches) == before, (
            f"{cell.method} {path} as {cell.actor} was refused ({got}) but changed "
            f"{', '.join(row.touches) or 'the audit log'}"
        )
    json_answer = response.get("Content-Type", "").startswith("application/json")
    if row.lists and cell.method == "GET" and got == 200:
        _holds_exactly_what_the_actor_may_see(world, cell, response.json(), TABLE[row.lists])
    if cell.actor == FORUM_MEMBER and json_answer and got == 200:
        leaked = _keys(response.json()) & FORUM_MUST_NOT_SEE
        assert not leaked, f"GET {path} shows a forum member {sorted(leaked)}"


@pytest.mark.parametrize("cell", list(_admin_cells()))
def test_back_office_answers_each_actor_by_its_rule(asked: World, cell: Cell) -> None:
    world = asked
    expected = admin_expected(cell.route, cell.actor)
    page = admin_page(cell.route)
    touched = (page.model._meta.label,) if page and page.model else ()
    before = _snapshot(touched) if cell.method == "POST" else None
    path = admin_path(cell.route, world)
    response = ask(world, cell.route, cell.actor, cell.method, path)
    got = answered(response, path)
    assert got == expected, _explain(cell, path, expected, got)
    if before is not None:
        assert _snapshot(touched) == before, f"POST {path} as {cell.actor} changed {touched}"


def test_every_route_has_a_row() -> None:
    """A new route fails here until the table says what every actor gets."""
    problems = []
    keys = {route.key for route in ROUTES}
    for route in ROUTES:
        if route.admin:
            if admin_page(route) is None:
                problems.append(
                    f"back-office route {route.key!r} ({route.pattern}) is a kind of page the "
                    "matrix does not know: add it to ADMIN_PAGES in tests/portal/matrix_admin.py"
                )
            continue
        row = TABLE.get(route.key)
        if row is None:
            problems.append(
                f"route {route.key!r} ({route.pattern}) has no row: add one to TABLE in "
                "tests/portal/matrix_table.py saying what each actor gets for GET and each write "
                "method, for its own object, another organisation's and a missing id"
            )
            continue
        if route.params and row.ids is None:
            problems.append(f"row {route.key!r}: the URL takes {route.params}; say `ids=`")
        if route.methods is not None:
            routed = set(route.methods) - {"HEAD", "OPTIONS"}
            stated = set(_methods(route, row))
            if routed != stated:
                problems.append(
                    f"row {route.key!r} covers {sorted(stated)} but the API routes "
                    f"{sorted(routed)}: give every method an answer"
                )
    problems += [
        f"row {key!r} names no route any more: remove it" for key in sorted(set(TABLE) - keys)
    ]
    assert not problems, "\n".join(problems)
