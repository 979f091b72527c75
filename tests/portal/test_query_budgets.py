"""Every list and detail page and API endpoint has an exact query budget, each query named.

A budget is the number of queries one GET makes once the session is warm (the request is made once
first, so process-wide caches and the first visit's session writes do not count). A signed-in
page's first queries are the session, the user and the "otp device": django-otp's OTPMiddleware
reads the authenticator app the session was verified with, on every request, so that a device
removed or unconfirmed since ends the verified session (RequireSecondFactorMiddleware then asks
`is_verified()`, which reuses that read). The comment above each entry names every query in order,
healthchecks' style, so a change in the count says which query came or went. The counts are the
same on PostgreSQL and SQLite (the suite runs on both); a difference would mean a backend-specific
query and is written down beside it.

`test_every_route_has_a_budget.py` walks the URL resolver: a new list or detail route, or any
new GET endpoint of the API, fails it until it has a budget here (or, for a page that is
neither, a reason in that module's NOT_LIST_OR_DETAIL). "Does not grow with rows" tests stay
where they are: each list here is measured with two or more rows, so an N+1 shows as a count
off by one per row, but growth itself is their job.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import resolve

from providers.models import FpsMembership
from tests import factories
from tests.contracts.budgets import CONTRACT_BUDGETS
from tests.portal.query_budget_scenes import (
    Call,
    agreement_versions,
    api,
    authority_admin,
    awaiting_check,
    commissioner,
    directory,
    evaluation_round,
    first_client,
    first_colleague,
    forum_member,
    invited_twice,
    lead,
    me,
    page,
    passed_member,
    price_changes_waiting,
    provider_user,
    round_provider,
    rounds,
    with_notifications,
)
from tests.providers.onboarding import states
from tests.quality.alert_budgets import QUALITY_BUDGETS
from tests.quality.concern_budgets import CONCERN_BUDGETS
from tests.quality.import_budgets import IMPORT_BUDGETS
from tests.quality.monitoring_budgets import MONITORING_BUDGETS
from tests.quality.plan_budgets import PLAN_BUDGETS
from tests.quality.recheck_budgets import RECHECK_BUDGETS
from tests.quality.visit_budgets import VISIT_BUDGETS
from tests.referrals.awards.budgets import AWARD_BUDGETS
from tests.referrals.children.scenes import two_records
from tests.referrals.referrals.scenes import referral_scene

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Budget:
    route: str  # the URL name, namespaced ("providers:window-list", "application-list")
    who: str  # whose request, for the test id
    build: Callable[[], Call]  # writes the rows the page lists and says what to request
    queries: int | None


BUDGETS: list[Budget] = [
    # -- portal -----------------------------------------------------------------------------
    # Fixed text for visitors: nothing read.
    Budget("home", "anonymous", lambda: page("/", None), 0),
    # 1-4: session, user, otp device, actor's memberships; 5: own settings counted, with those
    # without a lot and those without a judgement; 6: drafts; 7: questions to answer; 8: agreements
    # to sign; 9: invitations awaiting an answer, their nearest deadline and drafts; 10: open
    # concerns raised with it (quality's concerns panel); 11: the improvement actions to do and
    # overdue (quality's plans panel); 12: monitoring returns to send, and those overdue
    # (quality's monitoring panel); 13: IPAs to sign (contracts' panel); 14: unread
    # notifications; 15: memberships (organisation switcher).
    Budget("dashboard", "provider", lambda: page("/dashboard/", evaluation_round().ready.user), 15),
    # 1-4: session, user, otp device, actor's memberships; 5-6: listed settings, those with
    # vacancies; 7: awaiting my evaluation; 8: awaiting moderation; 9: open windows; 10: judgements
    # awaiting check; 11: price changes to decide; 12-13: rating alerts not acknowledged and fail
    # bands awaiting a decision (quality's panel); 14: unread notifications; 15: memberships
    # (organisation switcher).
    Budget(
        "dashboard",
        "lead evaluator",
        lambda: page("/dashboard/", lead(), after=evaluation_round()),
        15,
    ),
    # 1-4: session, user, otp device, actor's memberships; 5-6: settings on the FPS, those with
    # vacancies; 7: the referrals panel's four counts; 8: IPAs to complete or countersign
    # (contracts' panel); 9: open, overdue and immediate safety concerns (quality's concerns
    # panel); 10: unread notifications; 11: memberships (organisation switcher).
    Budget("dashboard", "commissioner", lambda: page("/dashboard/", commissioner()), 11),
    # 1-4: session, user, otp device, actor's memberships; 5: count (paginator); 6: the page of
    # notices.
    Budget(
        "notifications",
        "lead evaluator",
        lambda: page("/notifications/", with_notifications(lead())),
        6,
    ),
    # -- the authority administrator's pages -------------------------------------------------
    # 1-4: session, user, otp device, actor's memberships; 5: people with a role (not API
    # clients); 6: API clients not revoked; 7: unread notifications; 8: memberships
    # (organisation switcher).
    Budget(
        "dashboard", "authority administrator", lambda: page("/dashboard/", authority_admin()), 8
    ),
    # 1-4: session, user, otp device, actor's memberships; 5: the authority's memberships (not
    # API clients') with their users.
    Budget(
        "people-list",
        "authority administrator",
        lambda: page("/account/people/", authority_admin()),
        5,
    ),
    # 1-4: session, user, otp device, actor's memberships; 5: the person (scoped); 6: their
    # memberships in the authority.
    Budget(
        "people-detail",
        "authority administrator",
        lambda: (lambda a: page(f"/account/people/{first_colleague(a)}/", a))(authority_admin()),
        6,
    ),
    # 1-4: session, user, otp device, actor's memberships; 5: the clients with their memberships.
    Budget(
        "api-client-list",
        "authority administrator",
        lambda: page("/account/api-clients/", authority_admin()),
        5,
    ),
    # 1-4: session, user, otp device, actor's memberships; 5: the client with its membership and
    # who registered it.
    Budget(
        "api-client-detail",
        "authority administrator",
        lambda: (lambda a: page(f"/account/api-clients/{first_client(a)}/", a))(authority_admin()),
        5,
    ),
    # The same in the API, signed in by session as the pages are.
    # 1-4: session, user, otp device, actor's memberships; 5: the page of people (users with a
    # role here, not API clients'); 6: their memberships here.
    Budget(
        "person-list",
        "authority administrator",
        lambda: page("/api/v1/people/", authority_admin()),
        6,
    ),
    # 1-4: session, user, otp device, actor's memberships; 5: the person (scoped); 6: their
    # memberships here.
    Budget(
        "person-detail",
        "authority administrator",
        lambda: (lambda a: page(f"/api/v1/people/{first_colleague(a)}/", a))(authority_admin()),
        6,
    ),
    # 1-4: session, user, otp device, actor's memberships; 5: the page of clients with their
    # memberships and who registered them.
    Budget(
        "client-list",
        "authority administrator",
        lambda: page("/api/v1/api-clients/", authority_admin()),
        5,
    ),
    # 1-4: session, user, otp device, actor's memberships; 5: the client with its membership and
    # who registered it.
    Budget(
        "client-detail",
        "authority administrator",
        lambda: (lambda a: page(f"/api/v1/api-clients/{first_client(a)}/", a))(authority_admin()),
        5,
    ),
    # -- onboarding: the provider's pages ---------------------------------------------------
    # 1-4: session, user, otp device, actor's memberships; 5: colleagues with their users.
    Budget(
        "providers:colleagues",
        "provider",
        lambda: page("/onboarding/colleagues/", evaluation_round().ready.user),
        5,
    ),
    # 1-4: session, user, otp device, actor's memberships; 5: own settings; 6: their overviews
    # (prefetch); 7: evidence.
    Budget(
        "providers:evidence-list",
        "provider",
        lambda: page("/onboarding/evidence/", evaluation_round().ready.user),
        7,
    ),
    # 1-4: session, user, otp device, actor's memberships; 5: purchasing systems; 6: windows open or
    # scheduled; 7: the next window; 8: own applications with window and system.
    Budget(
        "providers:application-list",
        "provider",
        lambda: page("/onboarding/applications/", evaluation_round().ready.user),
        8,
    ),
    # 1-4: session, user, otp device, actor's memberships; 5: the application; 6: membership
    # (agreement still to sign?); 7: its purchasing system; 8: the next window; 9: its window; 10:
    # open questions.
    Budget(
        "providers:application-detail",
        "provider",
        lambda: round_provider(lambda r: f"/onboarding/applications/{r.application_ids[0]}/"),
        10,
    ),
    # 1-4: session, user, otp device, actor's memberships; 5: questions to answer with their
    # applications.
    Budget(
        "providers:clarification-list",
        "provider",
        lambda: page("/onboarding/clarifications/", evaluation_round().ready.user),
        5,
    ),
    # 1-4: session, user, otp device, actor's memberships; 5: the question; 6: its application; 7:
    # its window; 8: the provider (the page names it).
    Budget(
        "providers:clarification-answer",
        "provider",
        lambda: round_provider(lambda r: f"/onboarding/clarifications/{r.question_ids[0]}/"),
        8,
    ),
    # 1-4: session, user, otp device, actor's memberships; 5: memberships with system and signatory.
    Budget(
        "providers:membership-status",
        "provider",
        lambda: page("/onboarding/membership/", passed_member()[0].user),
        5,
    ),
    # -- onboarding: the lead authority's pages ---------------------------------------------
    # 1-4: session, user, otp device, actor's memberships; 5: the purchasing system; 6: its
    # versions of the agreement with who published each (three here).
    Budget(
        "providers:agreement-documents",
        "lead evaluator",
        lambda: (lambda system: page(f"/fps/{system.pk}/agreement/", lead()))(agreement_versions()),
        6,
    ),
    # 1-4: session, user, otp device, actor's memberships; 5: purchasing systems; 6: their lots
    # (prefetch).
    Budget(
        "providers:fps-manage", "lead evaluator", lambda: page("/fps/", lead(), after=rounds(2)), 6
    ),
    # 1-4: session, user, otp device, actor's memberships; 5: windows with their systems and counts.
    Budget(
        "providers:window-list",
        "lead evaluator",
        lambda: page("/fps/windows/", lead(), after=rounds(2)),
        5,
    ),
    # 1-4: session, user, otp device, actor's memberships; 5: the window; 6: the providers whose
    # applications still have no outcome (`window_completion_blocker`: may the round be
    # completed?); 7: its system; 8: its applications with provider, moderation and open-question
    # counts.
    Budget(
        "providers:window-detail",
        "lead evaluator",
        lambda: page(f"/fps/windows/{evaluation_round().window_id}/", lead()),
        8,
    ),
    # 1-4: session, user, otp device, actor's memberships; 5: applications awaiting my evaluation.
    Budget(
        "providers:application-queue",
        "lead evaluator",
        lambda: page("/fps/applications/?awaiting=evaluation", lead(), after=evaluation_round()),
        5,
    ),
    # 1-4: session, user, otp device, actor's memberships; 5: the application; 6: its results; 7:
    # their decisions (who has decided everything is counted from 6-7); 8: moderation; 9:
    # clarification questions, each marked open or not (`moderation_refusal` is given 8 and 9,
    # so may it be moderated now costs nothing more); 10: provider (the refusal names it: an
    # open question stops the rule there); 11: evidence; 12: settings with overviews; 13:
    # window; 14: prices; 15: service prices.
    Budget(
        "providers:evaluation-detail",
        "lead evaluator",
        lambda: page(f"/fps/applications/{evaluation_round().application_ids[0]}/", lead()),
        15,
    ),
    # 1-4: session, user, otp device, actor's memberships; 5: memberships with providers and
    # systems.
    Budget(
        "providers:membership-list",
        "lead evaluator",
        lambda: page("/fps/memberships/", lead(), after=evaluation_round()),
        5,
    ),
    # -- directory --------------------------------------------------------------------------
    # 1-4: session, user, otp device, actor's memberships; 5: own settings.
    Budget(
        "providers:setting-list",
        "provider",
        lambda: page("/settings/mine/", provider_user(directory())),
        5,
    ),
    # 1-4: session, user, otp device, actor's memberships; 5: the setting; 6: judgements; 7:
    # approved lots; 8: additional services; 9: provider's membership; 10: setting evidence; 11:
    # specialisms; 12: primary needs.
    Budget(
        "providers:setting-detail",
        "commissioner",
        lambda: page(f"/settings/{directory().crewe.pk}/", commissioner()),
        12,
    ),
    # The same twelve as a commissioner's, read through the provider's own scope: 1-4: session,
    # user, otp device, actor's memberships; 5: the setting; 6: judgements; 7: approved lots; 8:
    # additional services; 9: own membership; 10: current setting evidence; 11: specialisms; 12:
    # needs.
    Budget(
        "providers:setting-detail",
        "provider (own)",
        lambda: (lambda w: page(f"/settings/{w.crewe.pk}/", provider_user(w)))(directory()),
        12,
    ),
    # 1-4: session, user, otp device, actor's memberships; 5: judgements awaiting check with
    # settings.
    Budget(
        "providers:judgement-check-list",
        "lead evaluator",
        lambda: page("/judgements/awaiting-check/", awaiting_check()),
        5,
    ),
    # 1-4: session, user, otp device, actor's memberships; 5: price changes waiting, with their
    # settings, providers and lots.
    Budget(
        "providers:price-change-list",
        "lead evaluator",
        lambda: page("/price-changes/", lead(), after=price_changes_waiting()),
        5,
    ),
    # 1-4: session, user, otp device, actor's memberships; 5-8: the filters' choices (lots,
    # specialisms, primary needs, authorities); 9: the page of settings; 10: their specialisms
    # (prefetch); 11: the facet counts (one WITH ... UNION ALL query).
    Budget(
        "providers:find-a-setting",
        "commissioner",
        lambda: page("/find-a-setting/", commissioner(), after=directory()),
        11,
    ),
    # 1-4: session, user, otp device, actor's memberships; 5-8: the filters' choices; 9: the
    # settings; 10: their specialisms (prefetch). No facet counts in an export.
    Budget(
        "providers:find-a-setting-csv",
        "commissioner",
        lambda: page("/find-a-setting/export.csv", commissioner(), after=directory()),
        10,
    ),
    # As the CSV: 1-4: session, user, otp device, actor's memberships; 5-8: filters' choices; 9: the
    # settings; 10: their specialisms.
    Budget(
        "providers:find-a-setting-xlsx",
        "commissioner",
        lambda: page("/find-a-setting/export.xlsx", commissioner(), after=directory()),
        10,
    ),
    # 1-4: the filters' choices (lots, specialisms, primary needs, authorities); 5: the page of
    # listed settings; 6: their specialisms; 7: facet counts. No session for a visitor.
    Budget(
        "providers:forum-directory",
        "anonymous",
        lambda: page("/forum/settings/", None, after=directory()),
        7,
    ),
    # 1-7: as for a visitor; 8-11: session, user, otp device, actor's memberships, read late by the
    # base template's navigation (the public view does not ask who is signed in).
    Budget(
        "providers:forum-directory",
        "forum member",
        lambda: page("/forum/settings/", forum_member(), after=directory()),
        11,
    ),
    # 1: the listed setting; 2: specialisms; 3: primary needs; 4: published, confirmed
    # judgements; 5: the lots it is approved on.
    Budget(
        "providers:forum-setting",
        "anonymous",
        lambda: page(f"/forum/settings/{directory().crewe.pk}/", None),
        5,
    ),
    # 1: listed settings; 2: of them, with vacancies; 3: by lot; 4: by specialism; 5: by host
    # authority.
    Budget(
        "providers:forum-figures",
        "anonymous",
        lambda: page("/forum/figures/", None, after=directory()),
        5,
    ),
    # Fixed text: nothing read.
    Budget(
        "providers:about-the-fps",
        "anonymous",
        lambda: page("/about-the-fps/", None, after=directory()),
        0,
    ),
    # -- API --------------------------------------------------------------------------------
    # 1: token with its user; 2: actor's memberships; 3: the same memberships again, which
    # MeView reads itself instead of taking the actor's (reported, not changed here).
    Budget("api-me", "lead evaluator", me, 3),
    # 1: token with its user; 2: actor's memberships; 3: the page of authorities.
    Budget(
        "authority-list", "commissioner", lambda: api("/api/v1/authorities/", commissioner()), 3
    ),
    # 1: token with its user; 2: actor's memberships; 3: the authority.
    Budget(
        "authority-detail",
        "commissioner",
        lambda: api(f"/api/v1/authorities/{factories.authority('Sefton').pk}/", commissioner()),
        3,
    ),
    # 1: token with its user; 2: actor's memberships; 3: the page of lots.
    Budget(
        "lot-list",
        "commissioner",
        lambda: api("/api/v1/lots/", commissioner(), after=directory()),
        3,
    ),
    # 1: token with its user; 2: actor's memberships; 3: the lot.
    Budget(
        "lot-detail",
        "commissioner",
        lambda: api(f"/api/v1/lots/{directory().day.pk}/", commissioner()),
        3,
    ),
    # 1: token with its user; 2: actor's memberships; 3: the page of systems.
    Budget(
        "purchasing-system-list",
        "lead evaluator",
        lambda: api("/api/v1/purchasing-systems/", lead(), after=rounds(2)),
        3,
    ),
    # 1: token with its user; 2: actor's memberships; 3: the system.
    Budget(
        "purchasing-system-detail",
        "lead evaluator",
        lambda: api(f"/api/v1/purchasing-systems/{directory().day.purchasing_system_id}/", lead()),
        3,
    ),
    # 1: token with its user; 2: actor's memberships; 3: the page of windows.
    Budget(
        "window-list", "lead evaluator", lambda: api("/api/v1/windows/", lead(), after=rounds(2)), 3
    ),
    # 1: token with its user; 2: actor's memberships; 3: the window.
    Budget(
        "window-detail",
        "lead evaluator",
        lambda: api(f"/api/v1/windows/{evaluation_round().window_id}/", lead()),
        3,
    ),
    # 1: token with its user; 2: actor's memberships; 3: the page of versions (three here).
    Budget(
        "agreement-document-list",
        "provider",
        lambda: api(
            "/api/v1/agreement-documents/",
            factories.person("provider_user"),
            after=agreement_versions(),
        ),
        3,
    ),
    # 1: token with its user; 2: actor's memberships; 3: the version.
    Budget(
        "agreement-document-detail",
        "provider",
        lambda: api(
            f"/api/v1/agreement-documents/{agreement_versions().agreement_documents.first().pk}/",
            factories.person("provider_user"),
        ),
        3,
    ),
    # 1: token with its user; 2: actor's memberships; 3: the page of own evidence.
    Budget(
        "evidence-list",
        "provider",
        lambda: api("/api/v1/evidence/", evaluation_round().ready.user),
        3,
    ),
    # 1: token with its user; 2: actor's memberships; 3: the evidence item.
    Budget(
        "evidence-detail",
        "provider",
        lambda: (
            lambda r: api(f"/api/v1/evidence/{r.ready.provider.evidence.first().pk}/", r.ready.user)
        )(evaluation_round()),
        3,
    ),
    # 1: token with its user; 2: actor's memberships; 3: the page of submitted applications;
    # 4-8: their lots, settings, evidence, prices, service prices (prefetches).
    Budget(
        "application-list",
        "lead evaluator",
        lambda: api("/api/v1/applications/", lead(), after=evaluation_round()),
        8,
    ),
    # 1: token with its user; 2: actor's memberships; 3: the page of own applications; 4-8:
    # their lots, settings, evidence, frozen prices, frozen service prices (prefetches); 9-10:
    # the one draft's live lines, its settings' prices on its lots and their services (issue 10:
    # a draft shows its settings' own list; two queries per draft, and a provider has at most
    # one draft per window).
    Budget(
        "application-list",
        "provider",
        lambda: api("/api/v1/applications/", evaluation_round().ready.user),
        10,
    ),
    # 1: token with its user; 2: actor's memberships; 3: the application; 4-8: its lots,
    # settings, evidence, prices, service prices.
    Budget(
        "application-detail",
        "lead evaluator",
        lambda: api(f"/api/v1/applications/{evaluation_round().application_ids[0]}/", lead()),
        8,
    ),
    # 1: token with its user; 2: actor's memberships; 3: the application; 4: results; 5:
    # evaluators' decisions (prefetch).
    Budget(
        "application-results",
        "lead evaluator",
        lambda: api(f"/api/v1/applications/{states.evaluated().pk}/results/", lead()),
        5,
    ),
    # 1: token with its user; 2: actor's memberships; 3: the application; 4: its moderated
    # results; 5: decisions (prefetched, then left out of the provider's body).
    Budget(
        "application-results",
        "provider",
        lambda: (
            lambda ready: api(
                f"/api/v1/applications/{states.passed(ready).pk}/results/", ready.user
            )
        )(states.provider()),
        5,
    ),
    # 1: token with its user; 2: actor's memberships; 3: the page of price changes with their
    # settings, providers, lots and proposers.
    Budget(
        "price-change-list",
        "lead evaluator",
        lambda: api("/api/v1/price-changes/", lead(), after=price_changes_waiting()),
        3,
    ),
    # 1: token with its user; 2: actor's memberships; 3: the provider's own price changes.
    Budget(
        "price-change-list",
        "provider",
        lambda: (lambda w: api("/api/v1/price-changes/", provider_user(w)))(
            price_changes_waiting()[0]
        ),
        3,
    ),
    # 1: token with its user; 2: actor's memberships; 3: the price change.
    Budget(
        "price-change-detail",
        "lead evaluator",
        lambda: (lambda pk: api(f"/api/v1/price-changes/{pk}/", lead()))(
            price_changes_waiting()[1]
        ),
        3,
    ),
    # 1: token with its user; 2: actor's memberships; 3: the page of questions.
    Budget(
        "clarification-list",
        "lead evaluator",
        lambda: api("/api/v1/clarifications/", lead(), after=evaluation_round()),
        3,
    ),
    # 1: token with its user; 2: actor's memberships; 3: the page of own questions.
    Budget(
        "clarification-list",
        "provider",
        lambda: api("/api/v1/clarifications/", evaluation_round().ready.user),
        3,
    ),
    # 1: token with its user; 2: actor's memberships; 3: the question.
    Budget(
        "clarification-detail",
        "provider",
        lambda: round_provider(lambda r: f"/api/v1/clarifications/{r.question_ids[0]}/", api=True),
        3,
    ),
    # -- issue 11: the provider's side of a referral ----------------------------------------
    # 1-4: session, user, otp device, actor's memberships; 5: the provider's invitations with
    # their referrals, lots, authorities and primary needs; 6: their responses with settings.
    Budget(
        "referrals:invitation-list",
        "provider",
        lambda: page("/invitations/", invited_twice().user),
        6,
    ),
    # 1-4: session, user, otp device, actor's memberships; 5: the invitation with its referral,
    # lot, authority and primary need; 6: the settings it may propose; 7: criteria; 8: scale
    # descriptors; 9: questions; 10: shared documents; 11: its responses with their settings;
    # 12: the referral's other needs.
    Budget(
        "referrals:invitation-detail",
        "provider",
        lambda: (lambda w: page(f"/invitations/{w.invitation}/", w.user))(invited_twice()),
        12,
    ),
    # 1-4: session, user, otp device, actor's memberships; 5: the response with its setting,
    # invitation and referral; 6-8: its services, attachments and answers; 9: the criteria; 10:
    # the setting's approved indicative price for the lot; 11: its price list.
    Budget(
        "referrals:response-edit",
        "provider",
        lambda: (lambda w: page(f"/invitations/responses/{w.response}/", w.user))(invited_twice()),
        11,
    ),
    # 1-4: session, user, otp device, actor's memberships; 5: the referral; 6: its questions
    # with who asked and who answered.
    Budget(
        "referrals:referral-questions",
        "commissioner",
        lambda: (lambda w: page(f"/referrals/{w.referral}/questions/", w.commissioner))(
            invited_twice()
        ),
        6,
    ),
    # 1: token with its user; 2: actor's memberships; 3: the referral; 4: its questions with
    # the invitations and providers that asked.
    Budget(
        "referral-questions",
        "commissioner",
        lambda: (lambda w: api(f"/api/v1/referrals/{w.referral}/questions/", w.commissioner))(
            invited_twice()
        ),
        4,
    ),
    # 1: token with its user; 2: actor's memberships; 3: the page of invitations with their
    # referrals' snapshots; 4: the referrals' other needs; 5: the responses' ids.
    Budget(
        "invitation-list",
        "provider",
        lambda: api("/api/v1/invitations/", invited_twice().user),
        5,
    ),
    # 1: token with its user; 2: actor's memberships; 3: the invitation with its referral's
    # snapshot; 4: other needs; 5: responses' ids; 6: criteria; 7: scale descriptors; 8:
    # questions; 9: shared documents; 10: the responses (the selector's read of them).
    Budget(
        "invitation-detail",
        "provider",
        lambda: (lambda w: api(f"/api/v1/invitations/{w.invitation}/", w.user))(invited_twice()),
        10,
    ),
    # 1: token with its user; 2: actor's memberships; 3: the page of responses with their
    # invitations and settings; 4-6: services, attachments, answers.
    Budget(
        "response-list",
        "provider",
        lambda: api("/api/v1/responses/", invited_twice().user),
        6,
    ),
    # 1: token with its user; 2: actor's memberships; 3: the response with its invitation and
    # setting; 4-6: services, attachments, answers.
    Budget(
        "response-detail",
        "provider",
        lambda: (lambda w: api(f"/api/v1/responses/{w.response}/", w.user))(invited_twice()),
        6,
    ),
    # 1: token with its user; 2: actor's memberships; 3: the page of memberships.
    Budget(
        "membership-list",
        "lead evaluator",
        lambda: api("/api/v1/memberships/", lead(), after=evaluation_round()),
        3,
    ),
    # 1: token with its user; 2: actor's memberships; 3: the membership.
    Budget(
        "membership-detail",
        "lead evaluator",
        lambda: api(
            f"/api/v1/memberships/{FpsMembership.objects.filter(provider=evaluation_round().ready.provider).get().pk}/",
            lead(),
        ),
        3,
    ),
    # 1: token with its user; 2: actor's memberships; 3-6: the search form's choices (lots,
    # specialisms, primary needs, authorities); 7: the page of settings; 8: their specialisms;
    # 9: facet counts.
    Budget(
        "setting-list",
        "commissioner",
        lambda: api("/api/v1/settings/", commissioner(), after=directory()),
        9,
    ),
    # 1: token with its user; 2: actor's memberships; 3: the setting; 4: specialisms; 5:
    # primary needs; 6: judgements; 7: approved lots; 8: additional services.
    Budget(
        "setting-detail",
        "commissioner",
        lambda: api(f"/api/v1/settings/{directory().crewe.pk}/", commissioner()),
        8,
    ),
    # -- the referrals app: children's records -------------------------------------------------
    # Every read of a record writes its audit row in a transaction of its own: in the suite's
    # wrapping transaction that is a savepoint, its insert and its release (three statements).
    # 1-4: session, user, otp device, actor's memberships; 5: count (paginator); 6: the page of
    # children with their primary needs; 7-9: the audit row naming every child listed.
    Budget(
        "referrals:child-list",
        "commissioner",
        lambda: (lambda r: page("/children/", r.commissioner))(two_records()),
        9,
    ),
    # 1-4: session, user, otp device, actor's memberships; 5: the child with primary need and
    # current setting; 6: other needs; 7: outcomes; 8: parents and carers with their preferred
    # settings; 9: current documents; 10-12: the audit row of the view.
    Budget(
        "referrals:child-detail",
        "commissioner",
        lambda: (lambda r: page(f"/children/{r.children[0].pk}/", r.commissioner))(two_records()),
        12,
    ),
    # 1-12: as the record page (the form shows the record, so its view is audited); 13-14: the
    # primary needs for the primary need's list and the other needs' boxes.
    Budget(
        "referrals:child-edit",
        "commissioner",
        lambda: (lambda r: page(f"/children/{r.children[0].pk}/edit/", r.commissioner))(
            two_records()
        ),
        14,
    ),
    # 1-12: as the record page (the export is a view of it too).
    Budget(
        "referrals:child-export",
        "commissioner",
        lambda: (lambda r: page(f"/children/{r.children[0].pk}/export.csv", r.commissioner))(
            two_records()
        ),
        12,
    ),
    # 1-4: session, user, otp device, actor's memberships; 5: the authority's rules (none saved
    # here: the defaults are shown).
    Budget(
        "referrals:placement-rules",
        "authority administrator",
        lambda: page("/account/placement-rules/", authority_admin()),
        5,
    ),
    # 1: token with its user; 2: actor's memberships; 3: the page of children with their primary
    # needs; 4-6: the audit row naming every child listed.
    Budget(
        "child-list",
        "commissioner",
        lambda: (lambda r: api("/api/v1/children/", r.commissioner))(two_records()),
        6,
    ),
    # 1: token with its user; 2: actor's memberships; 3: the child with primary need; 4: other
    # needs; 5: outcomes; 6: parents and carers; 7-9: the audit row of the view.
    Budget(
        "child-detail",
        "commissioner",
        lambda: (lambda r: api(f"/api/v1/children/{r.children[0].pk}/", r.commissioner))(
            two_records()
        ),
        9,
    ),
    # 1: token with its user; 2: actor's memberships; 3: the child; 4: its current documents;
    # 5-7: the audit row of the view.
    Budget(
        "child-documents",
        "commissioner",
        lambda: (lambda r: api(f"/api/v1/children/{r.children[0].pk}/documents/", r.commissioner))(
            two_records()
        ),
        7,
    ),
    # 1: token with its user; 2: actor's memberships; 3: the document with its child; 4-6: the
    # audit row of the view.
    Budget(
        "child-document-detail",
        "commissioner",
        lambda: (lambda r: api(f"/api/v1/child-documents/{r.document.pk}/", r.commissioner))(
            two_records()
        ),
        6,
    ),
    # 1: token with its user; 2: actor's memberships; 3: the document with its child; 4-6: the
    # audit row of the download.
    Budget(
        "child-document-download",
        "commissioner",
        lambda: (
            lambda r: api(f"/api/v1/child-documents/{r.document.pk}/download/", r.commissioner)
        )(two_records()),
        6,
    ),
    # -- referrals and their routes -------------------------------------------------------------
    # 1-4: session, user, otp device, actor's memberships; 5: lots (the filter's choices); 6: the
    # authority's children (the filter's choices); 7: count (paginator); 8: the page of
    # referrals with their lots and children.
    Budget(
        "referrals:referral-list",
        "commissioner",
        lambda: page("/referrals/", referral_scene().commissioner),
        8,
    ),
    # 1-4: session, user, otp device, actor's memberships; 5: the referral with its lot, system,
    # child, case and people; 6: needs; 7: criteria; 8: descriptors; 9: shared documents; 10:
    # invitations with their providers (published).
    Budget(
        "referrals:referral-detail",
        "commissioner",
        lambda: (lambda s: page(f"/referrals/{s.competition.pk}/", s.commissioner))(
            referral_scene()
        ),
        10,
    ),
    # 1-4 and 5-9 as above (the case comes with the referral); no invitation to list.
    Budget(
        "referrals:referral-detail",
        "commissioner, a direct award",
        lambda: (lambda s: page(f"/referrals/{s.direct_award.pk}/", s.commissioner))(
            referral_scene()
        ),
        9,
    ),
    # 1-4: session, user, otp device, actor's memberships; 5: cases awaiting authorisation with
    # their referrals, settings, providers and submitters; 6: cases decided.
    Budget(
        "referrals:authorisation-list",
        "director",
        lambda: page("/senior/", referral_scene().director),
        6,
    ),
    # 1: token with its user; 2: actor's memberships; 3: the page of referrals.
    Budget(
        "referral-list",
        "commissioner",
        lambda: api("/api/v1/referrals/", referral_scene().commissioner),
        3,
    ),
    # 1: token with its user; 2: actor's memberships; 3: the referral with its lot, child,
    # primary need and case; 4: needs; 5: criteria; 6: descriptors; 7: shortlist with settings;
    # 8: shared documents.
    Budget(
        "referral-detail",
        "commissioner",
        lambda: (lambda s: api(f"/api/v1/referrals/{s.competition.pk}/", s.commissioner))(
            referral_scene()
        ),
        8,
    ),
    # -- referrals: evaluation and award ------------------------------------------------------
    *(Budget(*entry) for entry in AWARD_BUDGETS),
    *(Budget(*entry) for entry in CONTRACT_BUDGETS),
    *(Budget(*entry) for entry in IMPORT_BUDGETS),
    *(Budget(*entry) for entry in QUALITY_BUDGETS),
    *(Budget(*entry) for entry in RECHECK_BUDGETS),
    *(Budget(*entry) for entry in VISIT_BUDGETS),
    *(Budget(*entry) for entry in MONITORING_BUDGETS),
    *(Budget(*entry) for entry in PLAN_BUDGETS),
    *(Budget(*entry) for entry in CONCERN_BUDGETS),
]


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
        requester: Client = factories.api_client_for(call.user)
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
