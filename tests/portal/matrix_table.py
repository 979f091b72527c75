"""The authorisation matrix: for every route, what each actor is answered, per method and case.

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
expected failures: remove a mark when its fix is merged.
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


Cell = Answer | Found | Own
Expect = dict[str, Cell]

_HIDDEN_CASES = ("missing", "other's", "X-with-Y's-child")


def resolve(cell: Cell, actor: str, case: str) -> Answer:
    if isinstance(cell, Found):
        return 404 if case in _HIDDEN_CASES else cell.ok
    if isinstance(cell, Own):
        return cell.ok if case in ("-", owner_case(actor)) else 404
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
) -> Expect:
    """Answers by group; the lead evaluator answers as the other authority staff unless said."""
    out: dict[str, Cell] = {actor: rest for actor in ACTORS if actor != ANONYMOUS}
    if anonymous is not None:
        out[ANONYMOUS] = anonymous
    for group, cell in (
        (PROVIDERS, providers),
        (AUTHORITY_ACTORS, authorities),
        ((LEAD_EVALUATOR_A,), lead if lead is not None else authorities),
        ((FORUM_MEMBER,), forum),
        ((PLATFORM_ADMIN,), admin),
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


#: A body from the world and the side (X's or Y's objects) the case names.
Body = Callable[[World, Side], dict[str, Any]]


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
    #: (method, actor, case or "*") -> why today's code answers otherwise.
    known: dict[tuple[str, str, str], str] = field(default_factory=dict)


def _in(days: int) -> str:
    return (timezone.now() + datetime.timedelta(days=days)).isoformat()


D3 = (
    "issue 9 defect 3: a staff account without a membership holds the lead authority's powers "
    "in the API (services and scope rules treat is_staff as a lead evaluator)"
)
D3_READ = (
    "issue 9 defect 3: a staff account without a membership reads every provider's FPS "
    "membership through the API (the scope rule treats is_staff as a lead evaluator)"
)
D4 = (
    "issue 9 defect 4: a forum member reads the lead authority's internal reason and the named "
    "signatory of a membership"
)
SYSTEM_BODY = {
    "name": "Matrix DPS",
    "kind": "fps",
    "term_start": "2027-04-01",
    "term_end": "2031-03-31",
    "direct_award_allowed": True,
    "admits_by_windows": True,
}

# -- the portal's own pages and endpoints ---------------------------------------------------------

PORTAL: dict[str, Row] = {
    "home": Row(get=expect(302, anonymous=200, admin=302)),
    "dashboard": Row(get=expect(200, admin=302)),  # the administrator goes to the back office
    "notifications": Row(get=signed_in(200)),
    "notification-open": Row(
        ids="notification",
        get=signed_in(405),
        writes={"POST": signed_in(Found(302))},
        touches=("notifications.Notification",),
    ),
    "switch-membership": Row(get=signed_in(200), writes={"POST": signed_in(400)}),
    "accessibility": Row(get=public()),
    "privacy": Row(get=public()),
    "login": Row(get=expect(302, anonymous=200, admin=302)),
    "logout": Row(get=public(405), writes={"POST": public(302)}),
    "password_reset": Row(get=public()),
    "password_reset_done": Row(get=public()),
    "password_reset_confirm": Row(ids="reset_link", get=public()),
    "password_reset_complete": Row(get=public()),
    # No worker runs beside the test world, so the health check says so, to everyone alike.
    "healthz": Row(get=public(503)),
    "api-schema": Row(get=public()),
    "api-docs": Row(get=public()),
    "api-me": Row(get=signed_in(200)),
    "authority-list": Row(get=signed_in(200)),
    "authority-detail": Row(ids="authority", get=signed_in(Found(200))),
}

# -- the providers app's pages --------------------------------------------------------------------


# The provider's own pages: other roles 403 whatever the id; the other provider's object 404.
def _provider_page(ok_get: Answer, ok_post: Answer | None = None, *touches: str) -> Row:
    return Row(
        ids=None,
        get=expect(providers=ok_get),
        writes={} if ok_post is None else {"POST": expect(providers=ok_post)},
        touches=touches,
    )


def _provider_object_page(
    ids: str, ok_get: Answer, ok_post: Answer | None = None, *touches: str
) -> Row:
    return Row(
        ids=ids,
        # A POST-only page refuses GET (405) before it looks the object up.
        get=expect(providers=ok_get if ok_get == 405 else Own(ok_get)),
        writes={} if ok_post is None else {"POST": expect(providers=Own(ok_post))},
        touches=touches,
    )


# The lead authority's pages: everyone else 403 whatever the id.
def _lead_page(
    ids: str | None, ok_get: Answer, ok_post: Answer | None = None, *touches: str
) -> Row:
    cell: Callable[[Answer], Cell] = (lambda ok: ok) if ids is None else Found
    return Row(
        ids=ids,
        get=expect(lead=ok_get if ok_get == 405 else cell(ok_get)),
        writes={} if ok_post is None else {"POST": expect(lead=cell(ok_post))},
        touches=touches,
    )


APPLICATION = "providers.Application"
SETTING = "providers.Setting"
MEMBERSHIP = "providers.FpsMembership"
CLARIFICATION = "providers.ClarificationQuestion"
JUDGEMENT = "providers.InspectionJudgement"

PAGES: dict[str, Row] = {
    # Registering is for people without an account; a signed-in one goes to their dashboard.
    "providers:register": Row(
        get=expect(302, anonymous=200, admin=302),
        writes={"POST": expect(302, anonymous=200, admin=302)},
    ),
    "providers:colleagues": _provider_page(200, 200, "accounts.User", "accounts.Membership"),
    "providers:evidence-list": _provider_page(200),
    "providers:evidence-upload": _provider_page(200, 200, "providers.Evidence"),
    # Authority staff see setting-level evidence of members only; the world's is insurance.
    "providers:evidence-download": Row(
        ids="evidence", get=expect(404, providers=Own(200), lead=Found(200))
    ),
    "providers:setting-overview": _provider_object_page(
        "setting", 200, 200, "providers.SettingOverview"
    ),
    "providers:application-list": _provider_page(200, 404, APPLICATION),
    "providers:application-detail": _provider_object_page("application", 200),
    # A submitted application's steps go back to its summary; submitting again is 409.
    "providers:application-scope": _provider_object_page("application", 302, 302, APPLICATION),
    "providers:application-evidence": _provider_object_page("application", 302, 302, APPLICATION),
    "providers:application-prices": _provider_object_page(
        "application", 302, 302, "providers.ApplicationPrice"
    ),
    "providers:application-services": _provider_object_page(
        "application", 302, 302, "providers.ApplicationServicePrice"
    ),
    "providers:application-declarations": _provider_object_page(
        "application", 302, 302, APPLICATION
    ),
    "providers:application-submit": _provider_object_page("application", 200, 409, APPLICATION),
    "providers:application-withdraw": _provider_object_page("application", 200, 200, APPLICATION),
    "providers:agreement-sign": _provider_object_page("application", 200, 409, MEMBERSHIP),
    "providers:clarification-list": _provider_page(200),
    "providers:clarification-answer": _provider_object_page(
        "clarification", 200, 400, CLARIFICATION
    ),
    "providers:membership-status": _provider_page(200),
    "providers:fps-manage": _lead_page(None, 200),
    "providers:fps-create": _lead_page(None, 200, 200, "providers.PurchasingSystem"),
    "providers:fps-edit": _lead_page("purchasing_system", 200, 200, "providers.PurchasingSystem"),
    "providers:lot-create": _lead_page("purchasing_system", 200, 200, "providers.Lot"),
    "providers:window-list": _lead_page(None, 200),
    "providers:window-create": _lead_page(None, 200, 200, "providers.EvaluationWindow"),
    "providers:window-detail": _lead_page("window", 200),
    "providers:window-complete": _lead_page("window", 405, 302, "providers.EvaluationWindow"),
    "providers:application-queue": _lead_page(None, 302),  # to the queue of what awaits you
    "providers:evaluation-detail": _lead_page("application", 200),
    "providers:evaluation-record": _lead_page(
        "application", 200, 400, "providers.EvaluatorDecision"
    ),
    "providers:moderation": _lead_page("application", 200, 200, "providers.Moderation"),
    "providers:clarification-ask": _lead_page("application", 200, 200, CLARIFICATION),
    "providers:clarification-withdraw": _lead_page("clarification", 405, 302, CLARIFICATION),
    "providers:membership-list": _lead_page(None, 200),
    "providers:membership-change": _lead_page("membership", 200, 200, MEMBERSHIP),
    "providers:setting-list": _provider_page(200),
    "providers:setting-create": _provider_page(200, 200, SETTING),
    # Authority staff read every member's setting; a forum member is sent to the forum's page.
    "providers:setting-detail": Row(
        ids="setting",
        get=expect(providers=Own(200), authorities=Found(200), forum=302),
    ),
    "providers:setting-edit": _provider_object_page("setting", 200, 200, SETTING),
    "providers:setting-prices": _provider_object_page("setting", 200, 200, "providers.SettingLot"),
    "providers:setting-service-add": _provider_object_page(
        "setting", 405, 400, "providers.AdditionalService"
    ),
    "providers:setting-service-remove": Row(
        ids="service",
        get=expect(providers=405),
        writes={"POST": expect(providers=Own(302))},
        touches=("providers.AdditionalService",),
    ),
    "providers:judgement-create": Row(
        ids="setting",
        get=expect(providers=Own(200), lead=Found(200)),
        writes={"POST": expect(providers=Own(200), lead=Found(200))},
        touches=(JUDGEMENT,),
    ),
    "providers:judgement-check-list": _lead_page(None, 200),
    "providers:judgement-check": _lead_page("judgement", 200, 400, JUDGEMENT),
    "providers:find-a-setting": Row(get=expect(authorities=200)),
    "providers:find-a-setting-csv": Row(get=expect(authorities=200)),
    "providers:find-a-setting-xlsx": Row(get=expect(authorities=200)),
    # The forum's pages are public: the approved list and figures, no price, no personal data.
    "providers:forum-directory": Row(get=public()),
    "providers:forum-setting": Row(ids="setting", get=public(Found(200))),
    "providers:forum-figures": Row(get=public()),
    "providers:about-the-fps": Row(get=public()),
}

# -- the providers app's API ----------------------------------------------------------------------


def _evaluators_only(ok: Answer) -> Expect:
    """Lead evaluators act on any provider's object; a provider is refused on its own (403) and
    cannot see the other's (404); other roles are refused by the endpoint (403)."""
    return expect(providers=Own(403), lead=Found(ok))


def _providers_only(ok: Answer) -> Expect:
    """The provider acts on its own object; lead evaluators see it but are refused (403)."""
    return expect(providers=Own(ok), lead=Found(403))


API: dict[str, Row] = {
    "lot-list": Row(get=signed_in(200)),
    "lot-detail": Row(ids="lot", get=signed_in(Found(200))),
    # The purchasing system and its timetable are public reference data for every account; only
    # the lead authority's evaluators change them.
    "purchasing-system-list": Row(
        get=signed_in(200),
        writes={"POST": expect(lead=201)},
        body=lambda w, s: SYSTEM_BODY,
        touches=("providers.PurchasingSystem",),
        known={("POST", PLATFORM_ADMIN, "*"): D3},
    ),
    "purchasing-system-detail": Row(
        ids="purchasing_system",
        get=signed_in(Found(200)),
        writes={"PUT": expect(Found(403), lead=Found(200)), "PATCH": signed_in(405)},
        body=lambda w, s: SYSTEM_BODY,
        touches=("providers.PurchasingSystem",),
        known={("PUT", PLATFORM_ADMIN, "shared"): D3},
    ),
    "purchasing-system-lots": Row(
        ids="purchasing_system",
        writes={"POST": expect(Found(403), lead=Found(201))},
        body=lambda w, s: {"code": "M9", "name": "Added lot", "starts_on": "2027-09-01"},
        touches=("providers.Lot",),
        known={("POST", PLATFORM_ADMIN, "shared"): D3},
    ),
    "window-list": Row(
        get=signed_in(200),
        writes={"POST": expect(lead=201)},
        body=lambda w, s: {
            "purchasing_system": w.purchasing_system,
            "name": "Matrix round two",
            "opens_at": _in(30),
            "closes_at": _in(40),
            "evaluation_deadline": _in(90),
        },
        touches=("providers.EvaluationWindow",),
        known={("POST", PLATFORM_ADMIN, "*"): D3},
    ),
    "window-detail": Row(ids="window", get=signed_in(Found(200))),
    # Two applications still await an outcome, so even the lead authority cannot complete it.
    "window-complete": Row(
        ids="window",
        writes={"POST": expect(Found(403), lead=Found(409))},
        touches=("providers.EvaluationWindow",),
        known={("POST", PLATFORM_ADMIN, "shared"): D3},
    ),
    # Authorities see members' setting-level evidence only, never insurance (the world's); a
    # forum and the administrator see none (an empty list).
    "evidence-list": Row(
        get=signed_in(200), writes={"POST": expect(providers=400)}, touches=("providers.Evidence",)
    ),
    "evidence-detail": Row(ids="evidence", get=expect(404, providers=Own(200), lead=Found(200))),
    "application-list": Row(
        get=expect(providers=200, lead=200),
        writes={"POST": expect(providers=409)},  # the window has closed
        body=lambda w, s: {"purchasing_system": w.purchasing_system, "window": w.window},
        touches=(APPLICATION,),
    ),
    "application-detail": Row(ids="application", get=expect(providers=Own(200), lead=Found(200))),
    "application-results": Row(ids="application", get=expect(providers=Own(200), lead=Found(200))),
    "application-scope": Row(
        ids="application",
        writes={"PUT": _providers_only(409)},
        body=lambda w, s: {"lots": [s.application_lot], "settings": [s.setting.pk]},
        touches=(APPLICATION,),
    ),
    "application-evidence": Row(
        ids="application",
        writes={"PUT": _providers_only(409)},
        body=lambda w, s: {"evidence": []},
        touches=(APPLICATION,),
    ),
    "application-prices": Row(
        ids="application",
        writes={"PUT": _providers_only(409)},
        body=lambda w, s: {
            "prices": [
                {"setting": s.setting.pk, "lot": s.application_lot, "weekly_price": "3300.00"}
            ]
        },
        touches=("providers.ApplicationPrice",),
    ),
    "application-service-prices": Row(
        ids="application",
        writes={"POST": _providers_only(409)},
        body=lambda w, s: {"setting": s.setting.pk, "name": "1:1", "unit": "hour", "rate": "30"},
        touches=("providers.ApplicationServicePrice",),
    ),
    "application-declarations": Row(
        ids="application",
        writes={"PUT": _providers_only(409)},
        body=lambda w, s: {"accurate": True, "no_exclusion_grounds": True, "safeguarding": True},
        touches=(APPLICATION,),
    ),
    "application-submit": Row(
        ids="application", writes={"POST": _providers_only(409)}, touches=(APPLICATION,)
    ),
    "application-withdraw": Row(
        ids="application",
        writes={"POST": _providers_only(409)},
        body=lambda w, s: {"reason": "Matrix"},
        touches=(APPLICATION,),
    ),
    "application-agreement": Row(
        ids="application",
        writes={"POST": _providers_only(409)},  # not passed (yet)
        body=lambda w, s: {"signatory_name": "Sam Signer", "signatory_role": "Director"},
        touches=(MEMBERSHIP,),
    ),
    "application-evaluation": Row(
        ids="application",
        writes={"POST": _evaluators_only(200)},
        body=lambda w, s: {
            "decisions": [{"result": r, "verdict": "pass", "reason": "Seen."} for r in s.results]
        },
        touches=("providers.EvaluatorDecision",),
    ),
    "application-moderation": Row(
        ids="application",
        writes={"POST": _evaluators_only(409)},  # nobody has evaluated yet
        body=lambda w, s: {"reason": "Agreed.", "resolutions": []},
        touches=("providers.Moderation", APPLICATION),
    ),
    "application-clarifications": Row(
        ids="application",
        writes={"POST": _evaluators_only(201)},
        body=lambda w, s: {"question": "Which insurer?", "due_at": _in(3)},
        touches=(CLARIFICATION,),
    ),
    "clarification-list": Row(get=expect(providers=200, lead=200)),
    "clarification-detail": Row(
        ids="clarification", get=expect(providers=Own(200), lead=Found(200))
    ),
    "clarification-answer": Row(
        ids="clarification",
        writes={"POST": _providers_only(200)},
        body=lambda w, s: {"answer": "Zurich, until next May."},
        touches=(CLARIFICATION,),
    ),
    # Every authority may see which providers are members (and a forum the active ones); the
    # administrator none; only the lead authority suspends.
    "membership-list": Row(
        get=expect(providers=200, authorities=200, forum=200, admin=403),
        known={("GET", PLATFORM_ADMIN, "*"): D3_READ, ("GET", FORUM_MEMBER, "*"): D4},
    ),
    "membership-detail": Row(
        ids="membership",
        get=expect(providers=Own(200), authorities=Found(200), forum=Found(200), admin=403),
        known={
            ("GET", PLATFORM_ADMIN, "*"): D3_READ,
            ("GET", FORUM_MEMBER, "X"): D4,
            ("GET", FORUM_MEMBER, "Y"): D4,
        },
    ),
    "membership-change": Row(
        ids="membership",
        writes={
            "POST": expect(
                providers=Own(403), authorities=Found(403), lead=Found(200), forum=Found(403)
            )
        },
        body=lambda w, s: {
            "action": "suspend",
            "reason": "Insurance lapsed.",
            "review_on": _in(30)[:10],
        },
        touches=(MEMBERSHIP,),
        known={("POST", PLATFORM_ADMIN, "*"): D3},
    ),
    # Settings: authorities and forums read members' settings (a forum without prices), a
    # provider its own; only the provider changes its own.
    "setting-list": Row(
        get=expect(providers=200, authorities=200, forum=200),
        writes={"POST": expect(providers=201)},
        body=lambda w, s: {
            "name": "New School",
            "postcode": "CW1 2AB",
            "age_from": 5,
            "age_to": 16,
        },
        touches=(SETTING,),
    ),
    "setting-detail": Row(
        ids="setting",
        get=expect(providers=Own(200), authorities=Found(200), forum=Found(200)),
        writes={
            "PATCH": expect(
                Found(403), providers=Own(200), authorities=Found(403), forum=Found(403)
            )
        },
        body=lambda w, s: {"vacancies": 1},
        touches=(SETTING,),
    ),
    "setting-prices": Row(
        ids="setting",
        writes={"POST": expect(Found(403), providers=Own(200))},
        body=lambda w, s: {"lot": w.lot.code, "weekly_price": "3300.00"},
        touches=("providers.SettingLot",),
    ),
    "setting-judgements": Row(
        ids="setting",
        writes={"POST": expect(Found(403), providers=Own(201), lead=Found(201))},
        body=lambda w, s: {
            "framework": "ofsted_4point",
            "inspection_start_date": "2025-01-10",
            "grades": {"overall_effectiveness": "4"},
        },
        touches=(JUDGEMENT, SETTING),
        known={("POST", PLATFORM_ADMIN, "X"): D3, ("POST", PLATFORM_ADMIN, "Y"): D3},
    ),
    # A forum never sees a report awaiting check (404); a provider cannot check its own (403).
    "setting-judgement-check": Row(
        ids="setting_judgement",
        writes={"POST": expect(Found(403), providers=Own(403), lead=Found(200), forum=404)},
        body=lambda w, s: {"outcome": "confirmed", "reason": "Matches the published report."},
        touches=(JUDGEMENT, SETTING),
        known={("POST", PLATFORM_ADMIN, "X"): D3, ("POST", PLATFORM_ADMIN, "Y"): D3},
    ),
}

#: Every route's row, by URL name.
TABLE: dict[str, Row] = {**PORTAL, **PAGES, **API}
