"""What each role reads, key by key, on every API route; and who may attempt each write.

The table is keyed by the URLconf's own routes: an endpoint added without a row here fails
`test_every_api_route_has_a_row`, so nobody adds a read without deciding what each role sees.
A forum member never reads the lead authority's reasons, the named signatory, or a price; an
authority administrator, who does no casework, reads no provider's evidence, membership or setting.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from fps_portal.accounts.models import Role
from tests.api.routes import api_routes
from tests.api.world import ROLES, World, build_world
from tests.factories import api_client_for
from tests.module_world import world_per_module

LEAD = Role.LEAD_EVALUATOR.value
COMMISSIONER = Role.COMMISSIONER.value
QA = Role.QA_OFFICER.value
SENIOR = Role.SENIOR_MANAGER.value
PROVIDER = Role.PROVIDER_USER.value
FORUM = Role.FORUM_MEMBER.value
#: Runs the authority's accounts and does no casework (ADR 0015).
ACCOUNTS = Role.AUTHORITY_ADMIN.value
AUTHORITY_STAFF = (LEAD, COMMISSIONER, QA, SENIOR)
SIGNED_IN = (*AUTHORITY_STAFF, PROVIDER, FORUM, ACCOUNTS)

EMPTY = "an empty list"  # 200 with no results: the role may list, but none of these is theirs


def keys(*names: str) -> frozenset[str]:
    return frozenset(names)


ME = keys("email", "full_name", "role", "organisation", "memberships")
INSPECTION_IMPORT = keys(
    "id", "original_name", "sha256", "size", "origin", "file_format", "status", "uploaded_by",
    "created_at", "started_at", "finished_at", "progress", "report", "refusal",
)  # fmt: skip
AUTHORITY = keys("id", "name", "ons_code", "dfe_code", "is_lead")
LOT = keys(
    "id", "code", "name", "description", "starts_on", "ends_on", "is_residential",
    "purchasing_system",
)  # fmt: skip
PURCHASING_SYSTEM = keys(
    "id", "name", "kind", "term_start", "term_end", "direct_award_allowed", "admits_by_windows"
)
WINDOW = keys(
    "id", "purchasing_system", "name", "opens_at", "closes_at", "evaluation_deadline", "state",
    "opened_at", "closed_at", "completed_at",
)  # fmt: skip
# The lead authority also sees who corrected the timetable by hand, when, and why it was cancelled.
WINDOW_FOR_LEAD = WINDOW | keys(
    "opened_by", "closed_by", "rescheduled_at", "cancelled_at", "cancellation_reason"
)  # fmt: skip
EVIDENCE = keys(
    "id", "kind", "title", "setting", "reference", "insurance_type", "insurer", "cover_amount",
    "valid_until", "original_filename", "content_type", "size_bytes", "uploaded_at",
    "superseded_at", "download_url",
)  # fmt: skip
APPLICATION = keys(
    "id", "purchasing_system", "window", "provider", "provider_name", "state", "lots", "settings",
    "evidence", "declared_accurate", "declared_no_exclusion_grounds", "declared_safeguarding",
    "prices", "service_prices", "created_at", "submitted_at", "withdrawn_at",
    "evaluation_started_at", "outcome_at", "outcome_reason",
)  # fmt: skip
CLARIFICATION = keys(
    "id", "application", "result", "question", "asked_at", "due_at", "answer", "answered_at"
)
RESULT_FOR_PROVIDER = keys("id", "requirement", "setting", "final_result", "final_reason")
RESULT_FOR_EVALUATORS = RESULT_FOR_PROVIDER | {"automatic_result", "automatic_reason", "decisions"}
MEMBERSHIP_PUBLIC = keys(
    "id", "purchasing_system", "provider", "provider_name", "state", "joined_at"
)
MEMBERSHIP_FOR_AUTHORITIES = MEMBERSHIP_PUBLIC | {
    "state_reason", "review_on", "state_changed_at", "agreement_signed_at", "agreement_version",
}  # fmt: skip
AGREEMENT_DOCUMENT = keys(
    "id", "purchasing_system", "version", "title", "summary_of_changes", "original_filename",
    "content_type", "size_bytes", "published_at", "download_url",
)  # fmt: skip

MEMBERSHIP_FULL = MEMBERSHIP_FOR_AUTHORITIES | {
    "agreement_signatory_name", "agreement_signatory_role",
}  # fmt: skip
SETTING_PUBLIC = keys(
    "id", "name", "provider", "town", "postcode_district", "host_authority", "age_from", "age_to",
    "gender", "offers_day", "offers_residential", "specialisms", "has_vacancies", "inspection",
    "public_summary",
)  # fmt: skip
SETTING_RESULT = SETTING_PUBLIC | {
    "urn", "postcode", "lot", "weekly_price", "price_change_pending", "vacancies", "capacity",
    "insurance_expired",
}  # fmt: skip
SETTING_DETAIL = (SETTING_RESULT - {"lot", "weekly_price"}) | {
    "dfe_number", "address", "phone", "email", "website", "primary_needs", "lots",
    "additional_services", "judgements",
}  # fmt: skip
SETTING_DETAIL_PUBLIC = SETTING_PUBLIC | {"judgements"}
PRICE_CHANGE_FOR_PROVIDER = keys(
    "id", "setting", "setting_name", "lot", "approved_price", "proposed_price", "reason", "state",
    "proposed_at", "accepted_at", "refused_at", "withdrawn_at", "decision_reason",
)  # fmt: skip
PRICE_CHANGE_FOR_LEAD = PRICE_CHANGE_FOR_PROVIDER | {"provider", "proposed_by"}
# The authority administrator's people and API clients (never a credential once made).
PERSON = keys("id", "email", "full_name", "status", "last_login", "roles", "ended_roles")
API_CLIENT = keys(
    "id", "name", "role", "role_label", "key_prefix", "status", "lifetime_days", "created_at",
    "created_by", "expires_at", "rotated_at", "revoked_at", "last_used_at",
)  # fmt: skip
# Issue 11: the provider's invitation shows the referral's snapshot, never the child.
INVITATION = keys(
    "id", "referral", "state", "invited_at", "first_viewed_at", "declined_at", "decline_reason",
    "decline_note", "lapsed_at", "outcome", "responses",
)  # fmt: skip
INVITATION_DETAIL = INVITATION | {"criteria", "descriptors", "questions", "documents"}
RESPONSE = keys(
    "id", "invitation", "referral", "setting", "setting_name", "state", "weekly_price",
    "indicative_price", "price_difference_reason", "proposed_start_date", "how_needs_met",
    "how_outcomes_met", "inspection_judgement", "inspection_date", "inspection_confirmed",
    "answers", "services", "attachments", "created_at", "updated_at", "submitted_at",
    "withdrawn_at",
)  # fmt: skip
# Evaluation and award: the placing authority's commissioners and senior managers only.
RANKING = keys(
    "referral", "reference", "state", "price_scoring", "scale_max",
    "regional_median_weekly_price", "parental_preferences", "ranked",
)  # fmt: skip
AWARD = keys(
    "id", "referral", "reference", "response", "provider", "setting", "state", "reasons",
    "agreed_weekly_price", "price_negotiation_note", "weeks_per_year", "start_date", "end_date",
    "differs_from_parental_preference", "parental_preference_reason", "approver", "approved_at",
    "rejected_at", "rejection_reason", "band_at_award", "additional_monitoring", "proposed_at",
    "completed_at", "services",
)  # fmt: skip
# The awarded provider's placement: the child's record, none of the authority's deliberation.
PLACEMENT = keys(
    "id", "reference", "setting", "agreed_weekly_price", "weeks_per_year", "start_date",
    "end_date", "additional_monitoring", "completed_at", "services", "child", "documents",
)  # fmt: skip
PLACING = (COMMISSIONER, SENIOR)
# Branch recheck: a re-check, read by the lead authority and the provider re-checked alike.
RECHECK = keys(
    "id", "provider", "provider_name", "membership", "cycle", "state", "opened_at", "due_on",
    "submitted_at", "returned_at", "accepted_at", "items", "history",
)  # fmt: skip
# QA visits (issue 14): the visiting authority's readers read it whole; the provider visited
# reads it without the children's views and the trigger's detail; every authority's staff read
# the shared summaries.
PROVIDER_VISIT = keys(
    "id", "authority", "authority_name", "setting", "setting_name", "kind", "trigger", "state",
    "planned_month", "visit_date", "visitors", "overall_rating", "main_findings",
    "recommendations", "findings", "completed_at", "provider_response", "provider_responded_at",
)  # fmt: skip
VISIT = PROVIDER_VISIT | keys("trigger_alert", "trigger_note", "children_views", "cancel_reason")
VISIT_READS = {QA: VISIT, COMMISSIONER: VISIT, SENIOR: VISIT, PROVIDER: PROVIDER_VISIT}
VISIT_SUMMARY = keys(
    "id", "authority", "authority_name", "setting", "setting_name", "visited_on",
    "overall_rating", "main_findings", "shared_at",
)  # fmt: skip
MONITORING = keys(
    "id", "quarter", "period_start", "period_end", "provider", "provider_name", "state",
    "due_on", "submissions", "submitted_at", "returned_at", "reviewed_at", "settings",
    "placements", "reviews", "history",
)  # fmt: skip
# Branch qaplan: an improvement plan and action, read alike by the owning authority's QA
# officers, commissioners and senior managers and by the provider of the setting.
IMPROVEMENT_PLAN = keys(
    "id", "title", "setting", "setting_name", "provider", "authority", "authority_name", "cause",
    "origin", "origin_reason", "state", "created_at", "closed_at", "actions", "history",
)  # fmt: skip
IMPROVEMENT_ACTION = keys(
    "id", "plan", "description", "owner", "due_on", "state", "evidence_text",
    "evidence_filename", "has_evidence_file", "created_at", "completed_at", "accepted_at",
    "reopened_at",
)  # fmt: skip
PLAN_READERS = (QA, COMMISSIONER, SENIOR, PROVIDER)
# Branch qaconcern: a concern, as the provider concerned reads it (from stage 2) and as its
# placing authority's practitioners do (also who raised it and the safety flag).
PROVIDER_CONCERN = keys(
    "id", "authority", "authority_name", "provider", "provider_name", "setting", "setting_name",
    "agreement", "agreement_reference", "category", "summary", "description", "raised_at",
    "state", "stage", "due_on", "partnership_referred_at", "closed_at", "outcome_for_child",
    "stages",
)  # fmt: skip
CONCERN = PROVIDER_CONCERN | keys(
    "immediate_safety", "safety_flagged_at", "source", "raised_by", "raised_by_name",
    "raised_by_role", "raised_by_contact", "recorded_by",
)  # fmt: skip
CONCERN_STAFF = (COMMISSIONER, QA, SENIOR)
CONCERN_READS = {COMMISSIONER: CONCERN, QA: CONCERN, SENIOR: CONCERN, PROVIDER: PROVIDER_CONCERN}

# What no forum member may ever read, at any depth of any answer.
NEVER_FOR_FORUMS = frozenset(
    {
        "state_reason",
        "agreement_signatory_name",
        "agreement_signatory_role",
        "weekly_price",
        "price_change_pending",
        "insurance_expired",
        "proposed_price",
        "approved_price",
        "prices",
        "service_prices",
        "lots",
        "additional_services",
        "check_reason",
    }
)

# A child's record: the placing authority's commissioners and senior managers alone.
CHILD_SUMMARY = keys(
    "id", "given_name", "family_name", "date_of_birth", "case_number", "gender", "legal_status",
    "primary_need", "updated_at",
)  # fmt: skip
CHILD_RECORD = CHILD_SUMMARY | keys(
    "caseworker_name", "caseworker_email", "social_worker_name", "social_worker_email",
    "iro_name", "iro_email", "other_needs", "home_postcode", "current_setting",
    "current_setting_name", "ehcp_issued_on", "ehcp_next_review_on", "outcomes",
    "young_person_views", "parent_carers", "created_at",
)  # fmt: skip
CHILD_DOCUMENT = keys(
    "id", "child", "kind", "title", "original_filename", "content_type", "size", "uploaded_at",
    "download_url",
)  # fmt: skip
PLACING = {COMMISSIONER: None, SENIOR: None}
#: The two parties to an agreement: its authority's placing roles and the provider's users.
PARTIES = (COMMISSIONER, SENIOR, PROVIDER)
VARIATION = keys(
    "id", "agreement", "kind", "state", "version", "version_number", "version_state", "reason",
    "effective_from", "uplift_percent", "new_weekly_fee", "new_end_date", "provision_summary",
    "regional_uplift", "proposed_by_party", "proposed_at", "agreed_at", "refused_at",
    "refusal_reason", "withdrawn_at",
)  # fmt: skip
PLACEMENT_END = keys(
    "id", "agreement", "kind", "reason", "details", "requested_by", "notice_given_on",
    "last_day", "move_to_setting", "move_to_name", "recorded_at",
)  # fmt: skip
# contracts: placements (branch plist): a placement is its agreement, with the list's columns.
CONTRACT_PLACEMENT = keys(
    "id", "reference", "order", "order_number", "state", "child", "is_block_purchase", "places",
    "setting", "setting_name", "provider", "provider_name", "authority", "authority_name",
    "weekly_cost_today", "weekly_cost_per_place_today", "weeks_per_year", "annual_cost_today",
    "start_date", "end_date", "ends_on", "end_kind", "uplift_proposed", "uplift_agreed",
    "variation_pending",
)  # fmt: skip
REGIONAL_UPLIFT = keys(
    "id", "purchasing_system", "title", "percent", "effective_from", "reason", "published_at"
)
# contracts: orders and agreements. The two parties read one shape (both sign the same
# document); the list carries no terms, the detail the terms in force (they name the child).
ORDER = keys(
    "id", "number", "authority", "authority_name", "provider", "provider_name", "setting",
    "setting_name", "referral", "referral_reference", "route", "under_fps_agreement", "places",
    "weekly_price", "weeks_per_year", "annual_value", "start_date", "end_date", "issued_at",
    "agreement", "pdf",
)  # fmt: skip
AGREEMENT = keys(
    "id", "reference", "order", "order_number", "state", "authority", "authority_name",
    "provider", "provider_name", "setting", "setting_name", "referral", "child", "places",
    "current_version", "weekly_fee", "weekly_services", "weekly_cost", "weeks_per_year",
    "annual_cost", "start_date", "end_date", "created_at", "issued_at", "provider_signed_at",
    "signed_at", "activated_at", "ended_at",
)  # fmt: skip
AGREEMENT_DETAIL = AGREEMENT | keys(
    "authority_signatory_name", "terms", "awaiting", "fee_history", "versions"
)
AGREEMENT_VERSION = keys(
    "number", "state", "content_sha256", "reason", "effective_from", "created_at", "issued_at",
    "provider_signed_at", "signed_at", "withdrawn_at", "withdrawal_reason", "signatures", "pdfs",
    "terms",
)  # fmt: skip
# A placing authority's referral: read only by its commissioners and senior managers.
REFERRAL_ROW = keys(
    "id", "reference", "kind", "child", "places", "route", "lot", "is_emergency", "start_date",
    "state", "response_deadline", "created_at", "published_at",
)  # fmt: skip
REFERRAL = REFERRAL_ROW | keys(
    "purchasing_system", "price_per_place", "expected_end_date", "primary_need", "needs",
    "outcomes_sought", "provider_summary", "shared_documents", "referrer_name", "referrer_email",
    "shown_age_years", "shown_gender", "shown_postcode_district", "scale_max", "price_scoring",
    "search_filters", "return_reason", "returned_at", "closed_at", "withdrawn_at",
    "withdrawal_reason", "awarded_at", "criteria", "descriptors", "shortlist", "route_case",
    "publish_problems",
)  # fmt: skip
REFERRAL_QUESTION = keys(
    "id", "question", "asked_at", "asked_by_invitation", "asked_by_provider", "answer",
    "answered_at", "answered_by",
)  # fmt: skip

# Rating alerts (quality): the setting, the old and new judgement, why, the decision, and the
# reader's own authority's recipients; the detail adds that authority's placements.
RATING_ALERT = keys(
    "id", "setting", "setting_name", "provider_name", "judgement", "new", "previous", "reasons",
    "created_at", "decision_state", "decided_at", "decision_reason", "recipients",
)  # fmt: skip
RATING_ALERT_DETAIL = RATING_ALERT | keys("placements")

Expected = int | frozenset[str] | str


def everyone(answer: Expected, **by_role: Expected) -> dict[str | None, Expected]:
    """Signed-in roles get `answer` unless named; anonymous callers always get 401."""
    table: dict[str | None, Expected] = {None: 401}
    table.update({role: by_role.get(role, answer) for role in SIGNED_IN})
    return table


def only(roles: dict[str, Expected], otherwise: Expected = 403) -> dict[str | None, Expected]:
    return everyone(otherwise, **roles)


@dataclass(frozen=True)
class Read:
    """A GET: the keys (of each result, for a list) each role receives, or its status code."""

    url: Callable[[World], str]
    answers: dict[str | None, Expected]
    is_list: bool = True
    #: Asked with each role's browser session, not a token (the authority administrator's
    #: endpoints, which only a person signed in to the portal may use).
    session: bool = False


@dataclass(frozen=True)
class Write:
    """A write: the roles that may attempt it; every other role is refused before its input is
    read (403 for an empty body, never a 400 that would tell it what to send)."""

    url: Callable[[World], str]
    roles: tuple[str, ...]
    session: bool = False


def _url(name: str, *attrs: str, **extra: str) -> Callable[[World], str]:
    def build(world: World) -> str:
        kwargs: dict[str, Any] = {}
        if attrs:
            kwargs["pk"] = getattr(world, attrs[0]).pk
        for key, attr in extra.items():
            kwargs[key] = getattr(world, attr).pk
        return reverse(name, kwargs=kwargs)

    return build


def _ids(name: str, kind: str) -> Callable[[World], str]:
    return lambda world: reverse(name, kwargs={"pk": world.ids[kind]})


def _authority(world: World) -> str:
    lead_authority = world.users[LEAD].memberships.get().organisation_id
    return reverse("authority-detail", kwargs={"pk": lead_authority})


APPLICATION_URL = ("application",)
READS: dict[str, Read] = {
    "api-me": Read(_url("api-me"), everyone(ME), is_list=False),
    "authority-list": Read(_url("authority-list"), everyone(AUTHORITY)),
    "authority-detail": Read(_authority, everyone(AUTHORITY), is_list=False),
    "lot-list": Read(_url("lot-list"), everyone(LOT)),
    "lot-detail": Read(_url("lot-detail", "lot"), everyone(LOT), is_list=False),
    "purchasing-system-list": Read(_url("purchasing-system-list"), everyone(PURCHASING_SYSTEM)),
    "purchasing-system-detail": Read(
        _url("purchasing-system-detail", "system"), everyone(PURCHASING_SYSTEM), is_list=False
    ),
    "window-list": Read(_url("window-list"), everyone(WINDOW, **{LEAD: WINDOW_FOR_LEAD})),
    "window-detail": Read(
        _url("window-detail", "window"), everyone(WINDOW, **{LEAD: WINDOW_FOR_LEAD}), is_list=False
    ),
    # Authorities see the registration certificates and reports of active members' settings.
    "evidence-list": Read(
        _url("evidence-list"), everyone(EVIDENCE, **{FORUM: EMPTY, ACCOUNTS: EMPTY})
    ),
    "evidence-detail": Read(
        _url("evidence-detail", "evidence"),
        everyone(EVIDENCE, **{FORUM: 404, ACCOUNTS: 404}),
        is_list=False,
    ),
    "application-list": Read(
        _url("application-list"), only({LEAD: APPLICATION, PROVIDER: APPLICATION})
    ),
    "application-detail": Read(
        _url("application-detail", *APPLICATION_URL),
        only({LEAD: APPLICATION, PROVIDER: APPLICATION}),
        is_list=False,
    ),
    "application-results": Read(
        _url("application-results", *APPLICATION_URL),
        only({LEAD: RESULT_FOR_EVALUATORS, PROVIDER: RESULT_FOR_PROVIDER}),
    ),
    "clarification-list": Read(
        _url("clarification-list"), only({LEAD: CLARIFICATION, PROVIDER: CLARIFICATION})
    ),
    "clarification-detail": Read(
        _url("clarification-detail", "clarification"),
        only({LEAD: CLARIFICATION, PROVIDER: CLARIFICATION}),
        is_list=False,
    ),
    # The agreement's versions: providers and authorities read them (one shape); forums are
    # refused.
    "agreement-document-list": Read(
        _url("agreement-document-list"),
        everyone(AGREEMENT_DOCUMENT, **{FORUM: 403}),
    ),
    "agreement-document-detail": Read(
        _url("agreement-document-detail", "agreement_document"),
        everyone(AGREEMENT_DOCUMENT, **{FORUM: 403}),
        is_list=False,
    ),
    "membership-list": Read(
        _url("membership-list"),
        everyone(
            MEMBERSHIP_FOR_AUTHORITIES,
            **{
                LEAD: MEMBERSHIP_FULL,
                PROVIDER: MEMBERSHIP_FULL,
                FORUM: MEMBERSHIP_PUBLIC,
                ACCOUNTS: EMPTY,
            },
        ),
    ),
    "membership-detail": Read(
        _url("membership-detail", "membership"),
        everyone(
            MEMBERSHIP_FOR_AUTHORITIES,
            **{
                LEAD: MEMBERSHIP_FULL,
                PROVIDER: MEMBERSHIP_FULL,
                FORUM: MEMBERSHIP_PUBLIC,
                ACCOUNTS: 404,
            },
        ),
        is_list=False,
    ),
    "setting-list": Read(
        _url("setting-list"), everyone(SETTING_RESULT, **{FORUM: SETTING_PUBLIC, ACCOUNTS: 403})
    ),
    "setting-detail": Read(
        _url("setting-detail", "setting"),
        everyone(SETTING_DETAIL, **{FORUM: SETTING_DETAIL_PUBLIC, ACCOUNTS: 403}),
        is_list=False,
    ),
    # A proposed price is read only by the lead authority (it decides) and the provider whose
    # price it is; commissioners see only `price_change_pending` on the setting.
    "price-change-list": Read(
        _url("price-change-list"),
        only({LEAD: PRICE_CHANGE_FOR_LEAD, PROVIDER: PRICE_CHANGE_FOR_PROVIDER}),
    ),
    "price-change-detail": Read(
        _url("price-change-detail", "price_change"),
        only({LEAD: PRICE_CHANGE_FOR_LEAD, PROVIDER: PRICE_CHANGE_FOR_PROVIDER}),
        is_list=False,
    ),
    # Branch recheck: only the lead authority and the provider re-checked read a re-check.
    "recheck-list": Read(_url("recheck-list"), only({LEAD: RECHECK, PROVIDER: RECHECK})),
    # Quarterly monitoring: the provider's own; the placing authority's (Sefton's) QA officer.
    "monitoring-return-list": Read(
        _url("monitoring-return-list"), only({PROVIDER: MONITORING, QA: MONITORING})
    ),
    "monitoring-return-detail": Read(
        _ids("monitoring-return-detail", "monitoring_return"),
        only({PROVIDER: MONITORING, QA: MONITORING}),
        is_list=False,
    ),
    "recheck-detail": Read(
        _ids("recheck-detail", "recheck"), only({LEAD: RECHECK, PROVIDER: RECHECK}), is_list=False
    ),
    "qa-visit-list": Read(_url("qa-visit-list"), only(VISIT_READS)),
    "qa-visit-detail": Read(_ids("qa-visit-detail", "qa_visit"), only(VISIT_READS), is_list=False),
    "qa-visit-summary-list": Read(
        _url("qa-visit-summary-list"), only(dict.fromkeys(AUTHORITY_STAFF, VISIT_SUMMARY))
    ),
    "qa-visit-summary-detail": Read(
        _ids("qa-visit-summary-detail", "qa_visit_summary"),
        only(dict.fromkeys(AUTHORITY_STAFF, VISIT_SUMMARY)),
        is_list=False,
    ),
    # Branch qaplan: the owning authority's QA staff and the provider of the setting.
    "improvement-plan-list": Read(
        _url("improvement-plan-list"), only(dict.fromkeys(PLAN_READERS, IMPROVEMENT_PLAN))
    ),
    "improvement-plan-detail": Read(
        _ids("improvement-plan-detail", "improvement_plan"),
        only(dict.fromkeys(PLAN_READERS, IMPROVEMENT_PLAN)),
        is_list=False,
    ),
    "improvement-action-list": Read(
        _url("improvement-action-list"), only(dict.fromkeys(PLAN_READERS, IMPROVEMENT_ACTION))
    ),
    "improvement-action-detail": Read(
        _ids("improvement-action-detail", "improvement_action"),
        only(dict.fromkeys(PLAN_READERS, IMPROVEMENT_ACTION)),
        is_list=False,
    ),
    # Branch qaconcern: the placing authority's practitioners and the provider concerned.
    "concern-list": Read(_url("concern-list"), only(CONCERN_READS)),
    "concern-detail": Read(_ids("concern-detail", "concern"), only(CONCERN_READS), is_list=False),
    # Only the authority's administrator, signed in by session; each another role's refusal.
    "person-list": Read(_url("person-list"), only({ACCOUNTS: PERSON}), session=True),
    "person-detail": Read(
        lambda w: reverse("person-detail", kwargs={"pk": w.users[COMMISSIONER].pk}),
        only({ACCOUNTS: PERSON}),
        is_list=False,
        session=True,
    ),
    "client-list": Read(_url("client-list"), only({ACCOUNTS: API_CLIENT}), session=True),
    "client-detail": Read(
        _url("client-detail", "api_client"),
        only({ACCOUNTS: API_CLIENT}),
        is_list=False,
        session=True,
    ),
    # Issue 11: only the invited provider reads its invitations and responses.
    "invitation-list": Read(_url("invitation-list"), only({PROVIDER: INVITATION})),
    "invitation-detail": Read(
        _url("invitation-detail", "invitation"), only({PROVIDER: INVITATION_DETAIL}), is_list=False
    ),
    "response-list": Read(_url("response-list"), only({PROVIDER: RESPONSE})),
    "response-detail": Read(
        _url("response-detail", "response"), only({PROVIDER: RESPONSE}), is_list=False
    ),
    # Children's records: the placing roles read them; every other role is refused.
    "child-list": Read(_url("child-list"), only(dict.fromkeys(PLACING, CHILD_SUMMARY))),
    "child-detail": Read(
        _url("child-detail", "child"), only(dict.fromkeys(PLACING, CHILD_RECORD)), is_list=False
    ),
    "child-documents": Read(
        _url("child-documents", "child"), only(dict.fromkeys(PLACING, CHILD_DOCUMENT))
    ),
    "child-document-detail": Read(
        _url("child-document-detail", "child_document"),
        only(dict.fromkeys(PLACING, CHILD_DOCUMENT)),
        is_list=False,
    ),
    # The placing authority's commissioners and senior managers; nobody else reads a referral
    # here (providers read their invitations' snapshot).
    "referral-list": Read(
        _url("referral-list"), only({COMMISSIONER: REFERRAL_ROW, SENIOR: REFERRAL_ROW})
    ),
    "referral-detail": Read(
        _url("referral-detail", "referral"),
        only({COMMISSIONER: REFERRAL, SENIOR: REFERRAL}),
        is_list=False,
    ),
    "referral-evaluation-ranking": Read(
        _ids("referral-evaluation-ranking", "award_referral"),
        only(dict.fromkeys(PLACING, RANKING)),
        is_list=False,
    ),
    # Who asked is the authority's to know (the invitees' questions never say).
    "referral-questions": Read(
        _ids("referral-questions", "question_referral"),
        only(dict.fromkeys(PLACING, REFERRAL_QUESTION)),
    ),
    "award-list": Read(_url("award-list"), only(dict.fromkeys(PLACING, AWARD))),
    "award-detail": Read(
        _ids("award-detail", "pending_award"), only(dict.fromkeys(PLACING, AWARD)), is_list=False
    ),
    "awarded-placement-list": Read(_url("awarded-placement-list"), only({PROVIDER: PLACEMENT})),
    # Variations and ends: the two parties (the placing authority's commissioners and senior
    # managers, the provider's users); regional uplifts: every provider and authority staff.
    "variation-list": Read(_url("variation-list"), only(dict.fromkeys(PARTIES, VARIATION))),
    "variation-detail": Read(
        _ids("variation-detail", "variation"),
        only(dict.fromkeys(PARTIES, VARIATION)),
        is_list=False,
    ),
    "placement-end-list": Read(
        _url("placement-end-list"), only(dict.fromkeys(PARTIES, PLACEMENT_END))
    ),
    "placement-end-detail": Read(
        _ids("placement-end-detail", "placement_end"),
        only(dict.fromkeys(PARTIES, PLACEMENT_END)),
        is_list=False,
    ),
    "regional-uplift-list": Read(
        _url("regional-uplift-list"),
        only(dict.fromkeys((*AUTHORITY_STAFF, PROVIDER), REGIONAL_UPLIFT)),
    ),
    "regional-uplift-detail": Read(
        _ids("regional-uplift-detail", "regional_uplift"),
        only(dict.fromkeys((*AUTHORITY_STAFF, PROVIDER), REGIONAL_UPLIFT)),
        is_list=False,
    ),
    "awarded-placement-detail": Read(
        _ids("awarded-placement-detail", "placement"), only({PROVIDER: PLACEMENT}), is_list=False
    ),
    # contracts: placements (branch plist): the two parties only.
    "placement-list": Read(
        _url("placement-list"), only(dict.fromkeys(PARTIES, CONTRACT_PLACEMENT))
    ),
    "placement-detail": Read(
        _ids("placement-detail", "signed_agreement"),
        only(dict.fromkeys(PARTIES, CONTRACT_PLACEMENT)),
        is_list=False,
    ),
    # contracts: orders and agreements (the two parties; everyone else refused).
    "order-list": Read(_url("order-list"), only(dict.fromkeys(PARTIES, ORDER))),
    "order-detail": Read(
        _ids("order-detail", "order"), only(dict.fromkeys(PARTIES, ORDER)), is_list=False
    ),
    "agreement-list": Read(_url("agreement-list"), only(dict.fromkeys(PARTIES, AGREEMENT))),
    "agreement-detail": Read(
        _ids("agreement-detail", "agreement"),
        only(dict.fromkeys(PARTIES, AGREEMENT_DETAIL)),
        is_list=False,
    ),
    "agreement-versions": Read(
        _ids("agreement-versions", "agreement"), only(dict.fromkeys(PARTIES, AGREEMENT_VERSION))
    ),
    # Ofsted imports (issue 13, ofsted): the lead authority's evaluators only.
    "inspection-import-list": Read(_url("inspection-import-list"), only({LEAD: INSPECTION_IMPORT})),
    "inspection-import-detail": Read(
        _ids("inspection-import-detail", "import_done"),
        only({LEAD: INSPECTION_IMPORT}),
        is_list=False,
    ),
    # Rating alerts: authorities' senior managers and the lead authority's evaluators.
    "rating-alert-list": Read(
        _url("rating-alert-list"), only(dict.fromkeys((SENIOR, LEAD), RATING_ALERT))
    ),
    "rating-alert-detail": Read(
        _ids("rating-alert-detail", "rating_alert"),
        only(dict.fromkeys((SENIOR, LEAD), RATING_ALERT_DETAIL)),
        is_list=False,
    ),
}


def _commissioners_role(world: World) -> str:
    pk = world.users[COMMISSIONER].memberships.get().pk
    return reverse("person-role-remove", kwargs={"pk": pk})


def _senior_managers_role(world: World) -> str:
    pk = world.users[SENIOR].memberships.get().pk
    return reverse("person-role-senior-position", kwargs={"pk": pk})


def _persons(name: str) -> Callable[[World], str]:
    return lambda w: reverse(name, kwargs={"pk": w.users[COMMISSIONER].pk})


WRITES: dict[tuple[str, str], Write] = {
    ("person-list", "post"): Write(_url("person-list"), (ACCOUNTS,), session=True),
    ("person-roles", "post"): Write(_persons("person-roles"), (ACCOUNTS,), session=True),
    ("person-deactivate", "post"): Write(_persons("person-deactivate"), (ACCOUNTS,), session=True),
    ("person-role-remove", "post"): Write(_commissioners_role, (ACCOUNTS,), session=True),
    ("person-role-senior-position", "post"): Write(
        _senior_managers_role, (ACCOUNTS,), session=True
    ),
    ("client-list", "post"): Write(_url("client-list"), (ACCOUNTS,), session=True),
    **{
        (f"client-{action}", "post"): Write(
            _url(f"client-{action}", "api_client"), (ACCOUNTS,), session=True
        )
        for action in ("rotate", "revoke")
    },
    ("purchasing-system-list", "post"): Write(_url("purchasing-system-list"), (LEAD,)),
    ("purchasing-system-detail", "put"): Write(_url("purchasing-system-detail", "system"), (LEAD,)),
    ("purchasing-system-lots", "post"): Write(_url("purchasing-system-lots", "system"), (LEAD,)),
    ("window-list", "post"): Write(_url("window-list"), (LEAD,)),
    ("window-complete", "post"): Write(_url("window-complete", "window"), (LEAD,)),
    **{
        (f"window-{correction}", "post"): Write(_url(f"window-{correction}", "window"), (LEAD,))
        for correction in ("reschedule", "cancel", "open-now", "close-early")
    },
    ("evidence-list", "post"): Write(_url("evidence-list"), (PROVIDER,)),
    ("application-list", "post"): Write(_url("application-list"), (PROVIDER,)),
    **{
        ("application-" + action, method): Write(
            _url("application-" + action, *APPLICATION_URL), (PROVIDER,)
        )
        for action, method in [
            ("scope", "put"),
            ("evidence", "put"),
            ("prices", "put"),
            ("service-prices", "post"),
            ("declarations", "put"),
            ("submit", "post"),
            ("withdraw", "post"),
            ("agreement", "post"),
        ]
    },
    **{
        ("application-" + action, "post"): Write(
            _url("application-" + action, *APPLICATION_URL), (LEAD,)
        )
        for action in ["evaluation", "moderation", "clarifications"]
    },
    ("clarification-answer", "post"): Write(
        _url("clarification-answer", "clarification"), (PROVIDER,)
    ),
    ("membership-change", "post"): Write(_url("membership-change", "membership"), (LEAD, PROVIDER)),
    ("setting-list", "post"): Write(_url("setting-list"), (PROVIDER,)),
    ("setting-detail", "patch"): Write(_url("setting-detail", "setting"), (PROVIDER,)),
    ("setting-prices", "post"): Write(_url("setting-prices", "setting"), (PROVIDER,)),
    ("setting-withdraw", "post"): Write(_url("setting-withdraw", "setting"), (PROVIDER,)),
    ("setting-detail", "delete"): Write(_url("setting-detail", "setting"), (PROVIDER,)),
    ("setting-judgements", "post"): Write(_url("setting-judgements", "setting"), (LEAD, PROVIDER)),
    ("setting-judgement-check", "post"): Write(
        _url("setting-judgement-check", "setting", judgement_pk="judgement"), (LEAD,)
    ),
    ("price-change-decision", "post"): Write(
        _url("price-change-decision", "price_change"), (LEAD,)
    ),
    **{
        (f"invitation-{action}", "post"): Write(
            _url(f"invitation-{action}", "invitation"), (PROVIDER,)
        )
        for action in ("decline", "reopen", "questions")
    },
    ("response-list", "post"): Write(_url("response-list"), (PROVIDER,)),
    ("response-detail", "patch"): Write(_url("response-detail", "response"), (PROVIDER,)),
    **{
        (f"response-{action}", "post"): Write(_url(f"response-{action}", "response"), (PROVIDER,))
        for action in (
            "submit",
            "withdraw",
            "resubmit",
            "services",
            "remove-service",
            "attachments",
            "remove-attachment",
        )
    },
    ("child-list", "post"): Write(_url("child-list"), tuple(PLACING)),
    ("child-detail", "put"): Write(_url("child-detail", "child"), tuple(PLACING)),
    ("child-documents", "post"): Write(_url("child-documents", "child"), tuple(PLACING)),
    ("child-document-detail", "delete"): Write(
        _url("child-document-detail", "child_document"), tuple(PLACING)
    ),
    ("referral-list", "post"): Write(_url("referral-list"), (COMMISSIONER, SENIOR)),
    ("referral-detail", "put"): Write(_url("referral-detail", "referral"), (COMMISSIONER, SENIOR)),
    **{
        (f"referral-{action}", method): Write(
            _url(f"referral-{action}", "referral"), (COMMISSIONER, SENIOR)
        )
        for action, method in [
            ("publish", "post"),
            ("return", "post"),
            ("withdraw", "post"),
            ("close", "post"),
            ("criteria", "put"),
            ("scale", "put"),
            ("shortlist", "put"),
            ("route-case", "post"),
            ("review", "post"),
        ]
    },
    ("referral-question-answer", "post"): Write(
        lambda w: reverse(
            "referral-question-answer",
            kwargs={"pk": w.ids["question_referral"], "question_pk": w.ids["question"]},
        ),
        (COMMISSIONER, SENIOR),
    ),
    # Only a head of service or a director (the world's senior manager is a DCS).
    **{
        (f"referral-{action}", "post"): Write(_url(f"referral-{action}", "referral"), (SENIOR,))
        for action in ("authorise", "refuse")
    },
    **{
        (f"referral-evaluation-{action}", "post"): Write(
            _ids(f"referral-evaluation-{action}", "award_referral"), PLACING
        )
        for action in ("marks", "award", "no-suitable-provider", "rerun")
    },
    ("award-approve", "post"): Write(_ids("award-approve", "pending_award"), (SENIOR,)),
    ("variation-list", "post"): Write(_url("variation-list"), PARTIES),
    ("variation-refuse", "post"): Write(_ids("variation-refuse", "variation"), PARTIES),
    ("variation-withdraw", "post"): Write(_ids("variation-withdraw", "variation"), PARTIES),
    ("placement-end-list", "post"): Write(_url("placement-end-list"), PARTIES),
    ("regional-uplift-list", "post"): Write(_url("regional-uplift-list"), (LEAD,)),
    ("regional-uplift-apply", "post"): Write(
        _ids("regional-uplift-apply", "regional_uplift"), (PROVIDER,)
    ),
    ("award-reject", "post"): Write(_ids("award-reject", "pending_award"), (SENIOR,)),
    # contracts: orders and agreements. The provider signs; the authority also issues and
    # withdraws.
    ("agreement-sign", "post"): Write(_ids("agreement-sign", "agreement"), PARTIES),
    ("agreement-issue", "post"): Write(
        _ids("agreement-issue", "agreement"), (COMMISSIONER, SENIOR)
    ),
    ("agreement-withdraw-version", "post"): Write(
        _ids("agreement-withdraw-version", "agreement"), (COMMISSIONER, SENIOR)
    ),
    ("inspection-import-list", "post"): Write(_url("inspection-import-list"), (LEAD,)),
    ("rating-alert-acknowledge", "post"): Write(
        _ids("rating-alert-acknowledge", "rating_alert"), (SENIOR, LEAD)
    ),
    # Branch recheck: the provider answers and sends its re-check; the lead authority reviews.
    **{
        (f"recheck-{action}", "post"): Write(_ids(f"recheck-{action}", "recheck"), (PROVIDER,))
        for action in ("confirm", "change", "add", "submit")
    },
    ("recheck-review", "post"): Write(_ids("recheck-review", "recheck"), (LEAD,)),
    # QA visits: the QA officers plan, schedule, complete and cancel; the provider answers.
    ("qa-visit-list", "post"): Write(_url("qa-visit-list"), (QA,)),
    **{
        (f"qa-visit-{action}", "post"): Write(_ids(f"qa-visit-{action}", "qa_visit"), (QA,))
        for action in ("schedule", "complete", "cancel")
    },
    ("qa-visit-respond", "post"): Write(_ids("qa-visit-respond", "qa_visit"), (PROVIDER,)),
    # Quarterly monitoring: the provider sends its return; the placing authority's QA officer
    # reviews it.
    ("monitoring-return-submit", "post"): Write(
        _ids("monitoring-return-submit", "monitoring_return"), (PROVIDER,)
    ),
    ("monitoring-return-review", "post"): Write(
        _ids("monitoring-return-review", "monitoring_return"), (QA,)
    ),
    # Branch qaplan: QA officers agree plans and review actions; the owner completes an action.
    ("improvement-plan-list", "post"): Write(_url("improvement-plan-list"), (QA,)),
    ("improvement-plan-add-action", "post"): Write(
        _ids("improvement-plan-add-action", "improvement_plan"), (QA,)
    ),
    **{
        (f"improvement-action-{action}", "post"): Write(
            _ids(f"improvement-action-{action}", "improvement_action"), roles
        )
        for action, roles in (
            ("complete", (QA, PROVIDER)),
            ("comment", (QA, PROVIDER)),
            ("accept", (QA,)),
            ("reopen", (QA,)),
        )
    },
    # Branch qaconcern: the authority raises, escalates and closes; both record on it.
    ("concern-list", "post"): Write(_url("concern-list"), CONCERN_STAFF),
    ("concern-answer", "post"): Write(
        _ids("concern-answer", "concern"), (*CONCERN_STAFF, PROVIDER)
    ),
    ("concern-escalate", "post"): Write(_ids("concern-escalate", "concern"), CONCERN_STAFF),
    ("concern-close", "post"): Write(_ids("concern-close", "concern"), CONCERN_STAFF),
}

# Not JSON data: the schema and its documentation page, open to anyone (covered by
# tests/portal/test_api_foundation.py and the fuzzing gate).
NOT_DATA = {("api-schema", "get"), ("api-docs", "get")}
# A file, not JSON: tests/referrals/children covers who may download it and its audit.
NOT_DATA |= {("child-document-download", "get")}
# contracts: orders and agreements. A PDF, not JSON (or 202 while the worker renders it):
# tests/contracts/test_agreements_api.py covers who may download it and its audit.
NOT_DATA |= {("order-pdf", "get"), ("agreement-pdf", "get")}


def test_every_api_route_has_a_row() -> None:
    tabled = {(name, "get") for name in READS} | set(WRITES) | NOT_DATA
    routes = api_routes()
    assert routes - tabled == set(), "an API route without a row: add one to READS or WRITES"
    assert tabled - routes == set(), "a row for a route that no longer exists"


# Built once for the module; each test's requests (and the forum test's writes) are undone.
world, db, module_world = world_per_module(build_world)


def _keys_at_every_depth(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys_at_every_depth(v)}
    if isinstance(value, list):
        return {k for item in value for k in _keys_at_every_depth(item)}
    return set()


def _client(world: World, role: str | None, *, session: bool = False) -> Any:
    if session and role is not None:
        browser = APIClient()
        browser.force_login(world.users[role])  # past the second factor (tests/conftest.py)
        return browser
    return api_client_for(world.users[role] if role else None)


@pytest.mark.parametrize("name", sorted(READS))
def test_each_role_reads_exactly_its_keys(world: World, name: str) -> None:
    read = READS[name]
    assert set(read.answers) == set(ROLES), "every role, and anonymous, has an answer"
    url = read.url(world)
    for role, expected in read.answers.items():
        response = _client(world, role, session=read.session).get(url)
        body = response.json()
        if isinstance(expected, int):
            assert response.status_code == expected, (role, body)
            assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}
            continue
        assert response.status_code == 200, (role, body)
        if read.is_list:
            results = body if isinstance(body, list) else body["results"]
            if expected == EMPTY:
                assert results == [], role
                continue
            assert results, f"the world has something for {role} to read at {url}"
            got = {frozenset(item) for item in results}
            assert got == {expected}, (role, [sorted(k ^ expected) for k in got])
        else:
            assert set(body) == expected, (role, sorted(set(body) ^ expected))
        if role == FORUM:
            assert not _keys_at_every_depth(body) & NEVER_FOR_FORUMS


@pytest.mark.parametrize("route", sorted(WRITES))
def test_a_role_that_may_not_write_is_refused_before_its_input_is_read(
    world: World, route: tuple[str, str]
) -> None:
    _, method = route
    write = WRITES[route]
    url = write.url(world)
    for role in ROLES:
        if role in write.roles:
            continue
        response = getattr(_client(world, role, session=write.session), method)(
            url, {}, format="json"
        )
        expected = 401 if role is None else 403
        assert response.status_code == expected, (role, response.json())
        assert response.json()["error"]["fields"] == {}


def test_a_forum_member_reads_no_reason_or_signatory_of_a_suspended_then_reinstated_member(
    world: World,
) -> None:
    """The defect as found: the reason and the signatory were in the forum's answer."""
    from providers.services.membership import membership_change
    from tests.providers.onboarding.factories import actor

    lead = actor(world.users[LEAD])
    membership_change(
        actor=lead,
        membership=world.membership,
        action="suspend",
        reason="Insurance lapsed",
        review_on=datetime.date.today() + datetime.timedelta(days=30),
    )
    membership_change(
        actor=lead, membership=world.membership, action="reinstate", reason="Insurance renewed"
    )
    body = _client(world, FORUM).get(f"/api/v1/memberships/{world.membership.pk}/").json()
    assert set(body) == MEMBERSHIP_PUBLIC
    assert "Insurance" not in str(body) and "Dana Director" not in str(body)
    full = _client(world, LEAD).get(f"/api/v1/memberships/{world.membership.pk}/").json()
    assert full["agreement_signatory_name"] == "Dana Director"
