"""The rows each query budget's page reads (two or more of each list), and the request to make.

Used by `tests/portal/test_query_budgets.py`, whose table names the queries each page makes.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from fps_portal.accounts.models import Role, User
from fps_portal.actors import actor_for_user
from fps_portal.notifications.models import Notification
from providers.models import (
    ClarificationQuestion,
    Lot,
    PriceChange,
    PriceChangeState,
    PurchasingSystem,
    Setting,
)
from providers.services.setting_prices import setting_set_price
from tests.factories import person
from tests.providers.directory.conftest import World, build_world
from tests.providers.factories import ReportedJudgementFactory, publish_agreement
from tests.providers.onboarding import states
from tests.providers.onboarding.factories import (
    ReadyProvider,
    make_membership,
    make_system,
    open_window,
)


@dataclass(frozen=True)
class Call:
    """One GET: by `user` (None: anonymous), through the API's token or a browser session."""

    path: str
    user: User | None
    api: bool = False


# Builders: the rows each page reads, two or more of each list -----------------------------


def lead() -> User:
    return person(Role.LEAD_EVALUATOR)


def commissioner() -> User:
    return person(Role.COMMISSIONER)


def forum_member() -> User:
    return person(Role.FORUM_MEMBER)


def ask(application_id: int, question: str = "Who is your safeguarding lead?") -> int:
    return ClarificationQuestion.objects.create(
        application_id=application_id,
        question=question,
        asked_by=lead(),
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


def evaluation_round() -> Round:
    window = open_window()
    first, second = states.provider(), states.provider()
    applications = [states.under_evaluation(r, window) for r in (first, second)]
    # A second application of the first provider, in another window, so its lists have two.
    states.draft(first, open_window(purchasing_system=window.purchasing_system))
    questions = [ask(a.pk) for a in applications] + [ask(applications[0].pk, "And a second?")]
    for ready in (first, second):
        make_membership(purchasing_system=window.purchasing_system, provider=ready.provider)
    return Round(window.pk, first, [a.pk for a in applications], questions)


def directory() -> World:
    return build_world()


def with_notifications(user: User) -> User:
    for n in range(3):
        Notification.objects.create(
            recipient=user, event_key=f"budget:{n}", subject=f"Notice {n}", body="Body", url="/"
        )
    return user


def me() -> Call:
    return Call("/api/v1/me/", lead(), api=True)


def page(path: str, user: User | None, *, after: object = None, api: bool = False) -> Call:
    """A browser GET (an API GET with the user's token: `api`); `after` is the rows built for
    it (evaluated first, then ignored)."""
    return Call(path, user, api=api)


def api(path: str, user: User | None, *, after: object = None) -> Call:
    return page(path, user, api=True)


def round_provider(path_in: Callable[[Round], str], *, api: bool = False) -> Call:
    """A GET by the round's provider user of the page of one of the round's objects."""
    built = evaluation_round()
    return page(path_in(built), built.ready.user, api=api)


def rounds(count: int) -> Round:
    """`count` rounds (two windows and four applications each round); the last one."""
    built = [evaluation_round() for _ in range(count)]
    return built[-1]


def provider_user(world: World) -> User:
    return person(Role.PROVIDER_USER, organisation=world.provider)


def agreement_versions() -> PurchasingSystem:
    """A purchasing system whose agreement has three published versions."""
    system = make_system()
    publish_agreement(system)
    publish_agreement(system)
    return system


def passed_member() -> tuple[ReadyProvider, int]:
    ready = states.provider()
    application, _membership = states.member(ready)
    states.passed(states.provider(), application.window)
    return ready, application.pk


def price_changes_waiting() -> tuple[World, int]:
    """Two members' changes to approved prices, waiting for the lead authority; the first's id."""
    world = build_world()
    first = propose_price(world, world.crewe, world.day, "3400.00")
    propose_price(world, world.bootle, world.day, "2900.00")
    return world, first


def propose_price(world: World, setting: Setting, lot: Lot, price: str) -> int:
    provider = actor_for_user(person(Role.PROVIDER_USER, organisation=setting.provider))
    assert provider is not None
    setting_set_price(actor=provider, setting=setting, lot=lot, weekly_price=price)
    return PriceChange.objects.get(offer__setting=setting, state=PriceChangeState.PENDING).pk


def awaiting_check() -> User:
    world = build_world()
    ReportedJudgementFactory(setting=world.crewe)
    ReportedJudgementFactory(setting=world.bootle)
    return lead()


def authority_admin() -> User:
    """Sefton's administrator, with two colleagues (one with two roles, one who left) and two
    API clients."""
    from fps_portal.accounts.models import Membership
    from tests.factories import authority, registered_api_client

    sefton = authority("Sefton")
    admin = person(Role.AUTHORITY_ADMIN, sefton)
    both = person(Role.COMMISSIONER, sefton)
    Membership.objects.create(user=both, organisation=sefton, role=Role.QA_OFFICER)
    left = person(Role.QA_OFFICER, sefton)
    Membership.objects.filter(user=left).update(is_active=False, ended_at=timezone.now())
    registered_api_client(admin, name="Case system")
    registered_api_client(admin, name="Finance system", role=Role.QA_OFFICER)
    return admin


def first_colleague(admin: User) -> int:
    from fps_portal.accounts.models import Membership

    return (
        Membership.objects.filter(organisation__memberships__user=admin, role=Role.QA_OFFICER)
        .values_list("user_id", flat=True)
        .order_by("pk")
        .first()
    )  # type: ignore[return-value]


def first_client(admin: User) -> int:
    from fps_portal.accounts.models import ApiClient

    return ApiClient.objects.filter(created_by=admin).order_by("pk").values_list("pk", flat=True)[0]


@dataclass
class Invited:
    """A provider invited to two open referrals, each with two criteria, two descriptors, two
    answered questions, two shared documents and the provider's responses from two settings."""

    user: User
    commissioner: User
    invitation: int
    referral: int
    response: int
    question: int


def invited_twice() -> Invited:
    import hashlib
    from decimal import Decimal

    from django.core.files.base import ContentFile

    from providers.models import AdditionalService
    from referrals.models import ChildDocument, ReferralQuestion, ResponseService, ScaleDescriptor
    from tests.providers.factories import SettingLotFactory
    from tests.referrals.factories import (
        CriterionFactory,
        InvitationFactory,
        ResponseFactory,
        published_competition,
    )

    first = published_competition()
    second_setting = SettingLotFactory(
        setting__provider=first.provider, lot=first.lot, weekly_price=Decimal("3000.00")
    ).setting
    other = published_competition()
    invitations: list[Any] = [
        first.invitation,
        InvitationFactory(referral=other.referral, provider=first.provider),
    ]
    responses = []
    for invitation in invitations:
        referral = invitation.referral
        CriterionFactory(referral=referral, weight=0, kind="pass_fail", title="Registered")
        for score in (0, 5):
            ScaleDescriptor.objects.create(
                referral=referral, score=score, descriptor=f"Score {score}"
            )
        for n in range(2):
            body = f"%PDF-1.4 budget {referral.pk} {n}".encode()
            document = ChildDocument(
                child=referral.child,
                kind="report",
                title=f"Report {n}",
                original_filename="report.pdf",
                content_type="application/pdf",
                size=len(body),
                sha256=hashlib.sha256(body).hexdigest(),
            )
            document.file.save("report.pdf", ContentFile(body), save=False)
            document.save()
            referral.shared_documents.add(document)
            ReferralQuestion.objects.create(
                referral=referral,
                asked_by_invitation=invitation,
                question=f"Question {n}?",
                answer="Yes.",
                answered_at=timezone.now(),
            )
        for setting in (first.setting, second_setting):
            response: Any = ResponseFactory(invitation=invitation, setting=setting)
            for name in ("Escort", "1:1"):
                ResponseService.objects.create(
                    response=response, name=name, unit="hour", rate="20.00", quantity="2"
                )
            responses.append(response)
    AdditionalService.objects.create(setting=first.setting, name="OT", unit="hour", rate="40.00")
    return Invited(
        user=first.provider_user,
        commissioner=first.commissioner,
        invitation=first.invitation.pk,
        referral=first.referral.pk,
        response=responses[0].pk,
        question=ReferralQuestion.objects.filter(referral=first.referral).first().pk,  # type: ignore[union-attr]
    )
