"""Every list and detail page and API endpoint has an exact query budget, each query named.

A budget is the number of queries one GET makes once the session is warm (the request is made
once first, so process-wide caches and the first visit's session writes do not count). The
comment above each entry names every query in order, healthchecks' style, so a change in the
count says which query came or went. The counts are the same on PostgreSQL and SQLite (the suite
runs on both); a difference would mean a backend-specific query and is written down beside it.

`test_every_list_and_detail_route_has_a_budget` walks the URL resolver: a new list or detail
route, or any new GET endpoint of the API, fails it until it has a budget here (or, for a page
that is neither, a reason in NOT_LIST_OR_DETAIL). "Does not grow with rows" tests stay where they
are: each list here is measured with two or more rows, so an N+1 shows as a count off by one
per row, but growth itself is their job.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.utils import timezone

from fps_portal.accounts.models import Role, User
from fps_portal.notifications.models import Notification
from providers.models import ClarificationQuestion, FpsMembership
from tests.factories import api_client_for, authority, person
from tests.providers.directory.conftest import World, build_world
from tests.providers.factories import ReportedJudgementFactory
from tests.providers.onboarding import states
from tests.providers.onboarding.factories import ReadyProvider, make_membership, open_window

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Call:
    """One GET: by `user` (None: anonymous), through the API's token or a browser session."""

    path: str
    user: User | None
    api: bool = False


@dataclass(frozen=True)
class Budget:
    route: str  # the URL name, namespaced ("providers:window-list", "application-list")
    who: str  # whose request, for the test id
    build: Callable[[], Call]  # writes the rows the page lists and says what to request
    queries: int | None


# Builders: the rows each page reads, two or more of each list -----------------------------


def _lead() -> User:
    return person(Role.LEAD_EVALUATOR)


def _commissioner() -> User:
    return person(Role.COMMISSIONER)


def _forum_member() -> User:
    return person(Role.FORUM_MEMBER)


def _ask(application_id: int, question: str = "Who is your safeguarding lead?") -> int:
    return ClarificationQuestion.objects.create(
        application_id=application_id,
        question=question,
        asked_by=_lead(),
        due_at=timezone.now() + datetime.timedelta(days=5),
    ).pk


@dataclass
class Round:
    """A window with two applications under evaluation, each with a question; one provider's
    user; memberships of both providers."""

    window_id: int
    ready: ReadyProvider
    application_ids: list[int]
    question_ids: list[int]


def _round() -> Round:
    window = open_window()
    first, second = states.provider(), states.provider()
    applications = [states.under_evaluation(r, window) for r in (first, second)]
    # A second application of the first provider, in another window, so its lists have two.
    states.draft(first, open_window(purchasing_system=window.purchasing_system))
    questions = [_ask(a.pk) for a in applications] + [_ask(applications[0].pk, "And a second?")]
    for ready in (first, second):
        make_membership(purchasing_system=window.purchasing_system, provider=ready.provider)
    return Round(window.pk, first, [a.pk for a in applications], questions)


def _directory() -> World:
    return build_world()


def _notifications(user: User) -> User:
    for n in range(3):
        Notification.objects.create(
            recipient=user, event_key=f"budget:{n}", subject=f"Notice {n}", body="Body", url="/"
        )
    return user


def _me() -> Call:
    return Call("/api/v1/me/", _lead(), api=True)


def _page(path: str, user: User | None) -> Call:
    return Call(path, user)


def _api(path: str, user: User | None) -> Call:
    return Call(path, user, api=True)


def _provider_user(world: World) -> User:
    return person(Role.PROVIDER_USER, organisation=world.provider)


def _passed_member() -> tuple[ReadyProvider, int]:
    ready = states.provider()
    application, _membership = states.member(ready)
    states.passed(states.provider(), application.window)
    return ready, application.pk


def _awaiting_check() -> User:
    world = build_world()
    ReportedJudgementFactory(setting=world.crewe)
    ReportedJudgementFactory(setting=world.bootle)
    return _lead()


BUDGETS: list[Budget] = [
    # -- portal -----------------------------------------------------------------------------
    # Fixed text for visitors: nothing read.
    Budget("home", "anonymous", lambda: _page("/", None), 0),
    # 1-3: session, user, actor's memberships; 4-6: own settings, those without an approved
    # lot, those without a judgement; 7: drafts; 8: questions to answer; 9: agreements to sign;
    # 10: unread notifications; 11: memberships (organisation switcher).
    Budget("dashboard", "provider", lambda: _page("/dashboard/", _round().ready.user), 11),
    # 1-3: session, user, actor's memberships; 4-5: listed settings, those with vacancies;
    # 6: awaiting my evaluation; 7: awaiting moderation; 8: open windows; 9: judgements awaiting
    # check; 10: unread notifications; 11: memberships (organisation switcher).
    Budget("dashboard", "lead evaluator", lambda: (_round(), _page("/dashboard/", _lead()))[1], 11),
    # 1-3: session, user, actor's memberships; 4-5: settings on the FPS, those with vacancies;
    # 6: unread notifications; 7: memberships (organisation switcher).
    Budget("dashboard", "commissioner", lambda: _page("/dashboard/", _commissioner()), 7),
    # 1-3: session, user, actor's memberships; 4: count (paginator); 5: the page of notices.
    Budget(
        "notifications",
        "lead evaluator",
        lambda: _page("/notifications/", _notifications(_lead())),
        5,
    ),
    # -- onboarding: the provider's pages ---------------------------------------------------
    # 1-3: session, user, actor's memberships; 4: colleagues with their users.
    Budget(
        "providers:colleagues",
        "provider",
        lambda: _page("/onboarding/colleagues/", _round().ready.user),
        4,
    ),
    # 1-3: session, user, actor's memberships; 4: own settings; 5: their overviews
    # (prefetch); 6: evidence.
    Budget(
        "providers:evidence-list",
        "provider",
        lambda: _page("/onboarding/evidence/", _round().ready.user),
        6,
    ),
    # 1-3: session, user, actor's memberships; 4: purchasing systems; 5: windows open or
    # scheduled; 6: the next window; 7: own applications with window and system.
    Budget(
        "providers:application-list",
        "provider",
        lambda: _page("/onboarding/applications/", _round().ready.user),
        7,
    ),
    # 1-3: session, user, actor's memberships; 4: the application; 5: membership (agreement
    # still to sign?); 6: its purchasing system; 7: the next window; 8: its window; 9: open
    # questions.
    Budget(
        "providers:application-detail",
        "provider",
        lambda: (
            lambda r: _page(f"/onboarding/applications/{r.application_ids[0]}/", r.ready.user)
        )(_round()),
        9,
    ),
    # 1-3: session, user, actor's memberships; 4: questions to answer with their applications.
    Budget(
        "providers:clarification-list",
        "provider",
        lambda: _page("/onboarding/clarifications/", _round().ready.user),
        4,
    ),
    # 1-3: session, user, actor's memberships; 4: the question; 5: its application; 6: its
    # window; 7: the provider (the page names it).
    Budget(
        "providers:clarification-answer",
        "provider",
        lambda: (lambda r: _page(f"/onboarding/clarifications/{r.question_ids[0]}/", r.ready.user))(
            _round()
        ),
        7,
    ),
    # 1-3: session, user, actor's memberships; 4: memberships with system and signatory.
    Budget(
        "providers:membership-status",
        "provider",
        lambda: _page("/onboarding/membership/", _passed_member()[0].user),
        4,
    ),
    # -- onboarding: the lead authority's pages ---------------------------------------------
    # 1-3: session, user, actor's memberships; 4: purchasing systems; 5: their lots (prefetch).
    Budget(
        "providers:fps-manage",
        "lead evaluator",
        lambda: (_round(), _round(), _page("/fps/", _lead()))[2],
        5,
    ),
    # 1-3: session, user, actor's memberships; 4: windows with their systems and counts.
    Budget(
        "providers:window-list",
        "lead evaluator",
        lambda: (_round(), _round(), _page("/fps/windows/", _lead()))[2],
        4,
    ),
    # 1-3: session, user, actor's memberships; 4: the window; 5: its system; 6: its
    # applications with provider, moderation and open-question counts.
    Budget(
        "providers:window-detail",
        "lead evaluator",
        lambda: _page(f"/fps/windows/{_round().window_id}/", _lead()),
        6,
    ),
    # 1-3: session, user, actor's memberships; 4: applications awaiting my evaluation.
    Budget(
        "providers:application-queue",
        "lead evaluator",
        lambda: (_round(), _page("/fps/applications/?awaiting=evaluation", _lead()))[1],
        4,
    ),
    # 1-3: session, user, actor's memberships; 4: the application; 5: its results; 6: their
    # decisions; 7: moderation; 8: results counted and 9: decisions' evaluators, again, by
    # `complete_evaluators` (what 5-6 already read: reported, not changed here); 10: evidence;
    # 11: settings with overviews; 12: provider; 13: window; 14: prices; 15: service prices;
    # 16: clarification questions.
    Budget(
        "providers:evaluation-detail",
        "lead evaluator",
        lambda: _page(f"/fps/applications/{_round().application_ids[0]}/", _lead()),
        16,
    ),
    # 1-3: session, user, actor's memberships; 4: memberships with providers and systems.
    Budget(
        "providers:membership-list",
        "lead evaluator",
        lambda: (_round(), _page("/fps/memberships/", _lead()))[1],
        4,
    ),
    # -- directory --------------------------------------------------------------------------
    # 1-3: session, user, actor's memberships; 4: own settings.
    Budget(
        "providers:setting-list",
        "provider",
        lambda: _page("/settings/mine/", _provider_user(_directory())),
        4,
    ),
    # 1-3: session, user, actor's memberships; 4: the setting; 5: judgements; 6: approved
    # lots; 7: additional services; 8: provider's membership; 9: setting evidence; 10:
    # specialisms; 11: primary needs.
    Budget(
        "providers:setting-detail",
        "commissioner",
        lambda: _page(f"/settings/{_directory().crewe.pk}/", _commissioner()),
        11,
    ),
    # The same eleven as a commissioner's, read through the provider's own scope: 1-3: session,
    # user, actor's memberships; 4: the setting; 5: judgements; 6: approved lots; 7: additional
    # services; 8: own membership; 9: current setting evidence; 10: specialisms; 11: needs.
    Budget(
        "providers:setting-detail",
        "provider (own)",
        lambda: (lambda w: _page(f"/settings/{w.crewe.pk}/", _provider_user(w)))(_directory()),
        11,
    ),
    # 1-3: session, user, actor's memberships; 4: judgements awaiting check with settings.
    Budget(
        "providers:judgement-check-list",
        "lead evaluator",
        lambda: _page("/judgements/awaiting-check/", _awaiting_check()),
        4,
    ),
    # 1-3: session, user, actor's memberships; 4-7: the filters' choices (lots, specialisms,
    # primary needs, authorities); 8: the page of settings; 9: their specialisms (prefetch);
    # 10: the facet counts (one WITH ... UNION ALL query).
    Budget(
        "providers:find-a-setting",
        "commissioner",
        lambda: (_directory(), _page("/find-a-setting/", _commissioner()))[1],
        10,
    ),
    # 1-3: session, user, actor's memberships; 4-7: the filters' choices; 8: the settings;
    # 9: their specialisms (prefetch). No facet counts in an export.
    Budget(
        "providers:find-a-setting-csv",
        "commissioner",
        lambda: (_directory(), _page("/find-a-setting/export.csv", _commissioner()))[1],
        9,
    ),
    # As the CSV: 1-3: session, user, actor's memberships; 4-7: filters' choices; 8: the
    # settings; 9: their specialisms.
    Budget(
        "providers:find-a-setting-xlsx",
        "commissioner",
        lambda: (_directory(), _page("/find-a-setting/export.xlsx", _commissioner()))[1],
        9,
    ),
    # 1-4: the filters' choices (lots, specialisms, primary needs, authorities); 5: the page of
    # listed settings; 6: their specialisms; 7: facet counts. No session for a visitor.
    Budget(
        "providers:forum-directory",
        "anonymous",
        lambda: (_directory(), _page("/forum/settings/", None))[1],
        7,
    ),
    # 1-7: as for a visitor; 8-10: session, user, actor's memberships, read late by the base
    # template's navigation (the public view does not ask who is signed in).
    Budget(
        "providers:forum-directory",
        "forum member",
        lambda: (_directory(), _page("/forum/settings/", _forum_member()))[1],
        10,
    ),
    # 1: the listed setting; 2: specialisms; 3: primary needs; 4: published, confirmed
    # judgements; 5: the lots it is approved on.
    Budget(
        "providers:forum-setting",
        "anonymous",
        lambda: _page(f"/forum/settings/{_directory().crewe.pk}/", None),
        5,
    ),
    # 1: listed settings; 2: of them, with vacancies; 3: by lot; 4: by specialism; 5: by host
    # authority.
    Budget(
        "providers:forum-figures",
        "anonymous",
        lambda: (_directory(), _page("/forum/figures/", None))[1],
        5,
    ),
    # Fixed text: nothing read.
    Budget(
        "providers:about-the-fps",
        "anonymous",
        lambda: (_directory(), _page("/about-the-fps/", None))[1],
        0,
    ),
    # -- API --------------------------------------------------------------------------------
    # 1: token with its user; 2: actor's memberships; 3: the same memberships again, which
    # MeView reads itself instead of taking the actor's (reported, not changed here).
    Budget("api-me", "lead evaluator", _me, 3),
    # 1: token with its user; 2: actor's memberships; 3: the page of authorities.
    Budget(
        "authority-list", "commissioner", lambda: _api("/api/v1/authorities/", _commissioner()), 3
    ),
    # 1: token with its user; 2: actor's memberships; 3: the authority.
    Budget(
        "authority-detail",
        "commissioner",
        lambda: _api(f"/api/v1/authorities/{authority('Sefton').pk}/", _commissioner()),
        3,
    ),
    # 1: token with its user; 2: actor's memberships; 3: the page of lots.
    Budget(
        "lot-list",
        "commissioner",
        lambda: (_directory(), _api("/api/v1/lots/", _commissioner()))[1],
        3,
    ),
    # 1: token with its user; 2: actor's memberships; 3: the lot.
    Budget(
        "lot-detail",
        "commissioner",
        lambda: _api(f"/api/v1/lots/{_directory().day.pk}/", _commissioner()),
        3,
    ),
    # 1: token with its user; 2: actor's memberships; 3: the page of systems.
    Budget(
        "purchasing-system-list",
        "lead evaluator",
        lambda: (_round(), _round(), _api("/api/v1/purchasing-systems/", _lead()))[2],
        3,
    ),
    # 1: token with its user; 2: actor's memberships; 3: the system.
    Budget(
        "purchasing-system-detail",
        "lead evaluator",
        lambda: _api(
            f"/api/v1/purchasing-systems/{_directory().day.purchasing_system_id}/", _lead()
        ),
        3,
    ),
    # 1: token with its user; 2: actor's memberships; 3: the page of windows.
    Budget(
        "window-list",
        "lead evaluator",
        lambda: (_round(), _round(), _api("/api/v1/windows/", _lead()))[2],
        3,
    ),
    # 1: token with its user; 2: actor's memberships; 3: the window.
    Budget(
        "window-detail",
        "lead evaluator",
        lambda: _api(f"/api/v1/windows/{_round().window_id}/", _lead()),
        3,
    ),
    # 1: token with its user; 2: actor's memberships; 3: the page of own evidence.
    Budget("evidence-list", "provider", lambda: _api("/api/v1/evidence/", _round().ready.user), 3),
    # 1: token with its user; 2: actor's memberships; 3: the evidence item.
    Budget(
        "evidence-detail",
        "provider",
        lambda: (
            lambda r: _api(
                f"/api/v1/evidence/{r.ready.provider.evidence.first().pk}/", r.ready.user
            )
        )(_round()),
        3,
    ),
    # 1: token with its user; 2: actor's memberships; 3: the page of submitted applications;
    # 4-8: their lots, settings, evidence, prices, service prices (prefetches).
    Budget(
        "application-list",
        "lead evaluator",
        lambda: (_round(), _api("/api/v1/applications/", _lead()))[1],
        8,
    ),
    # 1: token with its user; 2: actor's memberships; 3: the page of own applications; 4-8:
    # their lots, settings, evidence, prices, service prices (prefetches).
    Budget(
        "application-list",
        "provider",
        lambda: _api("/api/v1/applications/", _round().ready.user),
        8,
    ),
    # 1: token with its user; 2: actor's memberships; 3: the application; 4-8: its lots,
    # settings, evidence, prices, service prices.
    Budget(
        "application-detail",
        "lead evaluator",
        lambda: _api(f"/api/v1/applications/{_round().application_ids[0]}/", _lead()),
        8,
    ),
    # 1: token with its user; 2: actor's memberships; 3: the application; 4-8: its lots,
    # settings, evidence, prices, service prices (the detail queryset, unused here); 9: results;
    # 10: evaluators' decisions (prefetch).
    Budget(
        "application-results",
        "lead evaluator",
        lambda: _api(f"/api/v1/applications/{states.evaluated().pk}/results/", _lead()),
        10,
    ),
    # 1: token with its user; 2: actor's memberships; 3: the application; 4-8: its lots,
    # settings, evidence, prices, service prices (unused here); 9: its moderated results; 10:
    # decisions (prefetched, then left out of the provider's body).
    Budget(
        "application-results",
        "provider",
        lambda: (
            lambda ready: _api(
                f"/api/v1/applications/{states.passed(ready).pk}/results/", ready.user
            )
        )(states.provider()),
        10,
    ),
    # 1: token with its user; 2: actor's memberships; 3: the page of questions.
    Budget(
        "clarification-list",
        "lead evaluator",
        lambda: (_round(), _api("/api/v1/clarifications/", _lead()))[1],
        3,
    ),
    # 1: token with its user; 2: actor's memberships; 3: the page of own questions.
    Budget(
        "clarification-list",
        "provider",
        lambda: _api("/api/v1/clarifications/", _round().ready.user),
        3,
    ),
    # 1: token with its user; 2: actor's memberships; 3: the question.
    Budget(
        "clarification-detail",
        "provider",
        lambda: (lambda r: _api(f"/api/v1/clarifications/{r.question_ids[0]}/", r.ready.user))(
            _round()
        ),
        3,
    ),
    # 1: token with its user; 2: actor's memberships; 3: the page of memberships.
    Budget(
        "membership-list",
        "lead evaluator",
        lambda: (_round(), _api("/api/v1/memberships/", _lead()))[1],
        3,
    ),
    # 1: token with its user; 2: actor's memberships; 3: the membership.
    Budget(
        "membership-detail",
        "lead evaluator",
        lambda: _api(
            f"/api/v1/memberships/{FpsMembership.objects.filter(provider=_round().ready.provider).get().pk}/",
            _lead(),
        ),
        3,
    ),
    # 1: token with its user; 2: actor's memberships; 3-6: the search form's choices (lots,
    # specialisms, primary needs, authorities); 7: the page of settings; 8: their specialisms;
    # 9: facet counts.
    Budget(
        "setting-list",
        "commissioner",
        lambda: (_directory(), _api("/api/v1/settings/", _commissioner()))[1],
        9,
    ),
    # 1: token with its user; 2: actor's memberships; 3: the setting; 4: specialisms; 5:
    # primary needs; 6: judgements; 7: approved lots; 8: additional services.
    Budget(
        "setting-detail",
        "commissioner",
        lambda: _api(f"/api/v1/settings/{_directory().crewe.pk}/", _commissioner()),
        8,
    ),
]

# Routes that are neither a list nor a detail, and why (forms, actions, downloads, fixed text).
NOT_LIST_OR_DETAIL: dict[str, str] = {
    "notification-open": "POST: marks one notification read and redirects",
    "switch-membership": "choosing which organisation to act for: a form",
    "accessibility": "fixed text",
    "privacy": "fixed text",
    "login": "Django's sign-in form",
    "logout": "Django's sign-out action",
    "password_reset": "Django's password reset form",
    "password_reset_done": "fixed text",
    "password_reset_confirm": "Django's password reset form",
    "password_reset_complete": "fixed text",
    "healthz": "health check: its own test counts what it touches",
    "api-schema": "the OpenAPI document, generated from code",
    "api-docs": "the API documentation page",
    "providers:register": "registration form",
    "providers:evidence-upload": "upload form",
    "providers:evidence-download": "streams one file (and audits the download)",
    "providers:setting-overview": "form",
    "providers:application-scope": "form step of an application",
    "providers:application-evidence": "form step of an application",
    "providers:application-prices": "form step of an application",
    "providers:application-services": "form step of an application",
    "providers:application-declarations": "form step of an application",
    "providers:application-submit": "confirmation form",
    "providers:application-withdraw": "confirmation form",
    "providers:agreement-sign": "form",
    "providers:fps-create": "form",
    "providers:fps-edit": "form",
    "providers:lot-create": "form",
    "providers:window-create": "form",
    "providers:window-complete": "POST action",
    "providers:evaluation-record": "form",
    "providers:moderation": "form",
    "providers:clarification-ask": "form",
    "providers:clarification-withdraw": "POST action",
    "providers:membership-change": "form",
    "providers:setting-create": "form",
    "providers:setting-edit": "form",
    "providers:setting-prices": "form",
    "providers:setting-service-add": "form",
    "providers:setting-service-remove": "POST action",
    "providers:judgement-create": "form",
    "providers:judgement-check": "form",
}


def _routes(resolver: URLResolver, namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _routes(pattern, inner)
        elif pattern.name:
            yield f"{namespace}{pattern.name}", pattern


def _api_actions(pattern: URLPattern) -> dict[str, str]:
    """A router route's methods and the viewset actions they run; empty for any other view."""
    return getattr(pattern.callback, "actions", None) or {}


def test_every_list_and_detail_route_has_a_budget() -> None:
    budgeted = {b.route for b in BUDGETS}
    missing, excused_api = [], []
    for name, pattern in _routes(get_resolver()):
        if name.startswith("admin:"):
            continue  # Django's admin (the back office): its pages are Django's own
        if name in budgeted:
            continue
        actions = _api_actions(pattern)
        if "get" in actions:
            # The API's reads are lists, details or a list of one object's parts: none excused.
            excused_api.append(name)
        elif actions:
            continue  # an API write (POST, PUT, PATCH): not a read
        elif name not in NOT_LIST_OR_DETAIL:
            missing.append(name)
    assert not excused_api, (
        f"API GET endpoints without a query budget: {sorted(set(excused_api))}. Add each to "
        "BUDGETS in tests/portal/test_query_budgets.py with a comment naming every query."
    )
    assert not missing, (
        f"Routes without a query budget: {sorted(set(missing))}. A list or detail page needs an "
        "entry in BUDGETS in tests/portal/test_query_budgets.py with a comment naming every "
        "query; anything else needs its reason in NOT_LIST_OR_DETAIL."
    )
    stale = (set(NOT_LIST_OR_DETAIL) | budgeted) - {name for name, _ in _routes(get_resolver())}
    assert not stale, f"Entries for routes that no longer exist: {sorted(stale)}"


def _summary(sql: str) -> str:
    """A query as its kind, its table and its condition, short enough to read in a list."""
    kind = sql.split(" ", 1)[0]
    table = re.search(r'(?:FROM|INTO|UPDATE) "?(\w+)"?', sql)
    where = re.search(r" WHERE (.*?)(?: ORDER BY | LIMIT | GROUP BY |$)", sql)
    return (
        f"{kind} {table.group(1) if table else ''}"
        f"{' WHERE ' + where.group(1)[:120] if where else ''}"
    )


@pytest.mark.parametrize("budget", BUDGETS, ids=lambda b: f"{b.route}[{b.who}]")
def test_query_budget(budget: Budget) -> None:
    call = budget.build()
    # The budget measures the route it names, not a neighbour.
    assert resolve(call.path.split("?")[0]).view_name == budget.route
    if call.api:
        requester: Client = api_client_for(call.user)
    else:
        requester = Client()
        if call.user is not None:
            requester.force_login(call.user)
    # Warm: the first visit may write the session and fill process-wide caches.
    assert requester.get(call.path).status_code == 200, call.path
    with CaptureQueriesContext(connection) as queries:
        response = requester.get(call.path)
    assert response.status_code == 200
    listed = "\n".join(
        f"{n}: {_summary(q['sql'])}" for n, q in enumerate(queries.captured_queries, start=1)
    )
    assert len(queries.captured_queries) == budget.queries, (
        f"{budget.route} as {budget.who} made {len(queries.captured_queries)} queries, its "
        f"budget is {budget.queries}. Fix the extra query, or change the budget and the comment "
        f"naming each query:\n{listed}"
    )
