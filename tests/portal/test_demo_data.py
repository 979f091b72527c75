"""`load_demo_data`: idempotent, skipped when asked and the database has users, refused unless
the settings allow demo data (FPS_DEMO_DATA_ALLOWED, on in development and test only), and
every demo sign-in works and lands on its own dashboard."""

from __future__ import annotations

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from demo.guard import DemoDataNotAllowed
from demo.large import build_large_demo
from demo.people import load_people
from fps_portal.accounts.models import Organisation, OrganisationKind, Role, User
from fps_portal.demo_accounts import DEMO_ACCOUNTS, DEMO_PASSWORD

pytestmark = pytest.mark.django_db

PASSWORD_ONLY_ROLES = {Role.PROVIDER_USER, Role.FORUM_MEMBER}


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label not in {"sessions", "admin"}
    }


def _load(*args: str) -> str:
    out = StringIO()
    call_command("load_demo_data", *args, stdout=out)
    return out.getvalue()


def test_loading_twice_duplicates_nothing() -> None:
    assert "Demo data loaded." in _load()
    first = _row_counts()
    assert first["accounts.User"] == len(DEMO_ACCOUNTS)
    _load()
    assert _row_counts() == first


def test_the_demo_has_a_provider_report_waiting_for_the_lead_authoritys_check() -> None:
    from providers.models import CheckStatus, InspectionJudgement, Setting

    _load()
    waiting = InspectionJudgement.objects.get(check_status=CheckStatus.AWAITING_CHECK)
    assert waiting.setting.name == "Oakfield House"
    assert Setting.objects.get(name="Oakfield House").current_band == "concern"  # not yet counted


def test_if_empty_skips_a_database_that_has_users() -> None:
    User.objects.create_user("someone@example.org", "a-long-password", full_name="Some One")
    assert "already loaded" in _load("--if-empty")
    assert User.objects.count() == 1


def test_if_empty_loads_an_empty_database() -> None:
    assert "Demo data loaded." in _load("--if-empty")
    assert User.objects.count() == len(DEMO_ACCOUNTS)


@pytest.mark.parametrize("command", ["load_demo_data", "build_large_demo"])
def test_the_demo_commands_refuse_when_the_setting_is_off(settings, command: str) -> None:
    settings.FPS_DEMO_DATA_ALLOWED = False
    with pytest.raises(CommandError, match="FPS_DEMO_DATA_ALLOWED is off"):
        call_command(command, stdout=StringIO())
    assert not User.objects.exists()
    assert not Organisation.objects.filter(kind=OrganisationKind.PROVIDER).exists()


def test_the_loaders_that_make_demo_accounts_refuse_when_the_setting_is_off(settings) -> None:
    """Called directly, as the browser tests and the benchmark do, the loaders check too."""
    settings.FPS_DEMO_DATA_ALLOWED = False
    with pytest.raises(DemoDataNotAllowed):
        load_people()
    with pytest.raises(DemoDataNotAllowed):
        build_large_demo(providers=1, settings=1)
    assert not User.objects.exists()


def test_the_setting_is_off_unless_a_settings_module_turns_it_on() -> None:
    from fps_portal.settings import base

    assert base.FPS_DEMO_DATA_ALLOWED is False
    assert "demo" not in base.INSTALLED_APPS


def test_there_is_a_demo_user_for_every_role() -> None:
    assert {account.role for account in DEMO_ACCOUNTS if account.role} == set(Role.values)
    assert any(not account.role for account in DEMO_ACCOUNTS), "a platform administrator"


def test_every_demo_user_signs_in_and_reaches_their_dashboard() -> None:
    # One load for all the accounts: the demo data set is large enough to make a load per
    # account the slowest part of the suite.
    _load()
    problems = []
    for account in DEMO_ACCOUNTS:
        client = Client()
        response = client.post(
            "/account/sign-in/",
            {"username": account.email, "password": DEMO_PASSWORD},
            follow=True,
        )
        asked_for_code = bool(
            response.redirect_chain and "/account/sign-in/code/" in response.redirect_chain[-1][0]
        )
        if asked_for_code != (account.role not in PASSWORD_ONLY_ROLES):
            problems.append((account.email, "asked for a code" if asked_for_code else "no code"))
        if asked_for_code:
            # Authority and back-office accounts then give the code the banner says to get.
            code = StringIO()
            call_command("demo_otp", account.email, stdout=code, stderr=StringIO())
            response = client.post(
                response.redirect_chain[-1][0], {"code": code.getvalue().strip()}, follow=True
            )
        final_url = response.redirect_chain[-1][0] if response.redirect_chain else "(none)"
        html = response.content.decode()
        if account.role:
            expected = ["/dashboard/", Role(account.role).label, account.organisation]
            reached = final_url == "/dashboard/"
        else:
            expected = ["/back-office/", "back office"]
            reached = final_url == "/back-office/"
        missing = [text for text in expected[1:] if text not in html]
        if response.status_code != 200 or not reached or missing:
            problems.append((account.email, response.status_code, final_url, missing))
    assert problems == []


def test_every_demo_member_has_signed_the_agreement() -> None:
    """`agreement_sign` is the only way a real provider becomes a member, so the demo's members
    carry a signature too: the membership list should never show "Active" and "Not signed"."""
    from providers.models import FpsMembership, MembershipState

    _load()
    members = FpsMembership.objects.filter(
        state__in=[MembershipState.ACTIVE, MembershipState.SUSPENDED]
    )
    assert members.exists()
    assert not members.filter(agreement_signed_at__isnull=True).exists()
