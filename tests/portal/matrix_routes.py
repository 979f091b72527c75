"""Every URL pattern the portal answers, found by walking the root URLconf, and how the matrix
asks one of them: which URL a case means, and what an answer is compared with.

DRF's format-suffix variants (`.json`) share their route's name and view, so the route's row
covers them. The back office (`admin:` names) is held against its own rule (see the table).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from rest_framework.parsers import JSONParser

from tests.contracts.matrix import KINDS as CONTRACT_KINDS
from tests.portal.matrix_world import ANONYMOUS, MISSING_ID, PROVIDER_Y, World
from tests.quality.concern_matrix import KINDS as CONCERN_KINDS
from tests.quality.matrix import KINDS as QUALITY_KINDS
from tests.quality.monitoring_matrix import KINDS as MONITORING_KINDS
from tests.quality.plan_matrix import KINDS as PLAN_KINDS
from tests.quality.recheck_matrix import KINDS as RECHECK_KINDS
from tests.quality.visit_matrix import KINDS as VISIT_KINDS
from tests.referrals.awards.matrix import KINDS as AWARD_KINDS

#: The answer "go and sign in" (302 to the sign-in page, coming back here afterwards).
SIGN_IN = "sign-in"
#: The back office's own sign-in page (302 to /back-office/login/?next=...).
ADMIN_SIGN_IN = "admin-sign-in"

Answer = int | str


@dataclass(frozen=True)
class Route:
    key: str  # the namespaced URL name: what a table row is keyed by
    pattern: str
    params: tuple[str, ...]
    api: bool
    admin: bool
    #: The HTTP methods a DRF route maps to an action; None for Django views (the row says).
    methods: tuple[str, ...] | None


def _walk(resolver: URLResolver, prefix: str, namespace: str) -> list[tuple[str, Any, str, str]]:
    found: list[tuple[str, Any, str, str]] = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            found += _walk(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = entry.name or f"<unnamed {prefix}{entry.pattern}>"
            found.append((prefix + str(entry.pattern), entry, name, namespace))
    return found


def all_routes() -> list[Route]:
    """One Route per distinct URL name (a nameless pattern is keyed by its pattern)."""
    routes: dict[str, Route] = {}
    for pattern, entry, name, namespace in _walk(get_resolver(), "", ""):
        if "(?P<format>" in pattern:
            continue
        actions = getattr(entry.callback, "actions", None)
        params = tuple(entry.pattern.regex.groupindex)
        route = Route(
            key=f"{namespace}:{name}" if namespace else name,
            pattern=pattern,
            params=params,
            api=pattern.startswith("api/v1/"),
            admin=namespace == "admin",
            methods=tuple(m.upper() for m in actions) if actions else None,
        )
        routes.setdefault(route.key, route)
    return sorted(routes.values(), key=lambda r: r.key)


# -- what each kind of id means in each case ------------------------------------------------------

PROVIDER_CASES = ("X", "Y", "missing")
NESTED_CASES = ("X", "Y", "X-with-Y's-child", "missing")
SHARED_CASES = ("shared", "missing")
PERSONAL_CASES = ("own", "other's", "missing")
#: Authority A's object (the administrator's own authority) or B's: "X" and "Y" as for providers.
AUTHORITY_CASES = ("X", "Y", "missing")


def cases_for(kind: str | None) -> tuple[str, ...]:
    if kind is None:
        return ("-",)
    if kind in ("service", "setting_judgement"):
        return NESTED_CASES
    if kind in (
        "purchasing_system",
        "window",
        "lot",
        "authority",
        "agreement_document",
        "inspection_import",  # the lead authority's (issue 13, ofsted)
    ):
        return SHARED_CASES
    if kind == "notification":
        return PERSONAL_CASES
    if kind in (
        "person",
        "authority_role",
        "api_client",
        "child",
        "child_document",
        *REFERRAL_KINDS,
    ):
        return AUTHORITY_CASES
    if kind in ("question_referral", "referral_question"):
        return AUTHORITY_CASES  # authority A's referral ("X") or B's ("Y")
    if kind in ("reset_link", "token"):
        return ("-",)
    return PROVIDER_CASES


def kwargs_for(world: World, kind: str | None, case: str, actor: str) -> dict[str, object]:
    """The URL arguments of `case` for an object of `kind`."""
    if kind is None:
        return {}
    if kind == "reset_link":
        return {"uidb64": "MQ", "token": "set-password"}
    if kind == "token":  # a link e-mailed to someone: this one was never sent
        return {"token": "not-a-token-anyone-was-sent"}
    if case == "missing":
        return {name: MISSING_ID for name in _PARAMS[kind]}
    if kind == "notification":
        if case == "own":
            own = world.notifications.get(actor, world.bystander_notification)
            return {"pk": own}
        return {"pk": world.bystander_notification}
    shared = {
        "purchasing_system": world.purchasing_system,
        "window": world.window,
        "lot": world.lot.pk,
        "authority": world.authority_a.pk,
        "agreement_document": world.agreement_document,
        "inspection_import": world.inspection_import,
    }
    if kind in shared:
        return {"pk": shared[kind]}
    if kind in ("person", "authority_role", "api_client", "child", "child_document"):
        pair = {
            "person": world.people,
            "authority_role": world.roles,
            "api_client": world.api_clients,
            "child": world.children,
            "child_document": world.child_documents,
        }
        return {"pk": pair[kind][1 if case == "Y" else 0]}
    if kind in REFERRAL_KINDS:
        rows = world.referral_rows
        assert rows is not None
        at = 1 if case == "Y" else 0
        if kind == "referral_criterion":
            return {"pk": rows.referrals[at], "criterion_pk": rows.criteria[at]}
        return {"pk": (rows.direct_awards if kind == "direct_award" else rows.referrals)[at]}
    side = world.y if case == "Y" else world.x
    nested = {
        "invitation_document": {"pk": side.invitation, "document_pk": side.shared_document},
        "response_service": {"pk": side.response, "service_pk": side.response_service},
        "response_attachment": {"pk": side.response, "attachment_pk": side.response_attachment},
        "referral_question": {"pk": side.question_referral, "question_pk": side.referral_question},
    }
    if kind in nested:
        return nested[kind]
    if kind in AWARD_KINDS:
        return {"pk": side.awards[kind]}
    if kind == "agreement_version":
        return {"pk": side.contracts["agreement"], "number": side.contracts[kind]}
    if kind in CONTRACT_KINDS:
        return {"pk": side.contracts[kind]}
    if kind == "recheck_item":
        return {"pk": side.quality["recheck"], "item_pk": side.quality[kind]}
    if kind == "improvement_action":
        return {"pk": side.quality["improvement_plan"], "action_pk": side.quality[kind]}
    if (
        kind in QUALITY_KINDS
        or kind in RECHECK_KINDS
        or kind in VISIT_KINDS
        or kind in MONITORING_KINDS
        or kind in PLAN_KINDS
        or kind in CONCERN_KINDS
    ):
        return {"pk": side.quality[kind]}
    if kind == "service":
        child = world.y.service if case == "X-with-Y's-child" else side.service
        return {"pk": side.setting.pk, "service_pk": child.pk}
    if kind == "setting_judgement":
        child_j = world.y.judgement if case == "X-with-Y's-child" else side.judgement
        return {"pk": side.setting.pk, "judgement_pk": child_j.pk}
    value = {
        "setting": side.setting.pk,
        "judgement": side.judgement.pk,
        "evidence": side.evidence,
        "application": side.application,
        "clarification": side.clarification,
        "membership": side.membership,
        "price_change": side.price_change,
        "invitation": side.invitation,
        "response": side.response,
        "question_referral": side.question_referral,
    }[kind]
    return {"pk": value}


#: The referral part's kinds: authority A's object is the "X" case, B's the "Y" case.
REFERRAL_KINDS = ("referral", "direct_award", "referral_criterion")

_PARAMS = {
    "service": ("pk", "service_pk"),
    "invitation_document": ("pk", "document_pk"),
    "response_service": ("pk", "service_pk"),
    "response_attachment": ("pk", "attachment_pk"),
    "referral_question": ("pk", "question_pk"),
    "referral_criterion": ("pk", "criterion_pk"),
    "agreement_version": ("pk", "number"),
    "recheck_item": ("pk", "item_pk"),
    "improvement_action": ("pk", "action_pk"),
    "referral": ("pk",),
    "direct_award": ("pk",),
    "setting_judgement": ("pk", "judgement_pk"),
    "notification": ("pk",),
    **{
        kind: ("pk",)
        for kind in (
            "setting",
            "judgement",
            "evidence",
            "application",
            "clarification",
            "membership",
            "price_change",
            "invitation",
            "response",
            "question_referral",
            "purchasing_system",
            "window",
            "lot",
            "authority",
            "person",
            "authority_role",
            "api_client",
            "agreement_document",
            "inspection_import",
            "child",
            "child_document",
            *AWARD_KINDS,
            "agreement",
            "order",
            "signed_agreement",
            "variation",
            "placement_end",
            "regional_uplift",
            *QUALITY_KINDS,
            *CONCERN_KINDS,
            *(kind for kind in RECHECK_KINDS if kind != "recheck_item"),  # nested: above
            *VISIT_KINDS,
            *MONITORING_KINDS,
            *(kind for kind in PLAN_KINDS if kind != "improvement_action"),  # nested: above
        )
    },
}


def owner_case(actor: str) -> str:
    """Which provider case is the actor's own (provider Y's own objects are the "Y" case)."""
    return "Y" if actor == PROVIDER_Y else "X"


# -- asking ---------------------------------------------------------------------------------------


def ask(
    world: World,
    route: Route,
    actor: str,
    method: str,
    path: str,
    body: dict[str, Any] | None = None,
    *,
    session: bool = False,
) -> HttpResponse:
    """One request as `actor`: pages with the actor's browser session, the API with its token
    (or, with `session`, the browser session too).

    Pages are posted empty; the API gets `body` as JSON (a minimal valid one, so that the
    permission check and not validation decides)."""
    client = Client(raise_request_exception=False)
    headers: dict[str, str] = {}
    if actor != ANONYMOUS:
        if route.api and not session:
            headers["Authorization"] = f"Token {world.tokens[actor]}"
        else:
            client.cookies["sessionid"] = world.sessions[actor]
    send = getattr(client, method.lower())
    if method == "GET":
        return send(path, headers=headers)
    if route.api and reads_uploads_only(path):  # multipart, as a client sends a file upload
        return send(path, data=body or {}, headers=headers)
    if route.api:
        payload = json.dumps(body or {})
        return send(path, data=payload, content_type="application/json", headers=headers)
    return send(path, data={}, headers=headers)


def reads_uploads_only(path: str) -> bool:
    """Whether the API operation at `path` reads multipart only (`UPLOAD_PARSERS`: a file is
    uploaded), where every other reads JSON. A router's extra action carries its own
    `parser_classes` in the view's initkwargs; a view may set them on its class."""
    view = resolve(path).func
    cls = getattr(view, "cls", None)
    if cls is None:
        return False
    parsers = getattr(view, "initkwargs", {}).get("parser_classes", cls.parser_classes)
    return not any(issubclass(parser, JSONParser) for parser in parsers)


def answered(response: HttpResponse, path: str) -> Answer:
    """The status code, or SIGN_IN / ADMIN_SIGN_IN for a redirect to a sign-in page that comes
    back to `path`."""
    if response.status_code == 302:
        location = response.get("Location", "")
        if location.startswith(reverse("login") + "?next="):
            return SIGN_IN
        if location.startswith(reverse("admin:login") + "?next="):
            return ADMIN_SIGN_IN
    return response.status_code
