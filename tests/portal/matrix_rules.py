"""The authorisation matrix's vocabulary: answers, cells and rows.

The table itself is in matrix_table.py: for every route, what each actor is answered, per method
and case.

The rule (docs/architecture.md "Who sees what", the domain brief): an authority sees its own
referrals and agreements and nothing of another's; a provider sees only its own; a forum sees no
personal data and no prices; the lead authority runs the FPS; another organisation's object
answers 404 exactly like a missing one; a platform administrator (staff, no membership) acts only
in the back office and has no organisation's powers in the portal or the API.

A row names the kind of object its URL takes (`ids`, see matrix_routes.kwargs_for) and, per
method, an answer for each actor. Answers: a status code, SIGN_IN, or a cell that depends on the
case: `Found(ok)` (ok for an object the actor may see, 404 for a missing one or a child of another
organisation's), `Own(ok)` (ok for the provider's own object, 404 for the other provider's and a
missing one). Unstated actors: anonymous goes to sign in (pages) or gets 401 (API); the platform
administrator and every other unstated actor gets `rest` (403 unless said).

`known` marks cells where today's code breaks the rule, each with the issue and defect, as strict
expected failures: remove a mark when its fix is merged. (None is marked today: issue 9's defects
2 to 5, which the matrix was written against, are fixed.)
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from tests.portal.matrix_routes import Answer, owner_case
from tests.portal.matrix_world import (
    ACTORS,
    ANONYMOUS,
    AUTHORITY_ACTORS,
    AUTHORITY_ADMIN_A,
    FORUM_MEMBER,
    LEAD_EVALUATOR_A,
    PLATFORM_ADMIN,
    PROVIDERS,
    Side,
    World,
)


@dataclass(frozen=True)
class Found:
    """`ok` for an object the actor may see (any provider's, the shared one, the actor's own
    notification); 404 for a missing id, another person's notification or another provider's
    child under a visible parent."""

    ok: Answer


@dataclass(frozen=True)
class Own:
    """`ok` for the provider's own object; 404 for the other provider's and for a missing id."""

    ok: Answer


@dataclass(frozen=True)
class Active:
    """`ok` for provider X's object (an active member); 404 for provider Y's (suspended, so off
    the FPS for those who only see active members) and for a missing id."""

    ok: Answer


#: Spelled out case by case, where no rule above says it.
ByCase = dict[str, Answer]


@dataclass(frozen=True)
class Refused:
    """The actor's role may not do this at all: 403 whatever the id, decided before any object
    is looked up or the body read (as every page and every role-restricted endpoint does)."""


REFUSED = Refused()


Cell = Answer | Found | Own | Active | ByCase | Refused
Expect = dict[str, Cell]

_HIDDEN_CASES = ("missing", "other's", "X-with-Y's-child")


def resolve(cell: Cell, actor: str, case: str) -> Answer:
    if isinstance(cell, Refused):
        return 403
    if isinstance(cell, Found):
        return 404 if case in _HIDDEN_CASES else cell.ok
    if isinstance(cell, Active):
        return cell.ok if case == "X" else 404
    if isinstance(cell, Own):
        return cell.ok if case in ("-", owner_case(actor)) else 404
    if isinstance(cell, dict):
        return cell[case]
    return cell


def expect(
    rest: Cell = 403,
    *,
    anonymous: Cell | None = None,
    providers: Cell | None = None,
    authorities: Cell | None = None,
    lead: Cell | None = None,
    forum: Cell | None = None,
    admin: Cell | None = None,
    accounts: Cell | None = None,
) -> Expect:
    """Answers by group; the lead evaluator answers as the other authority staff unless said;
    `accounts` is authority A's administrator (who otherwise answers `rest`)."""
    out: dict[str, Cell] = {actor: rest for actor in ACTORS if actor != ANONYMOUS}
    if anonymous is not None:
        out[ANONYMOUS] = anonymous
    for group, cell in (
        (PROVIDERS, providers),
        (AUTHORITY_ACTORS, authorities),
        ((LEAD_EVALUATOR_A,), lead if lead is not None else authorities),
        ((FORUM_MEMBER,), forum),
        ((PLATFORM_ADMIN,), admin),
        ((AUTHORITY_ADMIN_A,), accounts),
    ):
        if cell is not None:
            for actor in group:
                out[actor] = cell
    return out


def public(answer: Cell = 200) -> Expect:
    """The same answer for everyone, signed in or not."""
    return expect(answer, anonymous=answer, admin=answer)


def signed_in(answer: Cell) -> Expect:
    """Any signed-in account, the platform administrator included (their own things)."""
    return expect(answer, admin=answer)


#: A body from the world, the side (X's or Y's objects) the case names, and the actor.
Body = Callable[[World, Side, str], dict[str, Any]]


@dataclass(frozen=True)
class Row:
    ids: str | None = None
    get: Expect | None = None
    #: Write methods (POST, PUT, PATCH) with their answers.
    writes: dict[str, Expect] = field(default_factory=dict)
    #: A minimal valid body for the API's writes, so the permission check, not validation, is
    #: what refuses (the portal's forms are posted empty).
    body: Body | None = None
    #: Models ("app_label.Model") a refused write must leave exactly as they were (the audit log
    #: is always checked).
    touches: tuple[str, ...] = ()
    #: For an API list: the detail route whose GET says which of X's and Y's objects each actor
    #: may see; the list must hold exactly those of them.
    lists: str | None = None
    #: Ask the API with the actor's browser session instead of a token: for the endpoints only
    #: a person signed in to the portal may use (the authority administrator's, ADR 0015).
    session: bool = False
    #: (method, actor, case or "*") -> why today's code answers otherwise.
    known: dict[tuple[str, str, str], str] = field(default_factory=dict)


def in_days(days: int) -> str:
    """A moment `days` from now, as the API takes it."""
    return (timezone.now() + datetime.timedelta(days=days)).isoformat()


SYSTEM_BODY = {
    "name": "Matrix DPS",
    "kind": "fps",
    "term_start": "2027-04-01",
    "term_end": "2031-03-31",
    "direct_award_allowed": True,
    "admits_by_windows": True,
}
