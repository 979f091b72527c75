"""The world the authorisation matrix runs in: one of everything each route takes an id of, for
two providers (X, an active member of the FPS, and Y, suspended by the lead authority), two
authorities (A, the lead authority, and B), a forum of A and a platform administrator (staff, no
membership), built once per module through the factories and services.

Each route's objects come in three cases: X's (provider X's, or the actor's own where the object
belongs to a person), Y's (another organisation's, or another person's) and a missing id.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.apps import apps as django_apps
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from fps_portal.accounts.models import Organisation, Role, User
from fps_portal.accounts.services.api_clients import api_client_create
from fps_portal.notifications.models import Notification
from providers.models import (
    AdditionalService,
    AgreementDocument,
    Application,
    FpsMembership,
    InspectionJudgement,
    Lot,
    PriceChange,
    RequirementResult,
    Setting,
    SettingLot,
)
from providers.services.clarifications import clarification_ask
from providers.services.membership import membership_change
from tests.contracts.matrix import build_contracts_world
from tests.factories import ForumFactory, authority, lead_authority, person
from tests.providers.factories import (
    FpsMembershipFactory,
    ReportedJudgementFactory,
    SettingLotFactory,
)
from tests.providers.onboarding.factories import (
    actor,
    close,
    make_lot,
    make_system,
    open_window,
    ready_provider,
    submitted_application,
)
from tests.quality.concern_matrix import build_concern_world
from tests.quality.gates_world import build_imports
from tests.quality.matrix import build_quality_world
from tests.quality.monitoring_matrix import build_monitoring_side
from tests.quality.plan_matrix import build_plan_side
from tests.quality.recheck_matrix import build_quality_side
from tests.quality.visit_matrix import build_visit_side
from tests.referrals.awards.matrix import build_awards_world
from tests.referrals.referrals.matrix_rows import ReferralRows, referral_rows

ANONYMOUS = "anonymous"
PROVIDER_X = "provider_x"
PROVIDER_Y = "provider_y"
COMMISSIONER_A = "commissioner_a"
COMMISSIONER_B = "commissioner_b"
QA_OFFICER_A = "qa_officer_a"
SENIOR_MANAGER_A = "senior_manager_a"
LEAD_EVALUATOR_A = "lead_evaluator_a"
FORUM_MEMBER = "forum_member"
PLATFORM_ADMIN = "platform_admin"
#: Authority A's administrator: manages A's people and API clients, sees no casework.
AUTHORITY_ADMIN_A = "authority_admin_a"

#: Every actor the matrix asks as. Authority A is the lead authority; B is another placing one.
ACTORS = (
    ANONYMOUS,
    PROVIDER_X,
    PROVIDER_Y,
    COMMISSIONER_A,
    COMMISSIONER_B,
    QA_OFFICER_A,
    SENIOR_MANAGER_A,
    LEAD_EVALUATOR_A,
    FORUM_MEMBER,
    PLATFORM_ADMIN,
    AUTHORITY_ADMIN_A,
)
AUTHORITY_ACTORS = (COMMISSIONER_A, COMMISSIONER_B, QA_OFFICER_A, SENIOR_MANAGER_A)
PROVIDERS = (PROVIDER_X, PROVIDER_Y)

#: An id no row has: the "missing" case.
MISSING_ID = 987654321


@dataclass
class Side:
    """One provider's objects (or, for `notification`, one person's)."""

    organisation: Organisation
    setting: Setting
    service: AdditionalService
    judgement: InspectionJudgement  # reported by the provider, awaiting the lead's check
    evidence: int
    application: int
    clarification: int
    membership: int
    price_change: int  # a change of the setting's price, waiting for the lead authority
    results: tuple[int, ...] = ()  # the application's requirement results
    application_lot: int = 0  # the lot the application is for
    # Issue 11, the provider's side: its invitation to authority A's open referral, its draft
    # response there with a service and an attachment, and the document A shared.
    invitation: int = 0
    response: int = 0
    response_service: int = 0
    response_attachment: int = 0
    shared_document: int = 0
    # Authority A's referral ("X") or B's ("Y"), with a question a provider asked on it.
    question_referral: int = 0
    referral_question: int = 0
    #: The evaluation and award routes' objects (tests/referrals/awards/matrix.py), by kind:
    #: authority A's or provider X's on side X, authority B's or provider Y's on side Y.
    awards: dict[str, int] = field(default_factory=dict)
    #: The Order and agreement routes' objects (tests/contracts/matrix.py), by kind: authority
    #: A's with provider X on side X, authority B's with provider Y on side Y.
    contracts: dict[str, int] = field(default_factory=dict)
    #: The rating alerts' objects (tests/quality/matrix.py), by kind: told to authority A on
    #: side X (provider X's setting), to authority B only on side Y (provider Y's); and
    #: the re-check and expiry routes' objects (tests/quality/recheck_matrix.py), by kind: the
    #: provider's own on each side.
    quality: dict[str, int] = field(default_factory=dict)


@dataclass
class World:
    users: dict[str, User]
    x: Side
    y: Side
    purchasing_system: int
    window: int
    lot: Lot
    authority_a: Organisation
    #: Version 1 of the system's agreement (published by the factory).
    agreement_document: int
    #: Each signed-in actor's own notification, and one of a bystander's (nobody's here).
    notifications: dict[str, int]
    bystander_notification: int
    sessions: dict[str, str] = field(default_factory=dict)
    #: An Ofsted import, the lead authority's (tests/quality/gates_world.py).
    inspection_import: int = 0
    tokens: dict[str, str] = field(default_factory=dict)
    #: Authority A's and B's: a colleague (user), one of their roles, an API client. "X" is A's.
    people: tuple[int, int] = (0, 0)
    roles: tuple[int, int] = (0, 0)
    api_clients: tuple[int, int] = (0, 0)
    #: Authority A's child and B's, and a document on each record ("X" is A's).
    children: tuple[int, int] = (0, 0)
    child_documents: tuple[int, int] = (0, 0)
    #: Authority A's and B's referral objects ("X" is A's): tests/referrals/referrals/matrix_rows.
    referral_rows: ReferralRows | None = None


def _side(ready_setting: Setting, organisation: Organisation, system: object, lot: Lot) -> Side:
    FpsMembershipFactory(purchasing_system=system, provider=organisation)
    offer: SettingLot = SettingLotFactory(  # type: ignore[assignment]
        setting=ready_setting, lot=lot, weekly_price=Decimal("3250.00")
    )
    # Made as the data it is: the offer stays unapproved, so the setting stays out of searches.
    price_change = PriceChange.objects.create(
        offer=offer, approved_price=offer.weekly_price, proposed_price=Decimal("3400.00")
    )
    service = AdditionalService.objects.create(
        setting=ready_setting, name="1:1 support", unit="hour", rate=Decimal("35.00")
    )
    judgement = ReportedJudgementFactory(setting=ready_setting)
    return Side(
        organisation=organisation,
        setting=ready_setting,
        service=service,
        judgement=judgement,
        evidence=organisation.evidence.order_by("pk").values_list("pk", flat=True)[0],
        application=0,
        clarification=0,
        membership=organisation.fps_memberships.get().pk,
        price_change=price_change.pk,
    )


def _competition(world: World, x: Side, y: Side) -> None:
    """Issue 11: authority A's open referral on the matrix lot, inviting X and Y (each with a
    draft response, a service and an attachment, and a shared document), and B's, inviting Y;
    a question on each. Rows, as the referral factories make them."""
    import hashlib

    from django.core.files.base import ContentFile

    from referrals.models import (
        ChildDocument,
        ReferralQuestion,
        ReferralState,
        ResponseAttachment,
        ResponseService,
    )
    from tests.referrals.factories import (
        CriterionFactory,
        InvitationFactory,
        ReferralFactory,
        ResponseFactory,
    )

    def referral(authority: Organisation) -> Any:
        made = ReferralFactory(
            child__authority=authority,
            authority=authority,
            lot=world.lot,
            purchasing_system=world.lot.purchasing_system,
            state=ReferralState.OPEN,
            published_at=timezone.now(),
            response_deadline=timezone.now() + datetime.timedelta(days=7),
            shown_age_years=12,
        )
        CriterionFactory(referral=made)
        return made

    referral_a = referral(world.authority_a)
    referral_b = referral(authority("Sefton"))
    body = b"%PDF-1.4\n% matrix shared plan\n%%EOF\n"
    document = ChildDocument(
        child=referral_a.child,
        kind="redacted_ehc_plan",
        title="EHC plan (redacted)",
        original_filename="plan.pdf",
        content_type="application/pdf",
        size=len(body),
        sha256=hashlib.sha256(body).hexdigest(),
    )
    document.file.save("plan.pdf", ContentFile(body), save=False)
    document.save()
    referral_a.shared_documents.add(document)
    for side in (x, y):
        invitation = InvitationFactory(referral=referral_a, provider=side.organisation)
        response: Any = ResponseFactory(
            invitation=invitation, setting=side.setting, how_needs_met=""
        )
        service = ResponseService.objects.create(
            response=response, name="Matrix support", unit="hour", rate="30.00", quantity="2"
        )
        file_body = f"%PDF-1.4\n% matrix attachment {side.organisation.pk}\n%%EOF\n".encode()
        attachment = ResponseAttachment(
            response=response,
            title="Matrix plan",
            original_filename="matrix.pdf",
            content_type="application/pdf",
            size=len(file_body),
            sha256=hashlib.sha256(file_body).hexdigest(),
        )
        attachment.file.save("matrix.pdf", ContentFile(file_body), save=False)
        attachment.save()
        side.invitation, side.response = invitation.pk, response.pk
        side.response_service, side.response_attachment = service.pk, attachment.pk
        side.shared_document = document.pk
    invited_b = InvitationFactory(referral=referral_b, provider=y.organisation)
    for side, on, by in ((x, referral_a, x.invitation), (y, referral_b, invited_b.pk)):
        side.question_referral = on.pk
        side.referral_question = ReferralQuestion.objects.create(
            referral=on, asked_by_invitation_id=by, question="Is transport included?"
        ).pk


def build_world() -> World:
    """Everything the matrix asks about; call inside a transaction the module rolls back."""
    a = lead_authority()
    b = authority("Sefton")
    window = open_window(purchasing_system=make_system(lead_authority=a))
    system = window.purchasing_system
    lot = make_lot(purchasing_system=system, code="M1", name="Matrix lot")
    ready_x, ready_y = ready_provider(), ready_provider()
    users = {
        PROVIDER_X: ready_x.user,
        PROVIDER_Y: ready_y.user,
        COMMISSIONER_A: person(Role.COMMISSIONER, a),
        COMMISSIONER_B: person(Role.COMMISSIONER, b),
        QA_OFFICER_A: person(Role.QA_OFFICER, a),
        SENIOR_MANAGER_A: person(Role.SENIOR_MANAGER, a),
        LEAD_EVALUATOR_A: person(Role.LEAD_EVALUATOR, a),
        FORUM_MEMBER: person(Role.FORUM_MEMBER, ForumFactory(forum_authority=a)),
        AUTHORITY_ADMIN_A: person(Role.AUTHORITY_ADMIN, a),
        PLATFORM_ADMIN: User.objects.create_user(
            "platform.admin@example.org", "x", full_name="Platform Admin", is_staff=True
        ),
    }
    sides = []
    for ready in (ready_x, ready_y):
        application = submitted_application(ready, window)
        side = _side(ready.setting, ready.provider, system, lot)
        side.application = application.pk
        side.application_lot = application.lots.get().pk
        sides.append(side)
    close(window)
    due = timezone.now() + datetime.timedelta(days=5)
    for side in sides:
        side.results = tuple(
            RequirementResult.objects.filter(application_id=side.application)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        side.clarification = clarification_ask(
            actor=actor(users[LEAD_EVALUATOR_A]),
            application=Application.objects.get(pk=side.application),
            question="Please send the current insurance schedule.",
            due_at=due,
        ).pk
    # Y was suspended: off the FPS for forums and searches, still seen by authorities.
    membership_change(
        actor=actor(users[LEAD_EVALUATOR_A]),
        membership=FpsMembership.objects.get(pk=sides[1].membership),
        action="suspend",
        reason="Insurance lapsed.",
        review_on=timezone.localdate() + datetime.timedelta(days=30),
    )
    world_x, world_y = build_awards_world(
        lot=lot,
        authority_a=a,
        authority_b=b,
        commissioner_a=users[COMMISSIONER_A],
        commissioner_b=users[COMMISSIONER_B],
        senior_manager_a=users[SENIOR_MANAGER_A],
        provider_x=sides[0].organisation,
        provider_y=sides[1].organisation,
        setting_x=sides[0].setting,
        setting_y=sides[1].setting,
    )
    sides[0].awards, sides[1].awards = world_x, world_y
    sides[0].contracts, sides[1].contracts = build_contracts_world(
        placement_x=world_x["placement"],
        authority_b=b,
        commissioner_b=users[COMMISSIONER_B],
        provider_y=sides[1].organisation,
        setting_y=sides[1].setting,
        lot=lot,
    )
    sides[0].quality, sides[1].quality = build_quality_world(
        setting_x=sides[0].setting,
        setting_y=sides[1].setting,
        told_a=[(users[SENIOR_MANAGER_A], a), (users[LEAD_EVALUATOR_A], a)],
        told_b=[(person(Role.SENIOR_MANAGER, b), b)],
    )
    for side in sides:
        side.quality = {**side.quality, **build_quality_side(membership_id=side.membership)}
    for side, visiting in zip(sides, (a, b), strict=True):
        side.quality = {
            **side.quality,
            **build_visit_side(authority=visiting, setting=side.setting),
        }
        side.quality.update(build_monitoring_side(agreement_id=side.contracts["agreement"]))
    # Improvement plans (tests/quality/plan_matrix.py): A's about X's setting, B's about Y's.
    for side, owner in ((sides[0], a), (sides[1], b)):
        side.quality |= build_plan_side(authority=owner, setting=side.setting)
    concern_x, concern_y = build_concern_world(
        authority_a=a,
        authority_b=b,
        setting_x=sides[0].setting,
        setting_y=sides[1].setting,
        by_a=users[QA_OFFICER_A],
        by_b=users[COMMISSIONER_B],
    )
    sides[0].quality.update(concern_x)
    sides[1].quality.update(concern_y)
    bystander = person(Role.COMMISSIONER, b)
    Group.objects.create(name="Matrix readers")  # so every back-office model has a row
    notifications = {
        name: Notification.objects.create(
            recipient=user, event_key=f"matrix:{name}", subject="Hello", body="Matrix", url="/"
        ).pk
        for name, user in users.items()
    }
    world = World(
        users=users,
        x=sides[0],
        y=sides[1],
        purchasing_system=system.pk,
        window=window.pk,
        lot=lot,
        authority_a=a,
        agreement_document=AgreementDocument.objects.get(purchasing_system=system).pk,
        notifications=notifications,
        bystander_notification=Notification.objects.create(
            recipient=bystander, event_key="matrix:bystander", subject="Hi", body="Matrix"
        ).pk,
    )
    _competition(world, sides[0], sides[1])
    world.inspection_import = build_imports()["done"]
    admin_b = person(Role.AUTHORITY_ADMIN, b)
    world.people = (users[COMMISSIONER_A].pk, users[COMMISSIONER_B].pk)
    world.roles = (
        users[SENIOR_MANAGER_A].memberships.get().pk,
        users[COMMISSIONER_B].memberships.get().pk,
    )
    world.api_clients = tuple(  # type: ignore[assignment]
        api_client_create(
            actor=actor(admin), name="Matrix system", role=Role.COMMISSIONER
        ).client.pk
        for admin in (users[AUTHORITY_ADMIN_A], admin_b)
    )
    _children(world, users)
    world.referral_rows = referral_rows(
        authorities=(a, b),
        commissioners=(users[COMMISSIONER_A], users[COMMISSIONER_B]),
        lot=lot,
        setting=sides[0].setting,
    )
    if django_apps.is_installed("django_otp.plugins.otp_static"):
        from django_otp.plugins.otp_static.models import StaticDevice

        # Recovery codes are a back-office model too; every such model needs a row to ask about.
        StaticDevice.objects.create(user=users[PLATFORM_ADMIN], name="Recovery codes")
    for name, user in users.items():
        world.sessions[name] = _session_of(user)
        world.tokens[name] = Token.objects.create(user=user).key
    return world


def _children(world: World, users: dict[str, User]) -> None:
    """A child of authority A and one of B, each with a document on the record."""
    from referrals.services.child_documents import child_document_add
    from tests.providers.onboarding.factories import upload
    from tests.referrals.factories import ChildFactory

    children, documents = [], []
    for org, commissioner in (
        (world.authority_a, users[COMMISSIONER_A]),
        (users[COMMISSIONER_B].memberships.get().organisation, users[COMMISSIONER_B]),
    ):
        child = ChildFactory(authority=org)
        children.append(child.pk)
        documents.append(
            child_document_add(
                actor=actor(commissioner),
                child=child,
                kind="ehc_plan",
                title="EHC plan",
                upload=upload("plan.pdf"),
            ).pk
        )
    world.children = (children[0], children[1])
    world.child_documents = (documents[0], documents[1])


def _session_of(user: User) -> str:
    """A browser session of `user`, signed in past the second factor where the portal asks for
    one (the world is built before any per-test fixture could patch force_login)."""
    browser = Client()
    browser.force_login(user)
    if django_apps.is_installed("django_otp"):
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="Matrix app", confirmed=True)
        session = browser.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return browser.cookies["sessionid"].value
