"""Every page of the portal, who may open it and how to fill in its address: the accessibility
gate's table. Like the authorisation matrix, it is checked against the URL patterns, so a page
added without a row fails the suite (test_accessibility.py).

The world is the demo's data (a round in each state, one user per role) plus a draft application,
a person with no organisation, a password reset link, a registration waiting for its link to be
followed, and two commissioners signed in with a password only (one with an authenticator app, so
held at the code step; one without, so held at setting one up), so each page shows its fullest
state.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice

from demo.steps import DEMO_STEPS
from fps_portal.accounts.models import ApiClient, Role, User
from fps_portal.accounts.services.api_clients import api_client_create
from fps_portal.actors import Actor, actor_for_user
from providers.models import (
    Application,
    ApplicationState,
    CheckStatus,
    ClarificationQuestion,
    EvaluationWindow,
    Evidence,
    FpsMembership,
    InspectionJudgement,
    Lot,
    PriceChange,
    PriceChangeState,
    PurchasingSystem,
    Setting,
    Verdict,
    WindowState,
)
from providers.services.application_prices import application_set_prices
from providers.services.application_submission import application_submit
from providers.services.applications import (
    application_declare,
    application_set_scope,
    application_start,
)
from providers.services.evaluation import application_moderate
from providers.services.registration import provider_registration_request
from tests import factories
from tests.providers.onboarding.factories import (
    actor,
    close,
    evaluate,
    open_window,
    scheduled_window,
)
from tests.quality.concern_pages import build_concern_pages
from tests.quality.gates_world import build_imports
from tests.quality.matrix import alert_rows
from tests.quality.monitoring_pages import build_monitoring_pages
from tests.quality.plan_pages import build_plan_pages
from tests.quality.recheck_pages import build_recheck_pages
from tests.quality.visit_pages import build_visit_pages
from tests.quick_pdfs import quick_pdfs
from tests.referrals.awards.pages_world import build_award_pages
from tests.referrals.referrals.browser_world import browser_referrals

ANONYMOUS = "anonymous"
LEAD = "lead_evaluator"
COMMISSIONER = "commissioner"
QA = "qa_officer"
SENIOR = "senior_manager"
PROVIDER = "provider_user"
FORUM = "forum_member"
ACCOUNTS = "authority_admin"  # Sefton's authority administrator
NO_ORGANISATION = "no_organisation"  # signed in, but no active membership
# Signed in with a password only, by someone who must use a second factor: every page but the
# second-factor steps and the few open to them (OPEN_BEFORE_SECOND_FACTOR) sends them there.
AWAITING_CODE = "awaiting_code"  # has an authenticator app: asked for its code
AWAITING_APP = "awaiting_app"  # has none yet: asked to set one up
PASSWORD_ONLY = frozenset({AWAITING_CODE, AWAITING_APP})

AUTHORITY = frozenset({LEAD, COMMISSIONER, QA, SENIOR})
#: Who reads children's records: the placing authority's commissioners and senior managers.
PLACING = frozenset({COMMISSIONER, SENIOR})
WITH_ORGANISATION = AUTHORITY | {PROVIDER, FORUM, ACCOUNTS}
SIGNED_IN = WITH_ORGANISATION | {NO_ORGANISATION}
EVERYONE = SIGNED_IN | {ANONYMOUS}
# Pages open before the second factor too (accessibility, privacy, password reset).
TRULY_EVERYONE = EVERYONE | PASSWORD_ONLY
PERSONAS = sorted(TRULY_EVERYONE)

# The demo's sign-in for each persona (the provider is the one with an application under
# evaluation and a clarification question to answer).
DEMO_EMAIL = {
    LEAD: "lead@cheshireeast.example",
    COMMISSIONER: "placements@sefton.example",
    QA: "qa@sefton.example",
    SENIOR: "dcs@sefton.example",
    PROVIDER: "bids@northshore.example",
    FORUM: "forum@seftonparentcarers.example",
    ACCOUNTS: "accounts@sefton.example",
}


@dataclass
class World:
    users: dict[str, User]
    system: PurchasingSystem
    draft: Application  # the provider's, in the open round: each task-list page has its form
    evaluating: Application  # the provider's, under evaluation
    passed: Application  # the provider's, awaiting its signature on the agreement
    failed: Application  # the provider's, refused with reasons
    windows: list[EvaluationWindow]  # every round: completed, evaluating, open, scheduled
    scheduled: EvaluationWindow  # the next round, announced but not yet open
    clarification: ClarificationQuestion  # asked of the provider, awaiting its answer
    membership: FpsMembership
    own_setting: Setting  # the provider's
    listed_setting: Setting  # on the FPS, in search results
    judgement: InspectionJudgement  # a provider's report awaiting the lead authority's check
    price_change: PriceChange  # a member's change to an approved price, awaiting a decision
    reset_uid: str
    reset_token: str
    registration_token: str  # a provider's registration, its e-mailed link not yet followed
    colleague: User  # Sefton's senior manager, whose roles its administrator manages
    api_client: ApiClient  # registered by Sefton's administrator
    # Issue 11: Sefton's open referral inviting the provider, its draft response for its own
    # setting, and a question it asked (unanswered) beside one answered.
    invitation: Any = None
    response: Any = None
    question: Any = None
    child: Any = None  # Sefton's, looked after, with a carer, outcomes and a document
    child_document: Any = None

    #: Sefton's referrals by kind: open, preselected, spot (drafts), direct (awaiting the DCS).
    referrals: dict[str, int] = field(default_factory=dict)

    #: The evaluation and award pages' objects, by name (tests/referrals/awards/pages_world.py).
    awards: dict[str, int] = field(default_factory=dict)

    #: Ofsted imports: done, refused, queued (tests/quality/gates_world.py).
    imports: dict[str, int] = field(default_factory=dict)
    #: A fail-band rating alert about the provider's setting, told to Sefton's DCS and the lead
    #: authority's evaluator, awaiting the lead authority's decision (tests/quality/matrix.py);
    #: and the re-check and expiry pages' objects, by name (tests/quality/recheck_pages.py).
    quality: dict[str, int] = field(default_factory=dict)


def _competition(world: World) -> World:
    from decimal import Decimal

    from providers.models import SettingLot
    from referrals.models import ReferralQuestion, ReferralState, ResponseService
    from tests.referrals.factories import (
        CriterionFactory,
        InvitationFactory,
        ReferralFactory,
        ResponseFactory,
    )

    sefton = world.users[COMMISSIONER].memberships.get(is_active=True).organisation
    offer = SettingLot.objects.filter(setting=world.own_setting).order_by("pk").first()
    assert offer is not None
    referral: Any = ReferralFactory(
        child__authority=sefton,
        authority=sefton,
        lot=offer.lot,
        purchasing_system=offer.lot.purchasing_system,
        reference="SEF-2026-0901",
        state=ReferralState.OPEN,
        published_at=timezone.now(),
        response_deadline=timezone.now() + datetime.timedelta(days=7),
        shown_age_years=12,
        shown_gender="female",
        shown_postcode_district="L20",
        created_by=world.users[COMMISSIONER],
    )
    CriterionFactory(referral=referral, title="Best match to her needs", weight=100)
    invitation: Any = InvitationFactory(referral=referral, provider=world.own_setting.provider)
    response: Any = ResponseFactory(
        invitation=invitation, setting=world.own_setting, how_needs_met=""
    )
    ResponseService.objects.create(
        response=response, name="1:1 support", unit="hour", rate=Decimal("35.00"), quantity=2
    )
    ReferralQuestion.objects.create(
        referral=referral,
        asked_by_invitation=invitation,
        question="Is transport from home included?",
        answer="No: the authority arranges it.",
        answered_at=timezone.now(),
    )
    world.invitation, world.response = invitation, response
    world.question = ReferralQuestion.objects.create(
        referral=referral, asked_by_invitation=invitation, question="Can she start mid-term?"
    )
    return world


def _passed_application(
    provider: Actor, system: PurchasingSystem, setting: Setting, lead: User
) -> Application:
    """An application in a round of its own, passed by two evaluators and moderated."""
    window = open_window(purchasing_system=system, name="Round 4 (2025)")
    lot = Lot.objects.filter(purchasing_system=system).order_by("display_order").last()
    assert lot is not None
    application = application_start(actor=provider, system=system, window=window)
    application_set_scope(actor=provider, application=application, lots=[lot], settings=[setting])
    application_set_prices(
        actor=provider, application=application, prices={(setting.pk, lot.pk): "4100.00"}
    )
    application_declare(
        actor=provider,
        application=application,
        accurate=True,
        no_exclusion_grounds=True,
        safeguarding=True,
    )
    application_submit(actor=provider, application=application)
    close(window)
    application.refresh_from_db()
    second = User.objects.get(email="evaluator@cheshireeast.example")
    evaluate(application, lead, Verdict.PASS)
    evaluate(application, second, Verdict.PASS)
    application_moderate(actor=actor(lead), application=application, reason="Every part met.")
    application.refresh_from_db()
    assert application.state == ApplicationState.PASSED
    return application


def _registration_token() -> str:
    """A provider's registration as the public form makes it; the token is read from the link in
    the e-mail it sends (the only place it is kept unhashed; pytest-django keeps mail in
    `mail.outbox`)."""
    provider_registration_request(
        email="new.provider@example.org",
        full_name="Rowan Ashby",
        password="a-long-enough-password-1",
        name="Ashby House",
        legal_name="Ashby House Limited",
        companies_house_number="01234567",
        address="1 Ashby Road, Southport",
        postcode="PR8 1AA",
        contact_email="office@ashbyhouse.example",
    )
    link = re.search(r"/onboarding/register/confirm/([^/\s]+)/", mail.outbox[-1].body)
    assert link is not None
    return link.group(1)


def build_world() -> World:
    with quick_pdfs():
        return _build_world()


def _build_world() -> World:
    for step in DEMO_STEPS:
        step()
    users = {persona: User.objects.get(email=email) for persona, email in DEMO_EMAIL.items()}
    users[NO_ORGANISATION] = User.objects.create_user(
        "left@example.org", "unused-password-1", full_name="Former Colleague"
    )
    users[AWAITING_CODE] = factories.person(Role.COMMISSIONER, email="code@sefton.example")
    TOTPDevice.objects.create(user=users[AWAITING_CODE], name="Phone", confirmed=True)
    users[AWAITING_APP] = factories.person(Role.COMMISSIONER, email="new@sefton.example")
    # Never signed in here, so signing the personas in leaves the reset link valid.
    forgetful = User.objects.create_user("forgot@example.org", "unused-password-2")
    provider = actor_for_user(users[PROVIDER])
    assert provider is not None and provider.organisation is not None
    system = PurchasingSystem.objects.get()
    open_round = EvaluationWindow.objects.get(state=WindowState.OPEN, closes_at__gt=timezone.now())
    own_setting = Setting.objects.filter(provider=provider.organisation).order_by("name").first()
    assert own_setting is not None
    draft = application_start(actor=provider, system=system, window=open_round)
    first_lot = Lot.objects.filter(purchasing_system=system).order_by("display_order").first()
    assert first_lot is not None
    application_set_scope(
        actor=provider, application=draft, lots=[first_lot], settings=[own_setting]
    )
    evaluating = Application.objects.get(
        provider=provider.organisation, state=ApplicationState.UNDER_EVALUATION
    )
    passed = _passed_application(provider, system, own_setting, users[LEAD])
    # The next round, after the open one: what the lead authority may still correct.
    scheduled = scheduled_window(
        purchasing_system=system,
        name="Round 6 (2027)",
        opens_at=open_round.closes_at + datetime.timedelta(days=30),
        closes_at=open_round.closes_at + datetime.timedelta(days=60),
        evaluation_deadline=open_round.closes_at + datetime.timedelta(days=120),
    )
    listed = Setting.objects.filter(lot_offers__approved_at__isnull=False).order_by("name").first()
    assert listed is not None
    awards = build_award_pages(
        commissioner=users[COMMISSIONER], senior=users[SENIOR], provider_setting=own_setting
    )
    awards["agreement"] = _agreement_for(awards["placement"])
    awards["order"] = _order_for(awards["placement"])
    awards.update(_changes_for(awards["placement"], users[LEAD]))
    world = World(
        awards=awards,
        users=users,
        system=system,
        draft=draft,
        evaluating=evaluating,
        passed=passed,
        failed=Application.objects.get(
            provider=provider.organisation, state=ApplicationState.FAILED
        ),
        windows=list(EvaluationWindow.objects.order_by("opens_at")),
        scheduled=scheduled,
        clarification=ClarificationQuestion.objects.get(application=evaluating),
        membership=FpsMembership.objects.order_by("pk").first(),
        own_setting=own_setting,
        listed_setting=listed,
        judgement=InspectionJudgement.objects.get(check_status=CheckStatus.AWAITING_CHECK),
        price_change=PriceChange.objects.get(state=PriceChangeState.PENDING),
        reset_uid=urlsafe_base64_encode(force_bytes(forgetful.pk)),
        reset_token=default_token_generator.make_token(forgetful),
        registration_token=_registration_token(),
        colleague=users[SENIOR],
        api_client=api_client_create(
            actor=actor(users[ACCOUNTS]), name="Sefton case management", role=Role.COMMISSIONER
        ).client,
    )
    world.referrals = browser_referrals(users[COMMISSIONER])
    world.imports = build_imports()
    world.quality = {
        "rating_alert": alert_rows(
            setting=own_setting,
            told=[
                (users[SENIOR], users[SENIOR].memberships.get(is_active=True).organisation),
                (users[LEAD], users[LEAD].memberships.get(is_active=True).organisation),
            ],
            tag="browser",
        )
    }
    _child_record(world)
    world.quality.update(build_recheck_pages(provider.organisation))
    world.quality.update(
        build_visit_pages(qa=users[QA], commissioner=users[COMMISSIONER], setting=own_setting)
    )
    world.quality.update(
        build_monitoring_pages(
            setting=own_setting,
            authority=users[QA].memberships.get(is_active=True).organisation,
            commissioner=users[COMMISSIONER],
        )
    )
    world.quality.update(
        build_plan_pages(qa_officer=users[QA], provider_user=users[PROVIDER], setting=own_setting)
    )
    world.quality.update(
        build_concern_pages(setting=own_setting, qa=users[QA], provider=users[PROVIDER])
    )
    return _competition(world)


def _child_record(world: World) -> None:
    """A Sefton child's whole record, made by its commissioner (the demo may hold others)."""
    from referrals.services.child_documents import child_document_add
    from referrals.services.children import child_create
    from tests.providers.onboarding.factories import upload
    from tests.referrals.children.helpers import details

    placing = actor(world.users[COMMISSIONER])
    world.child = child_create(
        actor=placing,
        details=details(case_number="ICS-A11Y-1", current_setting=world.listed_setting),
    )
    world.child_document = child_document_add(
        actor=placing, child=world.child, kind="ehc_plan", title="EHC plan", upload=upload("p.pdf")
    )


# A page's address for a persona: its URL kwargs, from the world.
Kwargs = Callable[[World, str], dict[str, Any]]


def _none(world: World, persona: str) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Page:
    """A page template behind a route. `forms` are CSS selectors of forms that, sent empty, must
    show the error summary (each is sent from a freshly loaded page)."""

    roles: frozenset[str]
    kwargs: Kwargs = _none
    query: str = ""
    forms: tuple[str, ...] = ()
    also: tuple[Kwargs, ...] = ()  # the page in other states (GET only)
    also_queries: tuple[str, ...] = ()  # the page under other query strings (GET only)
    ready: str = ""  # a selector to wait for before checking (content drawn by script)


MAIN_FORM = "main form[method=post][novalidate]"
PLACING_PAGE = frozenset({COMMISSIONER, SENIOR})
#: Concerns: the placing authority's practitioners, and the provider concerned from stage 2.
CONCERN_STAFF = frozenset({COMMISSIONER, QA, SENIOR})
CONCERN_READERS = CONCERN_STAFF | {PROVIDER}
SERVICE_FORM = "main form[action$='/services/']"


def _pk(attribute: str) -> Kwargs:
    return lambda world, persona: {"pk": getattr(world, attribute).pk}


def _award(name: str) -> Kwargs:
    return lambda world, persona: {"pk": world.awards[name]}


def _agreement_for(award_pk: int) -> int:
    """The IPA of the placement award, made as an award makes it (tests/contracts/)."""
    from contracts.services.orders import order_for_award
    from referrals.models import Award

    return order_for_award(award=Award.objects.get(pk=award_pk), actor=None).agreement.pk


def _order_for(award_pk: int) -> int:
    """The Order of the placement award (made with its IPA)."""
    from contracts.services.orders import order_for_award
    from referrals.models import Award

    return order_for_award(award=Award.objects.get(pk=award_pk), actor=None).pk


def _changes_for(award_pk: int, lead: User) -> dict[str, int]:
    """Signed agreements with and without a variation and an end (tests/contracts/)."""
    from tests.contracts.changes_world import build_browser_changes

    return build_browser_changes(placement=award_pk, lead=lead)


def _window(index: int) -> Kwargs:
    return lambda world, persona: {"pk": world.windows[index].pk}


def _setting_for(world: World, persona: str) -> dict[str, Any]:
    """A provider sees only its own settings' pages; authorities any setting on the FPS."""
    return {"pk": (world.own_setting if persona == PROVIDER else world.listed_setting).pk}


def _role_of_colleague(world: World, persona: str) -> dict[str, Any]:
    return {"pk": world.colleague.memberships.get(is_active=True).pk}


def _referral(kind: str) -> Kwargs:
    return lambda world, persona: {"pk": world.referrals[kind]}


def _alert(world: World, persona: str) -> dict[str, Any]:
    return {"pk": world.quality["rating_alert"]}


def _quality(name: str, *, lead: str | None = None) -> Kwargs:
    """An object of tests/quality/recheck_pages.py; the lead authority's own state if named."""
    return lambda world, persona: {
        "pk": world.quality[lead if lead is not None and persona == LEAD else name]
    }


def _visit(world: World, persona: str) -> dict[str, Any]:
    """The QA officer's scheduled visit (its forms); the completed one for everyone else."""
    return {"pk": world.quality["scheduled_visit" if persona == QA else "completed_visit"]}


def _recheck_item(world: World, persona: str) -> dict[str, Any]:
    """The provider answers an item of the open re-check; the lead reviews one of the sent."""
    which = "sent" if persona == LEAD else "open"
    return {"pk": world.quality[f"{which}_recheck"], "item_pk": world.quality[f"{which}_item"]}


def _plan_action(world: World, persona: str) -> dict[str, Any]:
    """The provider marks its action done; the QA officer reviews the one marked done."""
    which = "plan_action_done" if persona == QA else "plan_action_to_do"
    return {"pk": world.quality["plan"], "action_pk": world.quality[which]}


def _first_evidence(world: World, persona: str) -> dict[str, Any]:
    first = Evidence.objects.filter(provider_id=world.own_setting.provider_id).order_by("pk")
    return {"pk": first.values_list("pk", flat=True)[0]}


PAGES: dict[str, Page] = {
    "home": Page(frozenset({ANONYMOUS})),
    "dashboard": Page(WITH_ORGANISATION),
    "notifications": Page(WITH_ORGANISATION),
    "switch-membership": Page(SIGNED_IN, forms=(MAIN_FORM,)),
    "accessibility": Page(TRULY_EVERYONE),
    "privacy": Page(TRULY_EVERYONE),
    # Under /api/, so open before the second factor like the rest of the API; checked once
    # Swagger UI has drawn the operations.
    "api-docs": Page(TRULY_EVERYONE, ready=".swagger-ui .opblock"),
    "login": Page(frozenset({ANONYMOUS}), forms=(MAIN_FORM,)),
    "password_reset": Page(TRULY_EVERYONE, forms=(MAIN_FORM,)),
    "password_reset_done": Page(TRULY_EVERYONE),
    "password_reset_confirm": Page(
        TRULY_EVERYONE,
        kwargs=lambda world, persona: {"uidb64": world.reset_uid, "token": world.reset_token},
        forms=(MAIN_FORM,),
    ),
    "password_reset_complete": Page(TRULY_EVERYONE),
    # The second factor: a verified session is sent on from these steps.
    "mfa-verify": Page(frozenset({AWAITING_CODE}), forms=(MAIN_FORM,)),
    "mfa-recovery": Page(PASSWORD_ONLY, forms=(MAIN_FORM,)),
    "mfa-enrol": Page(frozenset({AWAITING_APP}), forms=(MAIN_FORM,)),
    # Offers new recovery codes to anyone with an app, once past the second factor (the test
    # suite's verified sessions all have one).
    "mfa-recovery-codes": Page(SIGNED_IN),
    # Onboarding: the provider's side.
    "providers:register": Page(frozenset({ANONYMOUS}), forms=(MAIN_FORM,)),
    "providers:register-sent": Page(EVERYONE),
    "providers:register-confirm": Page(
        EVERYONE,
        kwargs=lambda world, persona: {"token": world.registration_token},
        forms=(MAIN_FORM,),
    ),
    "providers:colleagues": Page(frozenset({PROVIDER}), forms=(MAIN_FORM,)),
    "providers:evidence-list": Page(frozenset({PROVIDER})),
    "providers:evidence-upload": Page(frozenset({PROVIDER}), forms=(MAIN_FORM,)),
    # The provider's first document went with a submitted application: the page says why it
    # is kept (the confirmation form itself is the same template as the settings' below).
    "providers:evidence-remove": Page(frozenset({PROVIDER}), _first_evidence),
    "providers:setting-overview": Page(
        frozenset({PROVIDER}), _pk("own_setting"), forms=(MAIN_FORM,)
    ),
    "providers:application-list": Page(frozenset({PROVIDER})),
    "providers:application-detail": Page(
        frozenset({PROVIDER}), _pk("draft"), also=(_pk("evaluating"), _pk("passed"), _pk("failed"))
    ),
    "providers:application-scope": Page(frozenset({PROVIDER}), _pk("draft"), forms=(MAIN_FORM,)),
    "providers:application-evidence": Page(frozenset({PROVIDER}), _pk("draft")),
    "providers:application-prices": Page(frozenset({PROVIDER}), _pk("draft"), forms=(MAIN_FORM,)),
    "providers:application-services": Page(frozenset({PROVIDER}), _pk("draft"), forms=(MAIN_FORM,)),
    # Declarations left unticked are an answer (the submit page refuses them), not an error.
    "providers:application-declarations": Page(frozenset({PROVIDER}), _pk("draft")),
    "providers:application-submit": Page(frozenset({PROVIDER}), _pk("draft")),
    "providers:application-withdraw": Page(
        frozenset({PROVIDER}), _pk("draft"), also=(_pk("evaluating"),)
    ),
    "providers:agreement-sign": Page(
        frozenset({PROVIDER}), _pk("passed"), forms=(MAIN_FORM,), also=(_pk("evaluating"),)
    ),
    "providers:clarification-list": Page(frozenset({PROVIDER})),
    "providers:clarification-answer": Page(
        frozenset({PROVIDER}), _pk("clarification"), forms=(MAIN_FORM,)
    ),
    "providers:membership-status": Page(frozenset({PROVIDER})),
    # Onboarding: the lead authority's side.
    "providers:fps-manage": Page(frozenset({LEAD})),
    "providers:fps-create": Page(frozenset({LEAD}), forms=(MAIN_FORM,)),
    "providers:fps-edit": Page(frozenset({LEAD}), _pk("system")),
    "providers:agreement-documents": Page(frozenset({LEAD}), _pk("system"), forms=(MAIN_FORM,)),
    "providers:lot-create": Page(frozenset({LEAD}), _pk("system"), forms=(MAIN_FORM,)),
    "providers:window-list": Page(frozenset({LEAD})),
    "providers:window-create": Page(frozenset({LEAD}), forms=(MAIN_FORM,)),
    "providers:window-detail": Page(
        frozenset({LEAD}),
        _window(0),
        also=(*(_window(i) for i in range(1, 4)), _pk("scheduled")),
    ),
    "providers:window-reschedule": Page(
        frozenset({LEAD}), _pk("scheduled"), forms=(MAIN_FORM,), also=(_window(0),)
    ),
    "providers:window-cancel": Page(frozenset({LEAD}), _pk("scheduled"), forms=(MAIN_FORM,)),
    "providers:window-open-now": Page(frozenset({LEAD}), _pk("scheduled"), forms=(MAIN_FORM,)),
    "providers:window-close-early": Page(
        frozenset({LEAD}), lambda world, persona: {"pk": world.draft.window_id}, forms=(MAIN_FORM,)
    ),
    "providers:application-queue": Page(frozenset({LEAD}), query="?awaiting=evaluation"),
    "providers:evaluation-detail": Page(
        frozenset({LEAD}), _pk("evaluating"), also=(_pk("passed"), _pk("failed"))
    ),
    "providers:evaluation-record": Page(frozenset({LEAD}), _pk("evaluating"), forms=(MAIN_FORM,)),
    "providers:moderation": Page(frozenset({LEAD}), _pk("evaluating"), also=(_pk("passed"),)),
    "providers:clarification-ask": Page(frozenset({LEAD}), _pk("evaluating"), forms=(MAIN_FORM,)),
    "providers:membership-list": Page(frozenset({LEAD})),
    "providers:membership-change": Page(frozenset({LEAD}), _pk("membership"), forms=(MAIN_FORM,)),
    # The directory.
    "providers:setting-list": Page(frozenset({PROVIDER})),
    "providers:setting-create": Page(frozenset({PROVIDER}), forms=(MAIN_FORM,)),
    "providers:setting-detail": Page(AUTHORITY | {PROVIDER}, _setting_for),
    "providers:setting-edit": Page(frozenset({PROVIDER}), _pk("own_setting"), forms=(MAIN_FORM,)),
    # The world's setting is in applications: both pages say why they cannot be done yet.
    "providers:setting-delete": Page(frozenset({PROVIDER}), _pk("own_setting")),
    "providers:setting-withdraw": Page(frozenset({PROVIDER}), _pk("own_setting")),
    "providers:setting-prices": Page(
        frozenset({PROVIDER}),
        _pk("own_setting"),
        # No prices at all is an answer (the setting is then offered on no lot); a service
        # without a name or a rate is an error.
        forms=(SERVICE_FORM,),
    ),
    # The second step (one framework's areas) is the fullest state; the first step (which
    # framework, a GET form) is checked too (its error state: test_judgement_form_steps.py).
    "providers:judgement-create": Page(
        frozenset({LEAD, PROVIDER}),
        _pk("own_setting"),
        query="?framework=ofsted_4point",
        forms=(MAIN_FORM,),
        also_queries=("",),
    ),
    "providers:judgement-check-list": Page(frozenset({LEAD})),
    "providers:judgement-check": Page(frozenset({LEAD}), _pk("judgement"), forms=(MAIN_FORM,)),
    "providers:price-change-list": Page(frozenset({LEAD})),
    # Annual re-checks and expired evidence (branch recheck): the lead authority's and the
    # provider's, each persona seeing the state it acts in.
    # Quarterly monitoring (issue 14, qamonitor): the provider and Sefton's QA officer.
    "quality:monitoring-return-list": Page(frozenset({QA, PROVIDER})),
    "quality:monitoring-return": Page(
        frozenset({QA, PROVIDER}),
        _quality("sent_return"),
        also=(_quality("open_return"),),
    ),
    "quality:monitoring-return-figures": Page(
        frozenset({PROVIDER}), _quality("open_return"), forms=(MAIN_FORM,)
    ),
    "quality:monitoring-return-review": Page(
        frozenset({QA}), _quality("sent_return"), forms=(MAIN_FORM,)
    ),
    "quality:monitoring-setting": Page(frozenset({QA, PROVIDER}), _quality("monitoring_setting")),
    "quality:recheck-list": Page(frozenset({LEAD, PROVIDER})),
    "quality:recheck": Page(
        frozenset({LEAD, PROVIDER}),
        _quality("open_recheck", lead="sent_recheck"),
        also=(_quality("sent_recheck", lead="open_recheck"),),
    ),
    "quality:recheck-item": Page(frozenset({LEAD, PROVIDER}), _recheck_item, forms=(MAIN_FORM,)),
    "quality:recheck-add": Page(
        frozenset({PROVIDER}), _quality("open_recheck"), forms=(MAIN_FORM,)
    ),
    "quality:recheck-calendar": Page(frozenset({LEAD}), _quality("system")),
    "quality:suspension-proposal-list": Page(frozenset({LEAD})),
    "quality:suspension-proposal": Page(
        frozenset({LEAD}), _quality("proposal"), forms=(MAIN_FORM,)
    ),
    # QA visits (issue 14): the programme and the visits for Sefton's QA officer, senior
    # manager and commissioner; the provider's reports; the region's summaries.
    "quality:visit-programme": Page(frozenset({QA, SENIOR, COMMISSIONER})),
    "quality:visit-list": Page(frozenset({QA, SENIOR, COMMISSIONER, PROVIDER})),
    "quality:visit-new": Page(frozenset({QA}), forms=(MAIN_FORM,)),
    "quality:visit": Page(
        frozenset({QA, SENIOR, COMMISSIONER, PROVIDER}),
        _visit,
        also=(_quality("completed_visit"),),
    ),
    "quality:visit-complete": Page(
        frozenset({QA}), _quality("scheduled_visit"), forms=(MAIN_FORM,)
    ),
    "quality:visit-summary-list": Page(frozenset({QA, SENIOR, COMMISSIONER, LEAD})),
    # Improvement plans (branch qaplan): Sefton's QA officer's plan about the provider's setting.
    "quality:improvement-plan-list": Page(frozenset({QA, COMMISSIONER, SENIOR, PROVIDER})),
    "quality:improvement-plan-new": Page(frozenset({QA}), forms=(MAIN_FORM,)),
    "quality:improvement-plan": Page(
        frozenset({QA, COMMISSIONER, SENIOR, PROVIDER}), _quality("plan")
    ),
    "quality:improvement-action-new": Page(frozenset({QA}), _quality("plan"), forms=(MAIN_FORM,)),
    "quality:improvement-action": Page(
        frozenset({QA, COMMISSIONER, SENIOR, PROVIDER}), _plan_action, forms=(MAIN_FORM,)
    ),
    "quality:evidence-lapse-list": Page(frozenset({LEAD, PROVIDER})),
    "quality:evidence-lapse": Page(
        frozenset({LEAD, PROVIDER}),
        _quality("expired", lead="renewal_sent"),
        forms=(MAIN_FORM,),
    ),
    "providers:price-change": Page(frozenset({LEAD}), _pk("price_change"), forms=(MAIN_FORM,)),
    "providers:find-a-setting": Page(AUTHORITY),
    "providers:forum-directory": Page(EVERYONE),
    "providers:forum-setting": Page(EVERYONE, _pk("listed_setting")),
    "providers:forum-figures": Page(EVERYONE),
    # The authority administrator's pages.
    "people-list": Page(frozenset({ACCOUNTS})),
    "people-invite": Page(frozenset({ACCOUNTS}), forms=(MAIN_FORM,)),
    "people-detail": Page(frozenset({ACCOUNTS}), _pk("colleague")),
    "people-give-role": Page(frozenset({ACCOUNTS}), _pk("colleague"), forms=(MAIN_FORM,)),
    "people-deactivate": Page(frozenset({ACCOUNTS}), _pk("colleague"), forms=(MAIN_FORM,)),
    "people-role-remove": Page(frozenset({ACCOUNTS}), _role_of_colleague, forms=(MAIN_FORM,)),
    "people-senior-position": Page(frozenset({ACCOUNTS}), _role_of_colleague, forms=(MAIN_FORM,)),
    "api-client-list": Page(frozenset({ACCOUNTS})),
    "api-client-new": Page(frozenset({ACCOUNTS}), forms=(MAIN_FORM,)),
    "api-client-detail": Page(frozenset({ACCOUNTS}), _pk("api_client")),
    "api-client-credential": Page(frozenset({ACCOUNTS}), _pk("api_client")),
    "api-client-rotate": Page(frozenset({ACCOUNTS}), _pk("api_client"), forms=(MAIN_FORM,)),
    "api-client-revoke": Page(frozenset({ACCOUNTS}), _pk("api_client"), forms=(MAIN_FORM,)),
    "providers:about-the-fps": Page(EVERYONE),
    # Issue 11: the provider's side of a referral, and the authority's answers to questions.
    "referrals:invitation-list": Page(frozenset({PROVIDER})),
    "referrals:invitation-detail": Page(frozenset({PROVIDER}), _pk("invitation")),
    "referrals:invitation-decline": Page(
        frozenset({PROVIDER}), _pk("invitation"), forms=(MAIN_FORM,)
    ),
    "referrals:invitation-question": Page(
        frozenset({PROVIDER}), _pk("invitation"), forms=(MAIN_FORM,)
    ),
    # Its form saves a draft, which may be empty; what is missing is listed above it.
    "referrals:response-edit": Page(frozenset({PROVIDER}), _pk("response")),
    "referrals:response-service-add": Page(
        frozenset({PROVIDER}), _pk("response"), forms=(MAIN_FORM,)
    ),
    "referrals:response-attachment-add": Page(
        frozenset({PROVIDER}), _pk("response"), forms=(MAIN_FORM,)
    ),
    "referrals:referral-questions": Page(
        frozenset({COMMISSIONER, SENIOR}),
        lambda world, persona: {"pk": world.question.referral_id},
    ),
    "referrals:referral-question-answer": Page(
        frozenset({COMMISSIONER, SENIOR}),
        lambda world, persona: {"pk": world.question.referral_id, "question_pk": world.question.pk},
        forms=(MAIN_FORM,),
    ),
    # Children's records: the placing authority's commissioners and senior managers.
    "referrals:child-list": Page(PLACING, also_queries=("?q=thistle", "?q=nobody")),
    "referrals:child-create": Page(PLACING, forms=(MAIN_FORM,)),
    "referrals:child-detail": Page(PLACING, _pk("child")),
    "referrals:child-edit": Page(PLACING, _pk("child"), forms=(MAIN_FORM,)),
    "referrals:child-document-upload": Page(PLACING, _pk("child"), forms=(MAIN_FORM,)),
    "referrals:child-document-remove": Page(PLACING, _pk("child_document")),
    "referrals:placement-rules": Page(frozenset({ACCOUNTS}), forms=(MAIN_FORM,)),
    # Referrals and their routes (Sefton's; the senior manager is its DCS).
    "referrals:referral-list": Page(PLACING),
    "referrals:referral-create": Page(PLACING, forms=(MAIN_FORM,)),
    "referrals:referral-detail": Page(
        PLACING, _referral("open"), also=(_referral("direct"), _referral("preselected"))
    ),
    "referrals:referral-edit": Page(PLACING, _referral("open"), forms=(MAIN_FORM,)),
    "referrals:referral-criteria": Page(
        PLACING, _referral("open"), forms=("main form#criterion-add",)
    ),
    "referrals:referral-scale": Page(PLACING, _referral("open"), forms=(MAIN_FORM,)),
    # A competition that is not preselected has no shortlist: the page says so.
    "referrals:referral-shortlist": Page(
        PLACING, _referral("preselected"), forms=(MAIN_FORM,), also=(_referral("open"),)
    ),
    "referrals:referral-publish": Page(PLACING, _referral("open")),
    "referrals:referral-return": Page(PLACING, _referral("open"), forms=(MAIN_FORM,)),
    "referrals:referral-withdraw": Page(PLACING, _referral("open"), forms=(MAIN_FORM,)),
    "referrals:referral-close": Page(PLACING, _referral("open"), forms=(MAIN_FORM,)),
    "referrals:referral-route-case": Page(
        PLACING, _referral("spot"), forms=(MAIN_FORM,), also=(_referral("direct"),)
    ),
    "referrals:referral-review": Page(PLACING, _referral("direct"), forms=(MAIN_FORM,)),
    "referrals:authorisation-list": Page(frozenset({SENIOR})),
    "referrals:authorisation-decide": Page(
        frozenset({SENIOR}), _referral("direct"), forms=(MAIN_FORM,)
    ),
    # Evaluation and award: the placing authority (commissioner and senior manager) on a closed
    # referral, its senior managers' queue and decisions, the provider's placement and outcome.
    "referrals:evaluation": Page(PLACING_PAGE, _award("closed"), also=(_award("no_suitable"),)),
    "referrals:response-marks": Page(PLACING_PAGE, _award("response"), forms=(MAIN_FORM,)),
    "referrals:award-create": Page(PLACING_PAGE, _award("response"), forms=(MAIN_FORM,)),
    "referrals:no-suitable-provider": Page(PLACING_PAGE, _award("closed"), forms=(MAIN_FORM,)),
    "referrals:rerun": Page(PLACING_PAGE, _award("no_suitable"), forms=(MAIN_FORM,)),
    "referrals:award-detail": Page(PLACING_PAGE, _award("signing"), also=(_award("waiting"),)),
    "referrals:risk-documents": Page(PLACING_PAGE, _award("signing"), forms=(MAIN_FORM,)),
    "referrals:risk-approach": Page(PLACING_PAGE, _award("signing"), forms=(MAIN_FORM,)),
    "referrals:award-approvals": Page(frozenset({SENIOR})),
    "referrals:award-approval": Page(frozenset({SENIOR}), _award("waiting"), forms=(MAIN_FORM,)),
    # The demo's senior manager is the DCS, who does not sign: the page says who does.
    "referrals:risk-sign-off": Page(frozenset({SENIOR}), _award("signing")),
    "referrals:awarded-placement-list": Page(frozenset({PROVIDER})),
    "referrals:awarded-placement": Page(frozenset({PROVIDER}), _award("placement")),
    "referrals:invitation-outcome": Page(frozenset({PROVIDER}), _award("outcome")),
    "contracts:agreement": Page(PLACING | {PROVIDER}, _award("agreement")),
    "contracts:agreement-version": Page(
        PLACING | {PROVIDER},
        lambda world, persona: {"pk": world.awards["agreement"], "number": 1},
    ),
    "contracts:order": Page(PLACING | {PROVIDER}, _award("order")),
    # Signing (branch ipasign): the world's agreement is a draft, so the drafting pages show
    # their forms, the issue page what is missing, the signing page whose turn it is.
    "contracts:agreements-waiting": Page(PLACING | {PROVIDER}),
    "contracts:agreement-draft": Page(PLACING, _award("agreement")),
    "contracts:agreement-draft-provision": Page(PLACING, _award("agreement")),
    "contracts:agreement-draft-costs": Page(PLACING, _award("agreement")),
    "contracts:agreement-draft-funding": Page(PLACING, _award("agreement")),
    "contracts:agreement-draft-signatories": Page(PLACING, _award("agreement")),
    "contracts:agreement-issue": Page(PLACING, _award("agreement")),
    "contracts:agreement-sign": Page(PLACING | {PROVIDER}, _award("agreement")),
    "contracts:agreement-withdraw": Page(
        PLACING, lambda world, persona: {"pk": world.awards["agreement"], "number": 1}
    ),
    # Variations and ends: the propose and end forms on a signed agreement with nothing open
    # (the page with a variation open, which only says why not, as `also`).
    **{
        f"contracts:{name}": Page(
            PLACING | {PROVIDER},
            _award("clean_agreement"),
            forms=(MAIN_FORM,),
            also=(_award("signed_agreement"),),
        )
        for name in ("variation-uplift", "variation-provision", "variation-end-date")
    },
    "contracts:placement-end": Page(
        PLACING | {PROVIDER}, _award("clean_agreement"), forms=(MAIN_FORM,)
    ),
    "contracts:variation-refuse": Page(PLACING | {PROVIDER}, _award("variation")),
    "contracts:variation-withdraw": Page(PLACING | {PROVIDER}, _award("variation")),
    # contracts: placements (branch plist): each party's list, with its commitment or income.
    "contracts:placements": Page(PLACING | {PROVIDER}),
    "contracts:regional-uplifts": Page(AUTHORITY | {PROVIDER}),
    "contracts:regional-uplift-publish": Page(frozenset({LEAD}), forms=(MAIN_FORM,)),
    "contracts:regional-uplift-apply": Page(
        frozenset({PROVIDER}), _award("regional_uplift"), forms=(MAIN_FORM,)
    ),
    # Ofsted imports (issue 13, ofsted): the lead authority's evaluators; an import imported,
    # refused (its row, column and value) and still queued.
    "quality:import-list": Page(frozenset({LEAD}), forms=(MAIN_FORM,)),
    "quality:import-detail": Page(
        frozenset({LEAD}),
        lambda world, persona: {"pk": world.imports["done"]},
        also=(
            lambda world, persona: {"pk": world.imports["refused"]},
            lambda world, persona: {"pk": world.imports["queued"]},
        ),
    ),
    # Rating alerts (quality): authorities' senior managers and the lead authority's evaluator;
    # the decision queue is the lead authority's.
    "quality:concern-list": Page(CONCERN_READERS, also_queries=("?state=open",)),
    "quality:concern-new": Page(CONCERN_STAFF, forms=(MAIN_FORM,)),
    "quality:concern": Page(CONCERN_READERS, _quality("concern")),
    "quality:concern-record": Page(CONCERN_READERS, _quality("concern"), forms=(MAIN_FORM,)),
    "quality:concern-escalate": Page(CONCERN_STAFF, _quality("concern"), forms=(MAIN_FORM,)),
    "quality:concern-close": Page(CONCERN_STAFF, _quality("concern"), forms=(MAIN_FORM,)),
    "quality:alert-list": Page(frozenset({SENIOR, LEAD})),
    "quality:alert": Page(frozenset({SENIOR, LEAD}), _alert),
    "quality:decision-list": Page(frozenset({LEAD})),
    "quality:decision": Page(frozenset({LEAD}), _alert, forms=(MAIN_FORM,)),
}

# Routes that answer no page of their own, and why; the pages they lead to are checked above.
NOT_PAGES: dict[str, str] = {
    "quality:alert-acknowledge": "POST only; redirects to the alert",
    "quality:concern-letter": "a file download (the letter of escalation's PDF)",
    "quality:import-file": "a file download (the Ofsted file as it was sent)",
    "referrals:awarded-document": "a file download (a document of the placed child's record)",
    "healthz": "JSON for the load balancer",
    "logout": "POST only; redirects to sign in (LOGOUT_REDIRECT_URL)",
    "notification-open": "POST only; redirects to the notification's page",
    "providers:evidence-download": "a file download",
    "quality:improvement-action-evidence": "a file download (an improvement action's evidence)",
    "referrals:child-document-download": "a file download (a document on a child's record)",
    "referrals:child-export": "a CSV download (the child's record)",
    "providers:agreement-document-download": "a file download (the agreement's PDF)",
    "contracts:agreement-pdf": "a file download (a version's PDF, or a line: being prepared)",
    "contracts:agreement-signed-pdf": "a file download (the signed copy, or: being prepared)",
    "contracts:order-pdf": "a file download (the Order's PDF, or a line: being prepared)",
    "quality:visit-report": "a file download (the QA visit report's PDF, or: being prepared)",
    "contracts:placements-export": "a CSV or XLSX download (the placements list)",
    "providers:find-a-setting-csv": "a CSV download",
    "providers:find-a-setting-xlsx": "a spreadsheet download",
    "providers:window-complete": "POST only; redirects to the window's page",
    "providers:clarification-withdraw": "POST only; redirects to the evaluation page",
    "providers:setting-service-add": "POST only; its errors show on the prices page (above)",
    "providers:setting-service-remove": "POST only; redirects to the prices page",
    "referrals:invitation-reopen": "POST only; redirects to the invitation",
    "referrals:invitation-document": "a file download (a document shared with invitees)",
    "referrals:response-submit": "POST only; redirects to the response (errors shown there)",
    "referrals:response-withdraw": "POST only; redirects to the response",
    "referrals:response-resubmit": "POST only; redirects to the response",
    "referrals:response-service-remove": "POST only; redirects to the response",
    "referrals:response-attachment": "a file download",
    "referrals:response-attachment-remove": "POST only; redirects to the response",
    "referrals:referral-criterion-remove": "POST only; redirects to the criteria page",
}


@dataclass(frozen=True)
class ErrorPage:
    """A state that renders an error template: who, where, the status it answers."""

    name: str
    persona: str
    path: str
    status: int
    template: str


ERROR_PAGES = [
    ErrorPage("missing page, signed out", ANONYMOUS, "/no-such-page/", 404, "404.html"),
    ErrorPage("missing page, signed in", COMMISSIONER, "/no-such-page/", 404, "404.html"),
    ErrorPage("another role's page", COMMISSIONER, "/fps/", 403, "403.html"),
    ErrorPage("no organisation", NO_ORGANISATION, "/dashboard/", 403, "portal/no_membership.html"),
    ErrorPage("server error", ANONYMOUS, "/a11y-server-error/", 500, "500.html"),
    ErrorPage(
        "registration link expired or used",
        ANONYMOUS,
        "/onboarding/register/confirm/no-such-link/",
        404,
        "registration/register_link_expired.html",
    ),
    # Sign-in limits (tests/browser/urls.py answers with them as sign-in would).
    ErrorPage(
        "signing in locked out", ANONYMOUS, "/a11y-locked-out/", 429, "registration/locked_out.html"
    ),
    ErrorPage(
        "too many requests",
        ANONYMOUS,
        "/a11y-too-many-requests/",
        429,
        "registration/too_many_requests.html",
    ),
    # The search forms are GET forms: their error state is a bad filter in the address.
    ErrorPage(
        "search with a bad postcode",
        COMMISSIONER,
        "/find-a-setting/?postcode=hello",
        400,
        "providers/directory/search.html",
    ),
    ErrorPage(
        "directory with a bad postcode",
        FORUM,
        "/forum/settings/?postcode=hello",
        400,
        "providers/forum/directory.html",
    ),
]


#: Routes under /api/ that are pages a person reads.
API_PAGES = frozenset({"api-docs"})


def page_route_names() -> Iterator[str]:
    """The name of every route of the portal's pages: not the API (but its documentation page),
    the back office or the static files."""

    def walk(patterns: list[Any], prefix: str, namespace: str) -> Iterator[tuple[str, str]]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern), namespace + (pattern.name or "")

    for route, name in walk(get_resolver("fps_portal.urls").url_patterns, "", ""):
        if route.startswith(("api/", "back-office/")) and name not in API_PAGES:
            continue
        yield name


def url_of(name: str, world: World, persona: str) -> str:
    page = PAGES[name]
    return reverse(name, kwargs=page.kwargs(world, persona)) + page.query


def other_states(name: str, world: World, persona: str) -> list[str]:
    page = PAGES[name]
    here = reverse(name, kwargs=page.kwargs(world, persona))
    return [reverse(name, kwargs=state(world, persona)) + page.query for state in page.also] + [
        here + query for query in page.also_queries
    ]
