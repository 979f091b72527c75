"""The API fuzzing gate: schemathesis generates requests for every operation of the OpenAPI schema
and sends them to the WSGI application in-process (no server), with the tokens of two
authorities (the lead authority's evaluator and another authority's commissioner), a provider
and a forum member, against a small world of data (tests/api/world.py).

Every answer must be no server error, conform to the schema (status code, content type and body,
errors included: every operation documents them), and no authorisation bypass: provider P never
reads or changes provider Q's objects, the other authority reads no application, and a forum
member never writes and never reads a reason, a signatory or a price.

Deterministic: Hypothesis is derandomised with no example database, and path ids are drawn from
the world's objects in a fixed order. Run it alone with

    .venv/bin/pytest tests/api/test_fuzzing.py -p no:cacheprovider

(FUZZ_EXAMPLES=200 for a longer hunt; the default keeps the gate to about two minutes).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import ignored_auth, negative_data_rejection

from fps_portal.accounts.models import ApiClient, Membership, Role
from tests.api.test_response_keys import NEVER_FOR_FORUMS
from tests.api.world import World, build_world

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "5"))
# Derandomised with no example database: the same examples every run, and no failure replayed
# from a previous one. No shrinking: the first failing example is reported as it was found.
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

# Who holds each token: the lead authority's evaluator (authority A), another authority's
# commissioner (authority B), provider P's user, and a forum member.
CALLERS = {
    "lead_authority": Role.LEAD_EVALUATOR.value,
    "other_authority": Role.COMMISSIONER.value,
    "provider": Role.PROVIDER_USER.value,
    "forum": Role.FORUM_MEMBER.value,
    # Sefton's administrator, by browser session (their endpoints take no token, ADR 0015).
    "accounts": Role.AUTHORITY_ADMIN.value,
}
#: The authority administrator's collections (/api/v1/people/, /api/v1/api-clients/).
ACCOUNTS_ONLY = ("people", "api-clients")

# Collections whose objects belong to one provider (by the first path segment after /api/v1/).
PROVIDER_OWNED = (
    "applications",
    "evidence",
    "settings",
    "clarifications",
    "memberships",
    "invitations",
    "responses",
    "rechecks",
    "monitoring-returns",
)
#: What a commissioner writes through the API: its own authority's casework.
OWN_CASEWORK = ("referrals", "awards", "variations", "placement-ends", "concerns")
LEAD_ONLY_WRITES = (
    ("purchasing-systems", None),
    ("windows", None),
    ("applications", "evaluation"),
    ("applications", "moderation"),
    ("applications", "clarifications"),
    ("settings", "check"),
    ("price-changes", "decision"),
    ("inspection-imports", None),
    ("rechecks", "review"),
)
# contracts: orders and agreements. Only the two parties reach them: of the callers, provider P
# (the world's agreement is its own) and the commissioner of the placing authority, who issues,
# signs and withdraws versions of its own authority's agreements.
AGREEMENT_COLLECTIONS = ("orders", "agreements")
AGREEMENT_PARTIES = ("provider", "other_authority")
OWN_CASEWORK = (*OWN_CASEWORK, "agreements")
# Children's records: only a placing authority's commissioners and senior managers use them (of
# the callers, the other authority's commissioner, who writes its own and never reaches the lead
# authority's neighbour's, Knowsley's, child).
CHILD_COLLECTIONS = ("children", "child-documents")


def _world_ids(world: World) -> list[int]:
    """Every id a path may name: each object of the world (its own and the other provider's),
    and one that exists nowhere."""
    objects = [
        world.system,
        world.agreement_document,
        world.lot,
        world.window,
        world.application,
        world.other_application,
        world.clarification,
        world.membership,
        world.setting,
        world.other_setting,
        world.judgement,
        world.price_change,
        world.evidence,
        world.other_evidence,
        # People and an API client: the administrator's own authority's and others'.
        world.users[Role.COMMISSIONER.value],
        world.users[Role.LEAD_EVALUATOR.value],
        world.other_authority_commissioner,
        world.users[Role.SENIOR_MANAGER.value].memberships.get(),
        world.other_authority_commissioner.memberships.get(),
        world.api_client,
        world.invitation,
        world.other_invitation,
        world.response,
        world.other_response,
        world.child,
        world.child_document,
        world.other_child,
        world.other_child_document,
        world.referral,
        world.other_referral,
    ]
    # The evaluation and award routes' objects (tests/referrals/awards/matrix.py).
    return [*sorted({o.pk for o in objects if o is not None} | set(world.ids.values())), 987654]


def _forbidden(caller: str, world: World) -> dict[str, set[int]]:
    """Provider Q's objects, by collection, that this caller may never reach. The lead
    authority's evaluators see every provider's settings and evidence, but an application only
    once it is submitted (Q's is a draft); nobody else sees any of Q's."""
    # Q's invitation and response are Q's alone (an authority reads no invitation through
    # this API, and a response only once the referral has closed).
    competition = {
        "invitations": {world.other_invitation.pk},
        "responses": {world.other_response.pk},
    }
    if caller == "lead_authority":
        return {"applications": {world.other_application.pk}, **competition}
    return {
        "applications": {world.other_application.pk},
        "evidence": {world.other_evidence.pk},
        "settings": {world.other_setting.pk},
        **competition,
    }


@pytest.fixture
def world() -> World:
    return build_world()


@pytest.fixture
def _connection_kept_open() -> Iterator[None]:
    """The WSGI handler closes the database connection after each request (it sees a
    transaction open); the test's transaction must survive, as Django's test client ensures."""
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (signals.request_started, signals.request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def api_schema(world: World, _connection_kept_open: None) -> Any:
    from fps_portal.wsgi import application

    config = schemathesis.Config.from_dict(
        {
            "generation": {
                "mode": "all",
                "deterministic": True,
                "database": "none",
                "with-security-parameters": False,
                "max-examples": EXAMPLES,
            },
            # Every built-in check but one: a well-formed id that names no object (or a filter a
            # role may not use, like a forum's price) is refused with a 400 naming the field,
            # which a schema cannot express; schema-violating input must still be refused.
            "checks": {"positive_data_acceptance": {"enabled": False}},
        }
    )
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application, config=config)
    ids = _world_ids(world)

    def flatmap_path_parameters(context: Any, path_parameters: dict[str, Any]) -> Any:
        # A well-formed id becomes one of the world's objects (or the missing one), so the
        # requests reach real objects, the caller's own and another's; a malformed one stays.
        if not path_parameters or not all(isinstance(v, int) for v in path_parameters.values()):
            return st.just(path_parameters)
        return st.fixed_dictionaries({k: st.sampled_from(ids) for k in path_parameters})

    schema.hooks.register_hook_with_name(flatmap_path_parameters, "flatmap_path_parameters")
    return schema


def _keys_at_every_depth(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys_at_every_depth(v)}
    if isinstance(value, list):
        return {k for item in value for k in _keys_at_every_depth(item)}
    return set()


def _assert_no_bypass(caller: str, world: World, case: Any, response: Any) -> None:
    method = case.method.upper()
    parts = case.formatted_path.strip("/").split("/")[2:]  # after api/v1
    collection = parts[0] if parts else ""
    action = parts[2] if len(parts) > 2 else None
    ok = 200 <= response.status_code < 300
    role = CALLERS[caller]
    if not ok:
        return
    _assert_only_the_parties(caller, world, collection, parts)
    if collection in ACCOUNTS_ONLY:
        assert caller == "accounts", f"{role} used the administrator's {collection}"
        _assert_own_authority(world, parts)
    elif caller == "accounts":
        assert method not in WRITE_METHODS, "an administrator changed casework"
    if caller == "forum":
        assert method not in WRITE_METHODS, "a forum member changed something"
        try:
            body = response.json()
        except ValueError:
            body = None
        leaked = _keys_at_every_depth(body) & NEVER_FOR_FORUMS
        assert not leaked, f"a forum member read {sorted(leaked)}"
        assert collection != "agreement-documents", "a forum member read the agreement"
    if caller != "lead_authority" and method in WRITE_METHODS:
        lead_only = any(collection == c and (a is None or a == action) for c, a in LEAD_ONLY_WRITES)
        assert not lead_only, f"{role} did what only the lead authority's evaluators may"
    if collection in CHILD_COLLECTIONS:
        assert caller == "other_authority", f"{role} used a child's record"
        knowsley = {
            "children": world.other_child.pk,
            "child-documents": world.other_child_document.pk,
        }[collection]
        assert not (len(parts) > 1 and parts[1] == str(knowsley)), "reached Knowsley's child"
        try:
            body = response.json()
        except ValueError:
            body = None
        results = body.get("results", []) if isinstance(body, dict) else []
        assert knowsley not in {item.get("id") for item in results}, "listed Knowsley's child"
    if caller == "other_authority":
        assert collection not in ("applications", "clarifications"), "read an application"
        assert collection != "price-changes", "a commissioner read a price not yet approved"
        assert collection != "rechecks", "a commissioner read a provider's annual re-check"
        # A commissioner writes only its own authority's children's records and referrals.
        assert method not in WRITE_METHODS or collection in (*CHILD_COLLECTIONS, *OWN_CASEWORK), (
            "an authority's commissioner changed something that is not its own casework"
        )
    if collection == "monitoring-returns":
        # Quarterly monitoring: of the callers only the provider reads or sends its return (no
        # caller is a QA officer, who alone reviews).
        assert caller == "provider", f"{role} reached a monitoring return"
    if collection == "placements":
        # contracts: placements (branch plist): only the two parties to an agreement read one,
        # the placing authority's commissioner and the provider; nobody writes.
        assert caller in ("other_authority", "provider"), f"{role} read placements"
        assert method not in WRITE_METHODS, f"{role} changed a placement through its list"
    if collection == "inspection-imports":
        assert caller == "lead_authority", f"{role} reached the lead authority's Ofsted imports"
    if collection == "referrals":
        assert caller == "other_authority", f"{role} reached a placing authority's referrals"
        assert world.other_referral is not None
        if len(parts) > 1 and parts[1].isdigit():
            assert int(parts[1]) != world.other_referral.pk, "reached another authority's referral"
    # Rating alerts: of the callers, only the lead authority's evaluator (the other authority's
    # commissioner is not a senior manager, and the world's alert is not told to it).
    if collection == "alerts":
        assert caller == "lead_authority", f"{role} reached the rating alerts"
    _assert_qa_visits(caller, collection, method, action, response)
    # Improvement plans (branch qaplan): the world's plan is Sefton's about P's setting; of the
    # callers only provider P and Sefton's commissioner (a reader, never a writer) reach it; a
    # provider never creates a plan or reviews an action.
    if collection in ("improvement-plans", "improvement-actions"):
        if len(parts) > 1 and parts[1].isdigit():
            assert caller in ("provider", "other_authority"), f"{role} reached Sefton's plan"
        assert caller != "other_authority" or method not in WRITE_METHODS, (
            "a commissioner changed an improvement plan"
        )
        assert (
            caller != "provider"
            or method not in WRITE_METHODS
            or action
            in (
                "complete",
                "comment",
            )
        ), "a provider created a plan or reviewed an action"
    # Concerns: a placing authority's practitioners and the provider concerned (from stage 2);
    # of the callers, Sefton's commissioner and provider P (Sefton's concern is about it).
    # Neither ever reaches Knowsley's concern about provider Q.
    if collection == "concerns":
        assert caller in ("other_authority", "provider"), f"{role} reached the concerns"
        if len(parts) > 1 and parts[1].isdigit():
            assert int(parts[1]) != world.ids["other_concern"], "reached Knowsley's concern"
    if collection in PROVIDER_OWNED and len(parts) > 1 and parts[1].isdigit():
        assert int(parts[1]) not in _forbidden(caller, world).get(collection, set()), (
            f"{caller} reached provider Q's {collection} {parts[1]}"
        )


def _assert_qa_visits(
    caller: str, collection: str, method: str, action: str | None, response: Any
) -> None:
    """QA visits (issue 14): the world's visit is Sefton's, to provider P's setting. Of the
    callers, P reads it (never the children's views) and answers it; Sefton's commissioner (the
    "other authority" to the lead) reads it and writes nothing; the lead authority's evaluator
    never reaches it; the summaries are read by authority staff only, and nobody writes them."""
    if collection == "qa-visits":
        assert caller in ("provider", "other_authority"), f"{CALLERS[caller]} reached QA visits"
        if caller == "other_authority":
            assert method not in WRITE_METHODS, "a commissioner changed a QA visit"
        else:
            assert action == "respond" or method not in WRITE_METHODS, (
                "a provider changed a QA visit other than by answering"
            )
            assert "children_views" not in _keys_at_every_depth(response.json()), (
                "the children's views reached the provider"
            )
    if collection == "qa-visit-summaries":
        assert caller in ("lead_authority", "other_authority"), f"{caller} read a summary"
        assert method not in WRITE_METHODS, "someone changed a shared summary"


def _assert_only_the_parties(caller: str, world: World, collection: str, parts: list[str]) -> None:
    """contracts: orders and agreements. A 2xx on an Order or agreement is one of its parties';
    an id reached is one of the world's own (P's, Sefton's)."""
    if collection not in AGREEMENT_COLLECTIONS:
        return
    assert caller in AGREEMENT_PARTIES, f"{CALLERS[caller]} reached {collection}"
    if len(parts) > 1 and parts[1].isdigit():
        own = {"orders": world.ids["order"], "agreements": world.ids["agreement"]}[collection]
        assert int(parts[1]) == own, f"{caller} reached {collection} {parts[1]}"


def _assert_own_authority(world: World, parts: list[str]) -> None:
    """A person, role or client the administrator reached is of their own authority."""
    admin = world.users[Role.AUTHORITY_ADMIN.value].memberships.get()
    here = Membership.objects.filter(organisation_id=admin.organisation_id)
    ids = [p for p in parts[1:] if p.isdigit()]
    if not ids:
        return
    if parts[0] == "api-clients":
        assert ApiClient.objects.filter(pk=ids[0], organisation_id=admin.organisation_id).exists()
    elif parts[1] == "roles":
        assert here.filter(pk=ids[0], api_client__isnull=True).exists(), "another's role"
    else:
        assert here.filter(user_id=ids[0], api_client__isnull=True).exists(), "another's person"


def _credentials(caller: str, world: World) -> tuple[dict[str, str], dict[str, str]]:
    """The caller's headers and cookies: a token, or for the administrator a browser session
    (and a CSRF secret in its cookie and header, as DRF's session authentication asks)."""
    user = world.users[CALLERS[caller]]
    if caller != "accounts":
        token, _ = Token.objects.get_or_create(user=user)
        return {"Authorization": f"Token {token.key}"}, {}
    browser = Client()
    browser.force_login(user)  # past the second factor (tests/conftest.py)
    csrf = "f" * 32
    return {"X-CSRFToken": csrf}, {
        "sessionid": browser.cookies["sessionid"].value,
        "csrftoken": csrf,
    }


def _is_multipart(operation: Any) -> bool:
    body = operation.definition.raw.get("requestBody", {})
    return "multipart/form-data" in body.get("content", {})


@pytest.mark.parametrize("caller", sorted(CALLERS))
def test_the_api_holds_under_fuzzing(api_schema: Any, caller: str, world: World) -> None:
    headers, cookies = _credentials(caller, world)
    # Schemathesis's probe for ignored authentication removes the credentials it knows of; a
    # session cookie sent beside the case stays, so the probe would always look authenticated.
    # The administrator's refusals without a session are tested in tests/portal/test_people_api.py.
    excluded = [ignored_auth] if cookies else []
    # Signed in, not fuzzing as nobody: the caller reads its own account.
    me = api_schema["/api/v1/me/"]["GET"].Case().call(headers=headers, cookies=cookies)
    assert me.status_code == 200 and me.json()["role"] == CALLERS[caller]
    failures: dict[str, str] = {}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) > 40, "the schema lists every operation"

    for operation in operations:
        # A multipart body is text on the wire: a title "mutated" to the integer 3040 arrives as
        # the text "3040", a valid title, so the server rightly accepts it. Every other check
        # (status codes, response shapes, bypasses) still runs on uploads.
        skipped = [*excluded, negative_data_rejection] if _is_multipart(operation) else excluded
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @FUZZ_SETTINGS
            def exercise(case: Any) -> None:
                response = case.call(headers=headers, cookies=cookies)
                _assert_no_bypass(caller, world, case, response)
                # exercise() runs within this iteration, so `skipped` is this operation's.
                case.validate_response(response, headers=headers, excluded_checks=skipped)  # noqa: B023

            try:
                exercise()
            except Unsatisfiable:
                assert mode == GenerationMode.NEGATIVE  # nothing in it can be made invalid
            except (Exception, BaseExceptionGroup) as exc:  # every failure, reported at once
                failures[f"{operation.label} ({mode.value})"] = f"{type(exc).__name__}: {exc}"
    assert not failures, "\n\n".join(f"{label}: {text}" for label, text in failures.items())


class _Sent:
    def __init__(self, method: str, path: str) -> None:
        self.method, self.formatted_path = method, path


class _Answer:
    def __init__(self, status_code: int, body: Any = None) -> None:
        self.status_code, self.body = status_code, body

    def json(self) -> Any:
        return self.body


COMMISSIONER = Role.COMMISSIONER.value


def test_the_bypass_oracle_fails_on_each_kind_of_bypass(world: World) -> None:
    """The gate is only as good as its oracle: each bypass it names is one it would catch."""
    other = world.other_application.pk
    assert world.referral is not None and world.other_referral is not None
    referral, other_referral = world.referral.pk, world.other_referral.pk
    Row = tuple[str, str, str, int, Any]
    bypasses: list[Row] = [
        ("forum", "POST", "/api/v1/windows/", 201, {}),
        ("forum", "GET", f"/api/v1/agreement-documents/{world.agreement_document.pk}/", 200, {}),
        ("forum", "GET", f"/api/v1/memberships/{world.membership.pk}/", 200, {"state_reason": ""}),
        ("provider", "POST", f"/api/v1/applications/{other}/submit/", 200, {}),
        ("provider", "GET", f"/api/v1/evidence/{world.other_evidence.pk}/", 200, {}),
        ("provider", "POST", "/api/v1/purchasing-systems/", 201, {}),
        ("provider", "POST", f"/api/v1/windows/{world.window.pk}/cancel/", 200, {}),
        ("other_authority", "POST", f"/api/v1/windows/{world.window.pk}/close-early/", 200, {}),
        ("lead_authority", "GET", f"/api/v1/applications/{other}/", 200, {}),
        ("other_authority", "GET", f"/api/v1/applications/{world.application.pk}/", 200, {}),
        ("other_authority", "POST", f"/api/v1/memberships/{world.membership.pk}/change/", 200, {}),
        ("other_authority", "GET", f"/api/v1/price-changes/{world.price_change.pk}/", 200, {}),
        ("provider", "POST", f"/api/v1/price-changes/{world.price_change.pk}/decision/", 200, {}),
        ("lead_authority", "GET", "/api/v1/people/", 200, {}),
        ("provider", "POST", "/api/v1/api-clients/", 201, {}),
        ("accounts", "GET", f"/api/v1/people/{world.other_authority_commissioner.pk}/", 200, {}),
        ("accounts", "POST", f"/api/v1/settings/{world.setting.pk}/withdraw/", 200, {}),
        ("provider", "GET", f"/api/v1/invitations/{world.other_invitation.pk}/", 200, {}),
        ("provider", "POST", f"/api/v1/responses/{world.other_response.pk}/submit/", 200, {}),
        ("other_authority", "GET", f"/api/v1/children/{world.other_child.pk}/", 200, {}),
        (
            "other_authority",
            "GET",
            "/api/v1/children/",
            200,
            {"results": [{"id": world.other_child.pk}]},
        ),
        (
            "other_authority",
            "DELETE",
            f"/api/v1/child-documents/{world.other_child_document.pk}/",
            204,
            None,
        ),
        ("lead_authority", "GET", "/api/v1/children/", 200, {"results": []}),
        ("provider", "GET", f"/api/v1/child-documents/{world.child_document.pk}/", 200, {}),
        ("provider", "GET", "/api/v1/referrals/", 200, {"results": []}),
        ("forum", "GET", f"/api/v1/referrals/{referral}/", 200, {}),
        ("other_authority", "GET", f"/api/v1/referrals/{other_referral}/", 200, {}),
        ("other_authority", "POST", f"/api/v1/referrals/{other_referral}/publish/", 200, {}),
        ("forum", "GET", "/api/v1/placements/", 200, {"results": []}),
        ("lead_authority", "GET", "/api/v1/placements/", 200, {"results": []}),
        ("accounts", "GET", "/api/v1/placements/", 200, {"results": []}),
    ]
    # contracts: orders and agreements.
    agreement, order = world.ids["agreement"], world.ids["order"]
    bypasses += [
        ("forum", "GET", f"/api/v1/agreements/{agreement}/", 200, {}),
        ("lead_authority", "GET", "/api/v1/orders/", 200, {"results": []}),
        ("accounts", "GET", f"/api/v1/orders/{order}/pdf/", 200, None),
        ("provider", "GET", f"/api/v1/agreements/{987654}/versions/", 200, []),
        ("other_authority", "GET", "/api/v1/alerts/", 200, {"results": []}),
        ("provider", "POST", f"/api/v1/alerts/{world.ids['rating_alert']}/acknowledge/", 200, {}),
    ]
    for caller, method, path, status, body in bypasses:
        with pytest.raises(AssertionError):
            _assert_no_bypass(caller, world, _Sent(method, path), _Answer(status, body))
    allowed: list[Row] = [
        ("provider", "GET", f"/api/v1/applications/{world.application.pk}/", 200, {}),
        ("lead_authority", "GET", f"/api/v1/evidence/{world.other_evidence.pk}/", 200, {}),
        ("forum", "POST", "/api/v1/windows/", 403, {}),
        ("provider", "GET", f"/api/v1/agreement-documents/{world.agreement_document.pk}/", 200, {}),
        ("accounts", "GET", f"/api/v1/people/{world.users[COMMISSIONER].pk}/", 200, {}),
        ("provider", "GET", f"/api/v1/responses/{world.response.pk}/", 200, {}),
        ("other_authority", "POST", "/api/v1/children/", 201, {"id": 987654}),
        ("other_authority", "GET", f"/api/v1/children/{world.child.pk}/", 200, {}),
        ("other_authority", "GET", "/api/v1/children/", 200, {"results": [{"id": world.child.pk}]}),
        ("other_authority", "POST", f"/api/v1/referrals/{referral}/publish/", 200, {}),
        ("other_authority", "POST", "/api/v1/referrals/", 201, {}),
        ("provider", "GET", "/api/v1/placements/", 200, {"results": []}),
        ("other_authority", "GET", "/api/v1/placements/", 200, {"results": []}),
    ]
    allowed += [
        ("provider", "GET", f"/api/v1/agreements/{agreement}/", 200, {}),
        ("other_authority", "POST", f"/api/v1/agreements/{agreement}/withdraw-version/", 200, {}),
        ("forum", "GET", f"/api/v1/agreements/{agreement}/", 403, {}),
    ]
    for caller, method, path, status, body in allowed:
        _assert_no_bypass(caller, world, _Sent(method, path), _Answer(status, body))
