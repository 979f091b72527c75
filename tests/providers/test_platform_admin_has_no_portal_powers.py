"""Issue 9, defect 3: a staff account holds no lead-authority power in the API or the portal.

Platform administrators act only in the back office, under Django's model permissions. In pages
and the API a user with no membership is no organisation's actor: every write below answers 403
or 404 (404 where the object is read through scoping, which shows them nothing) and writes
nothing, for a staff user and for a superuser alike.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.admin import site as back_office
from django.test import Client
from django.utils import timezone

from fps_portal.accounts.models import Organisation, User
from fps_portal.audit.models import AuditEvent
from fps_portal.scoping import scoped
from providers.models import (
    CheckStatus,
    EvaluationWindow,
    FpsMembership,
    InspectionJudgement,
    Lot,
    MembershipState,
    PurchasingSystem,
    Setting,
)
from tests.factories import UserFactory, api_client_for
from tests.providers.factories import ReportedJudgementFactory
from tests.providers.onboarding.factories import (
    actor,
    make_membership,
    make_setting,
    make_system,
    scheduled_window,
)

pytestmark = pytest.mark.django_db

TOMORROW = lambda: timezone.now() + datetime.timedelta(days=1)  # noqa: E731


@pytest.fixture(params=["staff", "superuser"])
def admin(request: pytest.FixtureRequest) -> User:
    return UserFactory(
        email=f"{request.param}@nwsend.example",
        is_staff=True,
        is_superuser=request.param == "superuser",
    )


class World:
    def __init__(self) -> None:
        self.system = make_system()
        self.membership = make_membership(purchasing_system=self.system)
        self.setting = make_setting(provider=self.membership.provider)
        self.reported: InspectionJudgement = ReportedJudgementFactory(setting=self.setting)
        self.window = scheduled_window(purchasing_system=self.system)


def _fingerprint(world: World) -> tuple[Any, ...]:
    """What each refused write must leave alone."""
    world.membership.refresh_from_db()
    world.reported.refresh_from_db()
    world.setting.refresh_from_db()
    world.window.refresh_from_db()
    return (
        world.window.state,
        world.window.name,
        world.window.opens_at,
        world.membership.state,
        world.membership.state_reason,
        world.reported.check_status,
        world.setting.current_band,
        InspectionJudgement.objects.count(),
        EvaluationWindow.objects.count(),
        PurchasingSystem.objects.count(),
        Lot.objects.count(),
        AuditEvent.objects.exclude(verb__startswith="signed_in").count(),
    )


def _api_writes(world: World) -> dict[str, tuple[str, str, dict[str, Any]]]:
    start = timezone.localdate().isoformat()
    return {
        "suspend a provider": (
            "post",
            f"/api/v1/memberships/{world.membership.pk}/change/",
            {
                "action": "suspend",
                "reason": "Staff say so",
                "review_on": (timezone.localdate() + datetime.timedelta(days=9)).isoformat(),
            },
        ),
        "remove a provider": (
            "post",
            f"/api/v1/memberships/{world.membership.pk}/change/",
            {"action": "remove", "reason": "Staff say so"},
        ),
        "confirm a judgement": (
            "post",
            f"/api/v1/settings/{world.setting.pk}/judgements/{world.reported.pk}/check/",
            {"outcome": "confirmed", "reason": ""},
        ),
        "record a judgement": (
            "post",
            f"/api/v1/settings/{world.setting.pk}/judgements/",
            {
                "framework": "ofsted_4point",
                "inspection_number": "19990001",
                "inspection_start_date": "2025-01-10",
                "grades": {"overall_effectiveness": "4"},
            },
        ),
        "schedule a window": (
            "post",
            "/api/v1/windows/",
            {
                "purchasing_system": world.system.pk,
                "name": "Staff window",
                "opens_at": TOMORROW().isoformat(),
                "closes_at": (TOMORROW() + datetime.timedelta(days=14)).isoformat(),
                "evaluation_deadline": (TOMORROW() + datetime.timedelta(days=40)).isoformat(),
            },
        ),
        "complete a window": ("post", f"/api/v1/windows/{world.window.pk}/complete/", {}),
        "reschedule a window": (
            "post",
            f"/api/v1/windows/{world.window.pk}/reschedule/",
            {"name": "Staff name", "reason": "Staff say so"},
        ),
        **{
            f"{what} a window": (
                "post",
                f"/api/v1/windows/{world.window.pk}/{action}/",
                {"reason": "Staff say so"},
            )
            for what, action in (
                ("cancel", "cancel"),
                ("open now", "open-now"),
                ("close early", "close-early"),
            )
        },
        "add a lot": (
            "post",
            f"/api/v1/purchasing-systems/{world.system.pk}/lots/",
            {"code": "L99", "name": "Staff lot", "starts_on": start},
        ),
        "create a purchasing system": (
            "post",
            "/api/v1/purchasing-systems/",
            {
                "name": "Staff FPS",
                "kind": "fps",
                "term_start": start,
                "term_end": "2031-03-31",
                "direct_award_allowed": False,
                "admits_by_windows": True,
            },
        ),
    }


WRITES = [
    "suspend a provider",
    "remove a provider",
    "confirm a judgement",
    "record a judgement",
    "schedule a window",
    "complete a window",
    "reschedule a window",
    "cancel a window",
    "open now a window",
    "close early a window",
    "add a lot",
    "create a purchasing system",
]


@pytest.mark.parametrize("write", WRITES)
def test_a_staff_account_without_a_membership_cannot_write_through_the_api(
    admin: User, write: str
) -> None:
    world = World()
    before = _fingerprint(world)
    method, path, body = _api_writes(world)[write]
    response = getattr(api_client_for(admin), method)(path, body, format="json")
    assert response.status_code in (403, 404), (write, response.status_code, response.content)
    assert "error" in response.json()
    assert _fingerprint(world) == before
    assert world.membership.state == MembershipState.ACTIVE
    assert world.reported.check_status == CheckStatus.AWAITING_CHECK


PAGES: list[tuple[str, Callable[[World], str], dict[str, str]]] = [
    (
        "change a membership",
        lambda w: f"/fps/memberships/{w.membership.pk}/change/",
        {"action": "remove", "reason": "Staff say so"},
    ),
    (
        "check a judgement",
        lambda w: f"/judgements/{w.reported.pk}/check/",
        {"outcome": "confirmed", "reason": ""},
    ),
    (
        "record a judgement",
        lambda w: f"/settings/{w.setting.pk}/judgements/new/",
        {"framework": "ofsted_4point", "inspection_number": "19990001"},
    ),
    ("schedule a window", lambda w: "/fps/windows/new/", {"name": "Staff window"}),
    *(
        (
            f"{action} a window",
            lambda w, action=action: f"/fps/windows/{w.window.pk}/{action}/",
            {"name": "Staff name", "reason": "Staff say so"},
        )
        for action in ("change", "cancel", "open-now", "close-early")
    ),
    (
        "add a lot",
        lambda w: f"/fps/{w.system.pk}/lots/new/",
        {"code": "L99", "name": "Staff lot"},
    ),
    ("judgements awaiting check", lambda w: "/judgements/awaiting-check/", {}),
    ("memberships", lambda w: "/fps/memberships/", {}),
]


@pytest.mark.parametrize(("name", "path", "form"), PAGES, ids=[p[0] for p in PAGES])
def test_a_staff_account_without_a_membership_gets_no_lead_authority_page(
    admin: User, name: str, path: Callable[[World], str], form: dict[str, str]
) -> None:
    world = World()
    before = _fingerprint(world)
    browser = Client()
    browser.force_login(admin)
    url = path(world)
    assert browser.get(url).status_code in (403, 404), name
    assert browser.post(url, form).status_code in (403, 404), name
    assert _fingerprint(world) == before


def test_a_staff_account_sees_no_organisations_data_through_scoping(admin: User) -> None:
    world = World()
    staff = actor(admin)
    assert staff.membership is None
    for model in (FpsMembership, Setting, InspectionJudgement):
        assert not scoped(model, staff).exists(), model
    # Authorities are public reference data; no provider's record is shown.
    assert not scoped(Organisation, staff).filter(pk=world.membership.provider_id).exists()


def test_the_api_lists_nothing_of_any_organisation_to_a_staff_account(admin: User) -> None:
    World()
    api = api_client_for(admin)
    for path in ("/api/v1/memberships/", "/api/v1/settings/"):
        response = api.get(path)
        assert response.status_code in (200, 403), path
        if response.status_code == 200:
            assert response.json()["results"] == [], path


def test_the_back_office_cannot_change_a_window_behind_the_services() -> None:
    """A window changes only through its services (reason, audit, providers told, beat's row
    lock): the back office has no window screen at all, so staff cannot edit one (issue 10)."""
    assert EvaluationWindow not in back_office._registry
