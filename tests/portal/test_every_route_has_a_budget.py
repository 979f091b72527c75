"""Every list and detail route has a query budget in `test_query_budgets.BUDGETS`.

The URL resolver is walked: a new list or detail page, or any GET endpoint of the API, fails
here until it has a budget (or, for a page that is neither, a reason in NOT_LIST_OR_DETAIL).
"""

from __future__ import annotations

from collections.abc import Iterator

from django.urls import URLPattern, URLResolver, get_resolver

from tests.portal.test_query_budgets import BUDGETS

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
    "providers:register-sent": "fixed text (the address the link was sent to, from the session)",
    "providers:register-confirm": "registration's second step: choosing a password, a form",
    "mfa-verify": "the second sign-in step: a code form",
    "people-invite": "the administrator's invitation form",
    "people-give-role": "form: a role and the reason",
    "people-deactivate": "form: the reason a leaver goes",
    "people-role-remove": "form: the reason a role ends",
    "people-senior-position": "form: a senior manager's position",
    "api-client-new": "form: registering an API client",
    "api-client-credential": "shows a new credential once (from the session), else fixed text",
    "api-client-rotate": "form: the reason a credential is rotated",
    "api-client-revoke": "form: the reason a client is revoked",
    "mfa-recovery": "the second sign-in step with a recovery code: a form",
    "mfa-enrol": "setting up an authenticator app: a form",
    "mfa-recovery-codes": "shows new recovery codes once, or offers new ones: a form",
    "providers:evidence-upload": "upload form",
    "providers:evidence-download": "streams one file (and audits the download)",
    "providers:evidence-remove": "confirmation form",
    "providers:agreement-document-download": "streams one file (and audits the download)",
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
    "providers:window-reschedule": "form (the window's name and dates, and a reason)",
    "providers:window-cancel": "confirmation form with a reason",
    "providers:window-open-now": "confirmation form with a reason",
    "providers:window-close-early": "confirmation form with a reason",
    "providers:evaluation-record": "form",
    "providers:moderation": "form",
    "providers:clarification-ask": "form",
    "providers:clarification-withdraw": "POST action",
    "providers:membership-change": "form",
    "providers:setting-create": "form",
    "providers:setting-edit": "form",
    "providers:setting-delete": "confirmation form",
    "providers:setting-withdraw": "confirmation form, with the reason",
    "providers:setting-prices": "form",
    "providers:setting-service-add": "form",
    "providers:setting-service-remove": "POST action",
    "providers:judgement-create": "form",
    "providers:judgement-check": "form",
    "providers:price-change": "form (the decision on one price change)",
    "quality:recheck-calendar": "form (the month re-checks open)",
    "quality:concern-new": "form: raising a concern",
    "quality:concern-record": "form: recording on a concern's stage (the provider's answer)",
    "quality:concern-escalate": "form: escalating a concern one stage",
    "quality:concern-close": "form: closing a concern with the outcome for the child",
    "quality:concern-letter": "streams one letter of escalation (and audits the download)",
    "quality:suspension-proposal": "form (the decision on one suspension proposal)",
    "quality:visit-new": "form: planning a QA visit",
    "quality:visit-complete": "form: the QA visit's record and report",
    "quality:visit-report": "streams the QA visit report's PDF (and audits the download)",
    "quality:monitoring-return-figures": "form (the provider's figures for the quarter)",
    "quality:monitoring-return-review": "form (the QA officer's review of one return)",
    "referrals:invitation-decline": "form: the reason for declining",
    "referrals:invitation-reopen": "POST action",
    "referrals:invitation-question": "form: a clarification question",
    "referrals:invitation-document": "streams one shared file (and audits the download)",
    "referrals:response-submit": "POST action",
    "referrals:response-withdraw": "POST action",
    "referrals:response-resubmit": "POST action",
    "referrals:response-service-add": "form",
    "referrals:response-service-remove": "POST action",
    "referrals:response-attachment-add": "upload form",
    "referrals:response-attachment": "streams one file (and audits the download)",
    "referrals:response-attachment-remove": "POST action",
    "referrals:referral-question-answer": "form: the authority's answer to one question",
    "referrals:child-create": "form",
    "referrals:child-document-upload": "upload form",
    "referrals:child-document-download": "streams one file (and audits the download)",
    "referrals:child-document-remove": "confirmation form",
    "referrals:referral-create": "form",
    "referrals:referral-edit": "form",
    "referrals:referral-criteria": "form: adding a criterion and the weights",
    "referrals:referral-criterion-remove": "POST action",
    "referrals:referral-scale": "form",
    "referrals:referral-shortlist": "form: choosing settings from a find-a-setting search",
    "referrals:referral-publish": "confirmation form",
    "referrals:referral-return": "form with the reason",
    "referrals:referral-withdraw": "confirmation form with the reason",
    "referrals:referral-close": "confirmation form with the reason",
    "referrals:referral-route-case": "form: a direct award's or spot purchase's case",
    "referrals:authorisation-decide": "form: authorising or refusing one case",
    "referrals:referral-review": "form: the outcome of a direct award's review",
    "referrals:no-suitable-provider": "form: the reason no response is suitable",
    "referrals:rerun": "form: the route to re-run the referral on",
    "referrals:risk-documents": "upload form: the inspection summary and action plan",
    "referrals:risk-approach": "form: the risk management approach and quality visit",
    "referrals:award-approval": "form: the approver's decision on one award",
    "referrals:risk-sign-off": "form: one manager's sign-off of the risk approach",
    "referrals:awarded-document": "streams one file of the child's record (and audits it)",
    "quality:alert-acknowledge": "POST action: acknowledges one rating alert",
    "quality:decision": "form: the lead authority's decision on one fail band",
    "quality:improvement-plan-new": "form: a new improvement plan",
    "quality:improvement-action-new": "form: a new improvement action",
    "quality:improvement-action-evidence": "streams one file (and audits the download)",
    "contracts:agreement-draft": "form: the draft IPA's parties and purposes",
    "contracts:agreement-draft-provision": "form: the draft IPA's provision, dates and contact",
    "contracts:agreement-draft-costs": "form: the draft IPA's costs and payments",
    "contracts:agreement-draft-funding": "form: the draft IPA's funding shares and documents",
    "contracts:agreement-draft-signatories": "form: the draft IPA's signatories",
    "contracts:agreement-issue": "confirmation form (or what is missing before issue)",
    "contracts:agreement-withdraw": "form with the reason a version is withdrawn",
    "contracts:variation-uplift": "form: a price uplift",
    "contracts:variation-provision": "form: a change of provision",
    "contracts:variation-end-date": "form: a change of end date",
    "contracts:variation-refuse": "form: the reason a variation is refused",
    "contracts:variation-withdraw": "form: the reason a variation is withdrawn",
    "contracts:placement-end": "form: the end of a placement",
    "contracts:regional-uplift-publish": "form: a regional uplift",
    "contracts:regional-uplift-apply": "form: checkboxes of the provider's agreements",
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


def test_every_list_and_detail_route_has_a_budget_or_a_reason() -> None:
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
        "query; anything else needs its reason in NOT_LIST_OR_DETAIL in "
        "tests/portal/test_every_route_has_a_budget.py."
    )
    stale = (set(NOT_LIST_OR_DETAIL) | budgeted) - {name for name, _ in _routes(get_resolver())}
    assert not stale, f"Entries for routes that no longer exist: {sorted(stale)}"
