"""The authorisation matrix: for every route, what each actor is answered, per method and case.
The vocabulary (Found, Own, Active, expect, Row) is explained in matrix_rules.py.

The world (matrix_world.py): provider X is an active member of the FPS; provider Y was suspended
by the lead authority, so it is off the FPS for forums and searches but its objects are still
its own (and still seen by authorities, who may have a child placed there).
"""

from __future__ import annotations

from collections.abc import Callable

from tests.contracts.matrix_rows import API as CONTRACT_API
from tests.contracts.matrix_rows import PAGES as CONTRACT_PAGES
from tests.portal.matrix_routes import Answer
from tests.portal.matrix_rules import (
    REFUSED,
    SYSTEM_BODY,
    Active,
    Cell,
    Expect,
    Found,
    Own,
    Row,
    expect,
    in_days,
    public,
    signed_in,
)
from tests.portal.matrix_world import (
    COMMISSIONER_A,
    COMMISSIONER_B,
    LEAD_EVALUATOR_A,
    PROVIDER_Y,
    PROVIDERS,
    SENIOR_MANAGER_A,
    World,
)
from tests.quality.alert_matrix_rows import API as QUALITY_API
from tests.quality.alert_matrix_rows import PAGES as QUALITY_PAGES
from tests.quality.concern_matrix_rows import API as CONCERN_API
from tests.quality.concern_matrix_rows import PAGES as CONCERN_PAGES
from tests.quality.import_matrix_rows import API as IMPORT_API
from tests.quality.import_matrix_rows import PAGES as IMPORT_PAGES
from tests.quality.monitoring_matrix_rows import API as MONITORING_API
from tests.quality.monitoring_matrix_rows import PAGES as MONITORING_PAGES
from tests.quality.plan_matrix_rows import API as PLAN_API
from tests.quality.plan_matrix_rows import PAGES as PLAN_PAGES
from tests.quality.recheck_matrix_rows import API as RECHECK_API
from tests.quality.recheck_matrix_rows import PAGES as RECHECK_PAGES
from tests.quality.visit_matrix_rows import API as VISIT_API
from tests.quality.visit_matrix_rows import PAGES as VISIT_PAGES
from tests.referrals.awards.matrix_rows import API as AWARD_API
from tests.referrals.awards.matrix_rows import PAGES as AWARD_PAGES

USER, MEMBER, CLIENT = "accounts.User", "accounts.Membership", "accounts.ApiClient"

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
    # The second-factor steps: a verified session has nothing left to do there and moves on.
    "mfa-verify": Row(get=signed_in(302), writes={"POST": signed_in(302)}),
    "mfa-recovery": Row(get=signed_in(302), writes={"POST": signed_in(302)}),
    "mfa-enrol": Row(get=signed_in(302), writes={"POST": signed_in(302)}),
    "mfa-recovery-codes": Row(get=signed_in(200), writes={"POST": signed_in(302)}),
    # No worker runs beside the test world, so the health check says so, to everyone alike.
    "healthz": Row(get=public(503)),
    "api-schema": Row(get=public()),
    "api-docs": Row(get=public()),
    "api-me": Row(get=signed_in(200)),
    "authority-list": Row(get=signed_in(200)),
    "authority-detail": Row(ids="authority", get=signed_in(Found(200))),
    # Authority A's administrator manages A's people and API clients; B's are 404 to them, and
    # everyone else is refused. Writes posted empty are invalid (400) and change nothing.
    "people-list": Row(get=expect(accounts=200)),
    "people-invite": Row(get=expect(accounts=200), writes={"POST": expect(accounts=400)}),
    "people-detail": Row(ids="person", get=expect(accounts=Own(200))),
    **{
        key: Row(
            ids=ids,
            get=expect(accounts=Own(200)),
            writes={"POST": expect(accounts=Own(400))},
            touches=("accounts.Membership",),
        )
        for key, ids in (
            ("people-give-role", "person"),
            ("people-deactivate", "person"),
            ("people-role-remove", "authority_role"),
            ("people-senior-position", "authority_role"),
        )
    },
    "api-client-list": Row(get=expect(accounts=200)),
    "api-client-new": Row(get=expect(accounts=200), writes={"POST": expect(accounts=400)}),
    "api-client-detail": Row(ids="api_client", get=expect(accounts=Own(200))),
    "api-client-credential": Row(ids="api_client", get=expect(accounts=Own(200))),
    **{
        key: Row(
            ids="api_client",
            get=expect(accounts=Own(200)),
            writes={"POST": expect(accounts=Own(400))},
            touches=("accounts.ApiClient",),
        )
        for key in ("api-client-rotate", "api-client-revoke")
    },
    # The same in the API, for the administrator signed in by session (a token, theirs or an
    # API client's, is refused: tests/portal/test_people_api.py). Valid bodies: each write is
    # made for A's object (and rolled back after the cell).
    "person-list": Row(
        get=expect(accounts=200),
        writes={"POST": expect(accounts=201)},
        body=lambda w, s, a: {
            "email": "matrix.invitee@example.org",
            "full_name": "Matrix Invitee",
            "role": "commissioner",
        },
        touches=(USER, MEMBER),
        lists="person-detail",
        session=True,
    ),
    "person-detail": Row(ids="person", get=expect(accounts=Own(200)), session=True),
    "person-roles": Row(
        ids="person",
        writes={"POST": expect(accounts=Own(201))},
        body=lambda w, s, a: {"role": "qa_officer", "reason": "Covering the QA rota."},
        touches=(MEMBER,),
        session=True,
    ),
    "person-deactivate": Row(
        ids="person",
        writes={"POST": expect(accounts=Own(200))},
        body=lambda w, s, a: {"reason": "Left the authority."},
        touches=(MEMBER,),
        session=True,
    ),
    "person-role-remove": Row(
        ids="authority_role",
        writes={"POST": expect(accounts=Own(200))},
        body=lambda w, s, a: {"reason": "Back to their post."},
        touches=(MEMBER,),
        session=True,
    ),
    "person-role-senior-position": Row(
        ids="authority_role",
        writes={"POST": expect(accounts=Own(200))},
        body=lambda w, s, a: {"senior_position": "dcs"},
        touches=(MEMBER,),
        session=True,
    ),
    "client-list": Row(
        get=expect(accounts=200),
        writes={"POST": expect(accounts=201)},
        body=lambda w, s, a: {"name": "Matrix case system", "role": "commissioner"},
        touches=(CLIENT, USER, MEMBER),
        lists="client-detail",
        session=True,
    ),
    "client-detail": Row(ids="api_client", get=expect(accounts=Own(200)), session=True),
    **{
        key: Row(
            ids="api_client",
            writes={"POST": expect(accounts=Own(200))},
            body=lambda w, s, a: {"reason": "Matrix."},
            touches=(CLIENT, MEMBER),
            session=True,
        )
        for key in ("client-rotate", "client-revoke")
    },
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
PRICE_CHANGE = "providers.PriceChange"

PAGES: dict[str, Row] = {
    # Registering is for people without an account; a signed-in one goes to their dashboard.
    "providers:register": Row(
        get=expect(302, anonymous=200, admin=302),
        writes={"POST": expect(302, anonymous=200, admin=302)},
    ),
    "providers:register-sent": Row(get=public()),
    # A confirmation link the world never issued: nobody can redeem it.
    "providers:register-confirm": Row(
        ids="token", get=public(404), writes={"POST": public(404)}, touches=("accounts.User",)
    ),
    "providers:colleagues": _provider_page(200, 200, "accounts.User", "accounts.Membership"),
    "providers:evidence-list": _provider_page(200),
    "providers:evidence-upload": _provider_page(200, 200, "providers.Evidence"),
    # Authority staff see setting-level evidence of members only; the world's is insurance.
    # The world's evidence went with a submitted application: kept, so removing it is 409.
    "providers:evidence-remove": _provider_object_page("evidence", 200, 409, "providers.Evidence"),
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
    # The agreement is read by providers and authorities alike; forums and the administrator
    # see none of it (as if missing).
    "providers:agreement-document-download": Row(
        ids="agreement_document", get=expect(Found(200), forum=404, admin=404)
    ),
    # Posted empty, the form is shown again (as on the other lead pages); nothing is published.
    "providers:agreement-documents": _lead_page(
        "purchasing_system", 200, 200, "providers.AgreementDocument"
    ),
    "providers:fps-manage": _lead_page(None, 200),
    "providers:fps-create": _lead_page(None, 200, 200, "providers.PurchasingSystem"),
    "providers:fps-edit": _lead_page("purchasing_system", 200, 200, "providers.PurchasingSystem"),
    "providers:lot-create": _lead_page("purchasing_system", 200, 200, "providers.Lot"),
    "providers:window-list": _lead_page(None, 200),
    "providers:window-create": _lead_page(None, 200, 200, "providers.EvaluationWindow"),
    "providers:window-detail": _lead_page("window", 200),
    "providers:window-complete": _lead_page("window", 405, 302, "providers.EvaluationWindow"),
    # The world's window is closed for evaluation: each correction's page says so (200) and a
    # POST is refused as a wrong state (409), for the lead authority only.
    **{
        f"providers:window-{correction}": _lead_page(
            "window", 200, 409, "providers.EvaluationWindow"
        )
        for correction in ("reschedule", "cancel", "open-now", "close-early")
    },
    "providers:application-queue": _lead_page(None, 302),  # to the queue of what awaits you
    "providers:evaluation-detail": _lead_page("application", 200),
    "providers:evaluation-record": _lead_page(
        "application", 200, 400, "providers.EvaluatorDecision"
    ),
    # Not yet evaluated by two: the page says why instead of a form, and a POST is refused (409).
    "providers:moderation": _lead_page("application", 200, 409, "providers.Moderation"),
    "providers:clarification-ask": _lead_page("application", 200, 200, CLARIFICATION),
    "providers:clarification-withdraw": _lead_page("clarification", 405, 302, CLARIFICATION),
    "providers:membership-list": _lead_page(None, 200),
    "providers:membership-change": _lead_page("membership", 200, 200, MEMBERSHIP),
    "providers:setting-list": _provider_page(200),
    # A visit gets its submission key in its address first (fps_portal.once): Back keeps it.
    "providers:setting-create": _provider_page(302, 200, SETTING),
    # Authority staff read every member's setting; a forum member is sent to the forum's page.
    "providers:setting-detail": Row(
        ids="setting",
        get=expect(providers=Own(200), authorities=Found(200), forum=302),
    ),
    "providers:setting-edit": _provider_object_page("setting", 200, 200, SETTING),
    # The world's settings were submitted in applications still awaiting an outcome: deleting is
    # refused (409), and so is withdrawing until that application is decided.
    "providers:setting-delete": _provider_object_page("setting", 200, 409, SETTING),
    "providers:setting-withdraw": _provider_object_page("setting", 200, 409, SETTING),
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
    # Only the lead authority decides a change to an approved price (the empty form: 400).
    "providers:price-change-list": _lead_page(None, 200),
    "providers:price-change": _lead_page("price_change", 200, 400, PRICE_CHANGE),
    "providers:find-a-setting": Row(get=expect(authorities=200)),
    "providers:find-a-setting-csv": Row(get=expect(authorities=200)),
    "providers:find-a-setting-xlsx": Row(get=expect(authorities=200)),
    # The forum's pages are public: the approved list and figures, no price, no personal data.
    "providers:forum-directory": Row(get=public()),
    "providers:forum-setting": Row(ids="setting", get=public(Active(200))),
    "providers:forum-figures": Row(get=public()),
    "providers:about-the-fps": Row(get=public()),
}

# -- the providers app's API ----------------------------------------------------------------------


def _evaluators_only(ok: Answer) -> Expect:
    """Lead evaluators act on any provider's object; every other role is refused (403)."""
    return expect(providers=REFUSED, lead=Found(ok))


def _providers_only(ok: Answer) -> Expect:
    """The provider acts on its own object (the other's is 404); every other role is refused."""
    return expect(providers=Own(ok), lead=REFUSED)


API: dict[str, Row] = {
    "lot-list": Row(get=signed_in(200)),
    "lot-detail": Row(ids="lot", get=signed_in(Found(200))),
    # The purchasing system and its timetable are public reference data for every account; only
    # the lead authority's evaluators change them.
    "purchasing-system-list": Row(
        get=signed_in(200),
        writes={"POST": expect(lead=201)},
        body=lambda w, s, a: SYSTEM_BODY,
        touches=("providers.PurchasingSystem",),
    ),
    "purchasing-system-detail": Row(
        ids="purchasing_system",
        get=signed_in(Found(200)),
        writes={"PUT": expect(REFUSED, lead=Found(200)), "PATCH": signed_in(405)},
        body=lambda w, s, a: SYSTEM_BODY,
        touches=("providers.PurchasingSystem",),
    ),
    "purchasing-system-lots": Row(
        ids="purchasing_system",
        writes={"POST": expect(REFUSED, lead=Found(201))},
        body=lambda w, s, a: {"code": "M9", "name": "Added lot", "starts_on": "2027-09-01"},
        touches=("providers.Lot",),
    ),
    "window-list": Row(
        get=signed_in(200),
        writes={"POST": expect(lead=201)},
        body=lambda w, s, a: {
            "purchasing_system": w.purchasing_system,
            "name": "Matrix round two",
            "opens_at": in_days(30),
            "closes_at": in_days(40),
            "evaluation_deadline": in_days(90),
        },
        touches=("providers.EvaluationWindow",),
    ),
    "window-detail": Row(ids="window", get=signed_in(Found(200))),
    # Two applications still await an outcome, so even the lead authority cannot complete it.
    "window-complete": Row(
        ids="window",
        writes={"POST": expect(REFUSED, lead=Found(409))},
        touches=("providers.EvaluationWindow",),
    ),
    # The world's window is closed for evaluation, so every correction is a wrong state even for
    # the lead authority; every other role is refused before the body is read.
    **{
        f"window-{correction}": Row(
            ids="window",
            writes={"POST": expect(REFUSED, lead=Found(409))},
            body=lambda w, s, a: {"reason": "Matrix correction", "name": "Matrix round"},
            touches=("providers.EvaluationWindow",),
        )
        for correction in ("reschedule", "cancel", "open-now", "close-early")
    },
    # Authorities see members' setting-level evidence only, never insurance (the world's); a
    # forum and the administrator see none (an empty list).
    "evidence-list": Row(
        get=signed_in(200),
        lists="evidence-detail",
        writes={"POST": expect(providers=400)},
        touches=("providers.Evidence",),
    ),
    "evidence-detail": Row(ids="evidence", get=expect(404, providers=Own(200), lead=Found(200))),
    "application-list": Row(
        get=expect(providers=200, lead=200),
        lists="application-detail",
        writes={"POST": expect(providers=409)},  # the window has closed
        body=lambda w, s, a: {"purchasing_system": w.purchasing_system, "window": w.window},
        touches=(APPLICATION,),
    ),
    "application-detail": Row(ids="application", get=expect(providers=Own(200), lead=Found(200))),
    "application-results": Row(ids="application", get=expect(providers=Own(200), lead=Found(200))),
    "application-scope": Row(
        ids="application",
        writes={"PUT": _providers_only(409)},
        body=lambda w, s, a: {"lots": [s.application_lot], "settings": [s.setting.pk]},
        touches=(APPLICATION,),
    ),
    "application-evidence": Row(
        ids="application",
        writes={"PUT": _providers_only(409)},
        body=lambda w, s, a: {"evidence": []},
        touches=(APPLICATION,),
    ),
    "application-prices": Row(
        ids="application",
        writes={"PUT": _providers_only(409)},
        body=lambda w, s, a: {
            "prices": [
                {"setting": s.setting.pk, "lot": s.application_lot, "weekly_price": "3300.00"}
            ]
        },
        touches=("providers.ApplicationPrice",),
    ),
    "application-service-prices": Row(
        ids="application",
        writes={"POST": _providers_only(409)},
        body=lambda w, s, a: {"setting": s.setting.pk, "name": "1:1", "unit": "hour", "rate": "30"},
        touches=("providers.ApplicationServicePrice",),
    ),
    "application-declarations": Row(
        ids="application",
        writes={"PUT": _providers_only(409)},
        body=lambda w, s, a: {"accurate": True, "no_exclusion_grounds": True, "safeguarding": True},
        touches=(APPLICATION,),
    ),
    "application-submit": Row(
        ids="application", writes={"POST": _providers_only(409)}, touches=(APPLICATION,)
    ),
    "application-withdraw": Row(
        ids="application",
        writes={"POST": _providers_only(409)},
        body=lambda w, s, a: {"reason": "Matrix"},
        touches=(APPLICATION,),
    ),
    "application-agreement": Row(
        ids="application",
        writes={"POST": _providers_only(409)},  # not passed (yet)
        body=lambda w, s, a: {"signatory_name": "Sam Signer", "signatory_role": "Director"},
        touches=(MEMBERSHIP,),
    ),
    # The agreement's versions: providers and authority staff read them; forums are refused.
    "agreement-document-list": Row(
        get=expect(200, forum=REFUSED, admin=REFUSED), lists="agreement-document-detail"
    ),
    "agreement-document-detail": Row(
        ids="agreement_document", get=expect(Found(200), forum=REFUSED, admin=REFUSED)
    ),
    "application-evaluation": Row(
        ids="application",
        writes={"POST": _evaluators_only(200)},
        body=lambda w, s, a: {
            "decisions": [{"result": r, "verdict": "pass", "reason": "Seen."} for r in s.results]
        },
        touches=("providers.EvaluatorDecision",),
    ),
    "application-moderation": Row(
        ids="application",
        writes={"POST": _evaluators_only(409)},  # nobody has evaluated yet
        body=lambda w, s, a: {"reason": "Agreed.", "resolutions": []},
        touches=("providers.Moderation", APPLICATION),
    ),
    "application-clarifications": Row(
        ids="application",
        writes={"POST": _evaluators_only(201)},
        body=lambda w, s, a: {"question": "Which insurer?", "due_at": in_days(3)},
        touches=(CLARIFICATION,),
    ),
    "clarification-list": Row(get=expect(providers=200, lead=200), lists="clarification-detail"),
    "clarification-detail": Row(
        ids="clarification", get=expect(providers=Own(200), lead=Found(200))
    ),
    "clarification-answer": Row(
        ids="clarification",
        writes={"POST": _providers_only(200)},
        body=lambda w, s, a: {"answer": "Zurich, until next May."},
        touches=(CLARIFICATION,),
    ),
    # Every authority may see which providers are members (and a forum the active ones); the
    # platform administrator and an authority administrator (who does no casework) none (an
    # empty list, any membership as if missing). Only the lead authority
    # suspends and reinstates; a provider may withdraw its own active membership, never its
    # suspended one.
    "membership-list": Row(
        get=expect(providers=200, authorities=200, forum=200, admin=200, accounts=200),
        lists="membership-detail",
    ),
    "membership-detail": Row(
        ids="membership",
        get=expect(
            providers=Own(200), authorities=Found(200), forum=Active(200), admin=404, accounts=404
        ),
    ),
    "membership-change": Row(
        ids="membership",
        writes={
            "POST": expect(
                providers=Own(200),
                authorities=REFUSED,
                lead=Found(200),
                forum=REFUSED,
                admin=REFUSED,
            )
            # Y is suspended already, so suspending it again is the wrong state; so is Y's own
            # withdrawal from a suspension.
            | {LEAD_EVALUATOR_A: {"X": 200, "Y": 409, "missing": 404}}
            | {PROVIDER_Y: {"X": 404, "Y": 409, "missing": 404}}
        },
        body=lambda w, s, a: (
            {"action": "withdraw", "reason": "Closing the school."}
            if a in PROVIDERS
            else {"action": "suspend", "reason": "Insurance lapsed.", "review_on": in_days(30)[:10]}
        ),
        touches=(MEMBERSHIP,),
    ),
    # Settings: authorities and forums read members' settings (a forum without prices), a
    # provider its own; only the provider changes its own. The administrator sees none, so any
    # setting is to them as a missing one.
    "setting-list": Row(
        get=expect(providers=200, authorities=200, forum=200),
        writes={"POST": expect(providers=201)},
        body=lambda w, s, a: {
            "name": "New School",
            "postcode": "CW1 2AB",
            "age_from": 5,
            "age_to": 16,
            "specialisms": ["semh"],  # a setting needs an area of need
        },
        touches=(SETTING,),
    ),
    "setting-detail": Row(
        ids="setting",
        get=expect(providers=Own(200), authorities=Found(200), forum=Active(200)),
        writes={
            # The administrator sees no organisation's settings, so to them any is missing.
            "PATCH": expect(
                REFUSED,
                providers=Own(200),
                forum=REFUSED,
                admin=REFUSED,
            ),
            # The world's settings were submitted in applications: deleting is refused (409),
            # as on the page; the provider withdraws them instead.
            "DELETE": expect(REFUSED, providers=Own(409), forum=REFUSED, admin=REFUSED),
        },
        body=lambda w, s, a: {"vacancies": 1},
        touches=(SETTING,),
    ),
    # Their applications are still undecided, so withdrawing waits for the outcome (409).
    "setting-withdraw": Row(
        ids="setting",
        writes={"POST": expect(REFUSED, providers=Own(409), forum=REFUSED, admin=REFUSED)},
        body=lambda w, s, a: {"reason": "The school closed."},
        touches=(SETTING, "providers.SettingLot"),
    ),
    "setting-prices": Row(
        ids="setting",
        writes={
            "POST": expect(
                REFUSED,
                providers=Own(200),
                forum=REFUSED,
                admin=REFUSED,
            )
        },
        body=lambda w, s, a: {"lot": w.lot.code, "weekly_price": "3300.00"},
        touches=("providers.SettingLot",),
    ),
    "setting-judgements": Row(
        ids="setting",
        writes={
            "POST": expect(
                REFUSED,
                providers=Own(201),
                lead=Found(201),
                forum=REFUSED,
                admin=REFUSED,
            )
        },
        body=lambda w, s, a: {
            "framework": "ofsted_4point",
            "inspection_start_date": "2025-01-10",
            "grades": {"overall_effectiveness": "4"},
        },
        touches=(JUDGEMENT, SETTING),
    ),
    # A forum never sees a report awaiting check (404); a provider cannot check its own (403).
    "setting-judgement-check": Row(
        ids="setting_judgement",
        writes={
            "POST": expect(
                REFUSED,
                providers=REFUSED,
                lead=Found(200),
                forum=REFUSED,
                admin=REFUSED,
            )
        },
        body=lambda w, s, a: {"outcome": "confirmed", "reason": "Matches the published report."},
        touches=(JUDGEMENT, SETTING),
    ),
    # Price changes: the lead authority reads and decides every one, a provider reads its own;
    # nobody else reads a proposed price at all.
    "price-change-list": Row(get=expect(providers=200, lead=200), lists="price-change-detail"),
    "price-change-detail": Row(ids="price_change", get=expect(providers=Own(200), lead=Found(200))),
    "price-change-decision": Row(
        ids="price_change",
        writes={"POST": _evaluators_only(200)},
        body=lambda w, s, a: {"outcome": "refused", "reason": "Not justified."},
        touches=(PRICE_CHANGE, "providers.SettingLot"),
    ),
}

# -- issue 11: the provider's side of a referral ----------------------------------------------

INVITATION = "referrals.Invitation"
RESPONSE = "referrals.Response"
QUESTION = "referrals.ReferralQuestion"


def _authority_placers(ok: Answer) -> Expect:
    """The placing roles (commissioners, senior managers) of the referral's own authority: A's
    ("X") for A's, B's ("Y") for B's commissioner; every other role is refused."""
    own_a: Cell = {"X": ok, "Y": 404, "missing": 404}
    own_b: Cell = {"X": 404, "Y": ok, "missing": 404}
    return expect(lead=403) | {
        COMMISSIONER_A: own_a,
        SENIOR_MANAGER_A: own_a,
        COMMISSIONER_B: own_b,
    }


# -- the referrals app: referrals and their routes -------------------------------------------------
# Authority A's commissioner and senior manager and B's commissioner place children: each reads
# and acts on its own authority's referral (A's is the "X" case, B's the "Y" case) and gets 404
# for the other's; every other role is refused (403) whatever the id. The world's referrals are
# drafts not ready to publish, so forms posted empty (and publishing) are 400.


def _own_referral(ok: Answer) -> dict[str, Cell]:
    mine = {"X": ok, "Y": 404, "missing": 404}
    return {
        COMMISSIONER_A: mine,
        SENIOR_MANAGER_A: mine,
        COMMISSIONER_B: {"X": 404, "Y": ok, "missing": 404},
    }


def _placing(ok: Answer) -> Expect:
    """A route without an id: the same answer for each placing actor, 403 for everyone else."""
    return expect() | {COMMISSIONER_A: ok, COMMISSIONER_B: ok, SENIOR_MANAGER_A: ok}


def _referral_page(ok_get: Answer, ok_post: Answer | None = None, *touches: str) -> Row:
    return Row(
        ids="referral",
        get=expect() | _own_referral(ok_get),
        writes={} if ok_post is None else {"POST": expect() | _own_referral(ok_post)},
        touches=touches or (REFERRAL,),
    )


REFERRAL = "referrals.Referral"
ROUTE_CASE = "referrals.RouteCase"


def _referral_body(world: World, side: object, actor: str) -> dict[str, object]:
    rows = world.referral_rows
    assert rows is not None
    return {
        "child": rows.children[1 if actor == COMMISSIONER_B else 0],
        "route": "open_competition",
        "lot": world.lot.pk,
        "start_date": in_days(40)[:10],
    }


REFERRAL_PAGES: dict[str, Row] = {
    # The provider's invitations: its own only (the other provider's is 404, as a missing one).
    "referrals:invitation-list": _provider_page(200),
    # Posted empty, the choice of setting is missing (400).
    "referrals:invitation-detail": _provider_object_page("invitation", 200, 400, RESPONSE),
    "referrals:invitation-decline": _provider_object_page("invitation", 200, 400, INVITATION),
    # Not declined: nothing to undo; the page says so and goes back to the invitation.
    "referrals:invitation-reopen": _provider_object_page("invitation", 405, 302, INVITATION),
    "referrals:invitation-question": _provider_object_page("invitation", 200, 400, QUESTION),
    "referrals:invitation-document": Row(ids="invitation_document", get=expect(providers=Own(200))),
    # An empty form saves the draft's fields empty (a draft may be incomplete).
    "referrals:response-edit": _provider_object_page("response", 200, 302, RESPONSE),
    # Incomplete, a draft, a draft: each refused with a message on the response's page.
    "referrals:response-submit": _provider_object_page("response", 405, 302, RESPONSE),
    "referrals:response-withdraw": _provider_object_page("response", 405, 302, RESPONSE),
    "referrals:response-resubmit": _provider_object_page("response", 405, 302, RESPONSE),
    "referrals:response-service-add": _provider_object_page(
        "response", 200, 400, "referrals.ResponseService"
    ),
    "referrals:response-service-remove": Row(
        ids="response_service",
        get=expect(providers=405),
        writes={"POST": expect(providers=Own(302))},
        touches=("referrals.ResponseService",),
    ),
    "referrals:response-attachment-add": _provider_object_page(
        "response", 200, 400, "referrals.ResponseAttachment"
    ),
    "referrals:response-attachment": Row(ids="response_attachment", get=expect(providers=Own(200))),
    "referrals:response-attachment-remove": Row(
        ids="response_attachment",
        get=expect(providers=405),
        writes={"POST": expect(providers=Own(302))},
        touches=("referrals.ResponseAttachment",),
    ),
    # The authority's page of its referral's questions; the answer posted empty is 400.
    "referrals:referral-questions": Row(ids="question_referral", get=_authority_placers(200)),
    "referrals:referral-question-answer": Row(
        ids="referral_question",
        get=_authority_placers(200),
        writes={"POST": _authority_placers(400)},
        touches=(QUESTION,),
    ),
    "referrals:referral-list": Row(get=_placing(200)),
    # A visit gets its submission key in its address first (fps_portal.once).
    "referrals:referral-create": Row(
        get=_placing(302), writes={"POST": _placing(400)}, touches=(REFERRAL,)
    ),
    "referrals:referral-detail": _referral_page(200),
    "referrals:referral-edit": _referral_page(200, 400),
    "referrals:referral-criteria": _referral_page(200, 400, "referrals.Criterion"),
    # POST only: a GET is refused (405) before the referral is looked up.
    "referrals:referral-criterion-remove": Row(
        ids="referral_criterion",
        get=_placing(405),
        writes={"POST": expect() | _own_referral(302)},
        touches=("referrals.Criterion",),
    ),
    "referrals:referral-scale": _referral_page(200, 400, "referrals.ScaleDescriptor"),
    # The world's referrals are open competitions: no shortlist (the page says why; 409).
    "referrals:referral-shortlist": _referral_page(200, 409, "referrals.ShortlistEntry"),
    "referrals:referral-publish": _referral_page(200, 400, REFERRAL, "referrals.Invitation"),
    "referrals:referral-return": _referral_page(200, 400),
    "referrals:referral-withdraw": _referral_page(200, 400),
    "referrals:referral-close": _referral_page(200, 400),
    # A mini-competition has no case to authorise: the page says so, a POST is 409.
    "referrals:referral-route-case": _referral_page(200, 409, ROUTE_CASE),
    # The world's direct awards await authorisation, so their review cannot be recorded yet
    # (409); posted empty, the form is refused first (400).
    "referrals:referral-review": Row(
        ids="direct_award",
        get=expect() | _own_referral(200),
        writes={"POST": expect() | _own_referral(400)},
        touches=(ROUTE_CASE,),
    ),
    # The senior managers' queue; only a head of service or director decides (A's is a DCS).
    "referrals:authorisation-list": Row(get=expect() | {SENIOR_MANAGER_A: 200}),
    "referrals:authorisation-decide": Row(
        ids="direct_award",
        get=expect() | {SENIOR_MANAGER_A: {"X": 200, "Y": 404, "missing": 404}},
        writes={"POST": expect() | {SENIOR_MANAGER_A: {"X": 400, "Y": 404, "missing": 404}}},
        touches=(ROUTE_CASE, REFERRAL),
    ),
}


def _referral_action(method: str, ok: Answer, *touches: str) -> Row:
    return Row(
        ids="referral",
        writes={method: expect() | _own_referral(ok)},
        body=lambda w, s, a: {},
        touches=touches or (REFERRAL,),
    )


ROUTE_API: dict[str, Row] = {
    "referral-list": Row(
        get=_placing(200),
        lists="referral-detail",
        writes={"POST": _placing(201)},
        body=_referral_body,
        touches=(REFERRAL,),
    ),
    "referral-detail": Row(
        ids="referral",
        get=expect() | _own_referral(200),
        writes={"PUT": expect() | _own_referral(200)},
        body=_referral_body,
        touches=(REFERRAL,),
    ),
    # The world's drafts are not ready (400); posted empty, every action's input is invalid.
    "referral-publish": _referral_action("POST", 400, REFERRAL, "referrals.Invitation"),
    "referral-return": _referral_action("POST", 400),
    "referral-withdraw": _referral_action("POST", 400),
    "referral-close": _referral_action("POST", 400),
    "referral-criteria": _referral_action("PUT", 400, "referrals.Criterion"),
    "referral-scale": _referral_action("PUT", 400, "referrals.ScaleDescriptor"),
    "referral-shortlist": _referral_action("PUT", 400, "referrals.ShortlistEntry"),
    "referral-route-case": _referral_action("POST", 400, ROUTE_CASE),
    # The world's direct awards await authorisation, so their review cannot be recorded yet.
    "referral-review": Row(
        ids="direct_award",
        writes={"POST": expect() | _own_referral(409)},
        body=lambda w, s, a: {"outcome": "kept"},
        touches=(ROUTE_CASE,),
    ),
    # The authority's questions, with who asked; an answer posted empty is 400, nothing written.
    "referral-questions": Row(ids="question_referral", get=_authority_placers(200)),
    "referral-question-answer": Row(
        ids="referral_question",
        writes={"POST": _authority_placers(400)},
        body=lambda w, s, a: {},
        touches=(QUESTION,),
    ),
    # Only a head of service or director (A's senior manager, a DCS) may attempt these; every
    # other role is refused before the body is read, whatever the id.
    "referral-authorise": Row(
        ids="direct_award",
        writes={"POST": expect() | {SENIOR_MANAGER_A: {"X": 200, "Y": 404, "missing": 404}}},
        body=lambda w, s, a: {"note": "Agreed."},
        touches=(ROUTE_CASE,),
    ),
    # Refusing needs written reasons: posted empty it is 400, nothing changed.
    "referral-refuse": Row(
        ids="direct_award",
        writes={"POST": expect() | {SENIOR_MANAGER_A: {"X": 400, "Y": 404, "missing": 404}}},
        body=lambda w, s, a: {},
        touches=(ROUTE_CASE, REFERRAL),
    ),
}


def _invitee(ok: Answer) -> Expect:
    """The invited provider on its own object (the other's is 404); every other role 403."""
    return expect(providers=Own(ok))


REFERRAL_API: dict[str, Row] = {
    "invitation-list": Row(get=expect(providers=200), lists="invitation-detail"),
    "invitation-detail": Row(ids="invitation", get=_invitee(200)),
    "invitation-decline": Row(
        ids="invitation",
        writes={"POST": _invitee(200)},
        body=lambda w, s, a: {"reason": "no_vacancy"},
        touches=(INVITATION,),
    ),
    "invitation-reopen": Row(
        ids="invitation", writes={"POST": _invitee(409)}, touches=(INVITATION,)
    ),  # not declined
    "invitation-questions": Row(
        ids="invitation",
        writes={"POST": _invitee(201)},
        body=lambda w, s, a: {"question": "Is transport included?"},
        touches=(QUESTION,),
    ),
    # The body names X's invitation and setting: X's draft answers (one per setting); Y may not
    # see X's invitation.
    "response-list": Row(
        get=expect(providers=200),
        lists="response-detail",
        writes={"POST": expect(providers=201) | {PROVIDER_Y: 404}},
        body=lambda w, s, a: {"invitation": s.invitation, "setting": s.setting.pk},
        touches=(RESPONSE,),
    ),
    "response-detail": Row(
        ids="response",
        get=_invitee(200),
        writes={"PATCH": _invitee(200)},
        body=lambda w, s, a: {"how_outcomes_met": "Termly reviews."},
        touches=(RESPONSE,),
    ),
    "response-submit": Row(
        ids="response", writes={"POST": _invitee(400)}, touches=(RESPONSE,)
    ),  # incomplete
    "response-withdraw": Row(
        ids="response", writes={"POST": _invitee(409)}, touches=(RESPONSE,)
    ),  # a draft
    "response-resubmit": Row(
        ids="response", writes={"POST": _invitee(409)}, touches=(RESPONSE,)
    ),  # a draft
    "response-services": Row(
        ids="response",
        writes={"POST": _invitee(201)},
        body=lambda w, s, a: {
            "name": "Escort",
            "unit": "journey",
            "rate": "18.50",
            "quantity": "2",
        },
        touches=("referrals.ResponseService",),
    ),
    "response-remove-service": Row(
        ids="response",
        writes={"POST": _invitee(200)},
        body=lambda w, s, a: {"id": s.response_service},
        touches=("referrals.ResponseService",),
    ),
    # JSON without a file: 400 naming it.
    "response-attachments": Row(
        ids="response",
        writes={"POST": _invitee(400)},
        body=lambda w, s, a: {"title": "Plan"},
        touches=("referrals.ResponseAttachment",),
    ),
    "response-remove-attachment": Row(
        ids="response",
        writes={"POST": _invitee(200)},
        body=lambda w, s, a: {"id": s.response_attachment},
        touches=("referrals.ResponseAttachment",),
    ),
}

# -- the referrals app: children's records ------------------------------------------------------
#
# Only the placing authority's commissioners and senior managers (A's two, and B's commissioner)
# use these routes; every other role is refused (403) whatever the id. Each sees its own
# authority's child ("X" is A's, "Y" is B's); the other authority's is 404 like a missing one.

CHILD = "referrals.Child"
CHILD_DOCUMENT = "referrals.ChildDocument"


def _placing_own(ok: Answer) -> Expect:
    """A child's (or its document's) route: `ok` for the placing actor's own authority's."""
    a_side: Cell = {"X": ok, "Y": 404, "missing": 404}
    b_side: Cell = {"X": 404, "Y": ok, "missing": 404}
    return {**expect(), COMMISSIONER_A: a_side, SENIOR_MANAGER_A: a_side, COMMISSIONER_B: b_side}


def _child_body(world: object, side: object, actor: str) -> dict[str, object]:
    return {
        "given_name": "Matrix",
        "family_name": "Child",
        "date_of_birth": "2015-05-05",
        "case_number": "MATRIX-1",
        "gender": "male",
        "legal_status": "ehcp_only",
        "caseworker_name": "Casey Worker",
        "caseworker_email": "casey@example.org",
        "primary_need": "ASD",
        "home_postcode": "L20 3NJ",
    }


CHILDREN: dict[str, Row] = {
    "referrals:child-list": Row(get=_placing(200)),
    # A visit gets its submission key in its address first (fps_portal.once); posted empty, 400.
    "referrals:child-create": Row(
        get=_placing(302), writes={"POST": _placing(400)}, touches=(CHILD,)
    ),
    "referrals:child-detail": Row(ids="child", get=_placing_own(200)),
    "referrals:child-edit": Row(
        ids="child", get=_placing_own(200), writes={"POST": _placing_own(400)}, touches=(CHILD,)
    ),
    "referrals:child-export": Row(ids="child", get=_placing_own(200)),
    "referrals:child-document-upload": Row(
        ids="child",
        get=_placing_own(302),
        writes={"POST": _placing_own(400)},
        touches=(CHILD_DOCUMENT,),
    ),
    "referrals:child-document-download": Row(ids="child_document", get=_placing_own(200)),
    # The confirmation; posted, the document is removed (the world is rolled back after).
    "referrals:child-document-remove": Row(
        ids="child_document",
        get=_placing_own(200),
        writes={"POST": _placing_own(302)},
        touches=(CHILD_DOCUMENT,),
    ),
    # The authority's administrator sets its placement rules; posted empty, 400.
    "referrals:placement-rules": Row(
        get=expect(accounts=200),
        writes={"POST": expect(accounts=400)},
        touches=("referrals.AuthorityPlacementRules",),
    ),
    "child-list": Row(
        get=_placing(200),
        writes={"POST": _placing(201)},
        body=_child_body,  # type: ignore[arg-type]
        touches=(CHILD,),
        lists="child-detail",
    ),
    "child-detail": Row(
        ids="child",
        get=_placing_own(200),
        writes={"PUT": _placing_own(200)},
        body=_child_body,  # type: ignore[arg-type]
        touches=(CHILD,),
    ),
    # A JSON body without a file: 400 on one's own child.
    "child-documents": Row(
        ids="child",
        get=_placing_own(200),
        writes={"POST": _placing_own(400)},
        touches=(CHILD_DOCUMENT,),
    ),
    "child-document-detail": Row(
        ids="child_document",
        get=_placing_own(200),
        writes={"DELETE": _placing_own(204)},
        touches=(CHILD_DOCUMENT,),
    ),
    "child-document-download": Row(ids="child_document", get=_placing_own(200)),
}

#: Every route's row, by URL name.
TABLE: dict[str, Row] = {
    **PORTAL,
    **PAGES,
    **API,
    **REFERRAL_PAGES,
    **REFERRAL_API,
    **ROUTE_API,
    **CHILDREN,
    **AWARD_PAGES,
    **AWARD_API,
    **CONTRACT_PAGES,
    **CONTRACT_API,
    # Ofsted imports (issue 13, ofsted).
    **IMPORT_PAGES,
    **IMPORT_API,
    **QUALITY_PAGES,
    **QUALITY_API,
    **RECHECK_PAGES,
    **RECHECK_API,
    **VISIT_PAGES,
    **VISIT_API,
    # Quarterly contract monitoring (issue 14, qamonitor).
    **MONITORING_PAGES,
    **MONITORING_API,
    # Improvement plans (issue 14, branch qaplan).
    **PLAN_PAGES,
    **PLAN_API,
    **CONCERN_PAGES,
    **CONCERN_API,
}
