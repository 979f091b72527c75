"""Through the pages only: a provider goes from registration to an active FPS membership, and a
refused provider sees why."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.http import HttpRequest
from django.test import Client
from django.utils import timezone

from fps_portal.accounts.models import Organisation, Role
from fps_portal.notifications.models import Notification
from providers import tasks
from providers.models import (
    Application,
    ApplicationState,
    EvaluationWindow,
    Evidence,
    FpsMembership,
    MembershipState,
    RequirementResult,
    SettingLot,
)
from tests.factories import PASSWORD, person
from tests.providers.onboarding.factories import (
    make_judgement,
    make_lot,
    make_setting,
    open_window,
    upload,
)

pytestmark = pytest.mark.django_db


def _ok(response, status: int = 302):
    assert response.status_code == status, response.content.decode()[:3000]
    return response


def _register(browser: Client) -> Organisation:
    assert browser.get("/onboarding/register/").status_code == 200
    _ok(
        browser.post(
            "/onboarding/register/",
            {
                "full_name": "Kim Tran",
                "email": "kim@brightpath.example",
                "password": "a-long-unusual-passphrase-42",
                "name": "Brightpath Schools",
                "legal_name": "Brightpath Schools Ltd",
                "companies_house_number": "08765432",
                "charity_number": "",
                "address": "1 High Street, Wigan",
                "postcode": "WN1 1AA",
                "contact_email": "office@brightpath.example",
                "contact_phone": "01942 000000",
            },
        )
    )
    # Nothing is created until the e-mailed link is followed and the password entered again.
    assert not Organisation.objects.filter(name="Brightpath Schools").exists()
    link = re.search(r"https?://[^/\s]+(/onboarding/register/confirm/\S+/)", mail.outbox[-1].body)
    assert link is not None, mail.outbox[-1].body
    _ok(browser.post(link.group(1), {"password": "a-long-unusual-passphrase-42"}))
    return Organisation.objects.get(name="Brightpath Schools")


def _upload_everything(browser: Client, setting_id: int) -> None:
    expiry = (timezone.localdate() + datetime.timedelta(days=365)).isoformat()
    for insurance_type in ("employers_liability", "public_liability", "professional_indemnity"):
        _ok(
            browser.post(
                "/onboarding/evidence/new/",
                {
                    "kind": "insurance",
                    "title": f"{insurance_type} 2026",
                    "insurance_type": insurance_type,
                    "insurer": "Zurich",
                    "cover_amount": "10000000",
                    "valid_until": expiry,
                    "file": upload("cert.pdf"),
                },
            )
        )
    for kind in ("policy", "registration", "financial_check"):
        _ok(
            browser.post(
                "/onboarding/evidence/new/",
                {"kind": kind, "title": kind, "file": upload("doc.pdf")},
            )
        )
    for kind in (
        "registration_certificate",
        "dfe_registration",
        "inspection_report",
        "statement_of_purpose",
    ):
        _ok(
            browser.post(
                "/onboarding/evidence/new/",
                {"kind": kind, "title": kind, "setting": setting_id, "file": upload("doc.pdf")},
            )
        )
    _ok(
        browser.post(
            f"/onboarding/settings/{setting_id}/overview/",
            {
                "services_overview": "Small classes",
                "working_with_parents": "Termly reviews",
                "learner_voice": "Council",
            },
        )
    )


def _apply(browser: Client, window: EvaluationWindow, setting_id: int, lot_id: int) -> Application:
    page = browser.get("/onboarding/applications/")
    assert window.name in page.content.decode()
    _ok(
        browser.post(
            "/onboarding/applications/",
            {"system": window.purchasing_system_id, "window": window.pk},
        )
    )
    application = Application.objects.get()
    base = f"/onboarding/applications/{application.pk}/"
    task_list = browser.get(base).content.decode()
    assert "govuk-task-list" in task_list and "Incomplete" in task_list
    _ok(browser.post(base + "lots/", {"lots": [lot_id], "settings": [setting_id]}))
    evidence_page = browser.get(base + "evidence/").content.decode()
    assert evidence_page.count("checked") >= 10  # everything held and valid is already ticked
    _ok(
        browser.post(
            base + "evidence/", {"evidence": list(Evidence.objects.values_list("pk", flat=True))}
        )
    )
    bad = browser.post(base + "prices/", {f"price_{setting_id}_{lot_id}": "twelve"})
    assert bad.status_code == 400 and "pounds and pence" in bad.content.decode()
    _ok(browser.post(base + "prices/", {f"price_{setting_id}_{lot_id}": "3,450.00"}))
    _ok(
        browser.post(
            base + "services/",
            {"setting": setting_id, "name": "1:1 support", "unit": "hour", "rate": "28"},
        )
    )
    _ok(
        browser.post(
            base + "declarations/",
            {"accurate": "on", "no_exclusion_grounds": "on", "safeguarding": "on"},
        )
    )
    assert "Submit application" in browser.get(base + "submit/").content.decode()
    _ok(browser.post(base + "submit/"))
    assert "Application submitted" in browser.get(base).content.decode()
    application.refresh_from_db()
    return application


def _evaluate_through_pages(
    browser: Client, application: Application, verdicts: dict[int, str]
) -> None:
    form = {}
    for result in RequirementResult.objects.filter(application=application):
        form[f"result_{result.pk}"] = verdicts.get(result.pk, "pass")
        form[f"result_{result.pk}_reason"] = "Checked the evidence."
    _ok(browser.post(f"/fps/applications/{application.pk}/evaluate/", form))


def test_a_provider_goes_from_registration_to_an_active_fps_membership_through_the_browser() -> (
    None
):
    window = open_window(name="Round 6 (2026)")
    lot = make_lot(
        purchasing_system=window.purchasing_system, code="A1", name="0-16 day placements"
    )
    provider_browser = Client()
    organisation = _register(provider_browser)
    # Inviting a colleague e-mails a link to set a password.
    _ok(
        provider_browser.post(
            "/onboarding/colleagues/", {"full_name": "Sam Lee", "email": "sam@brightpath.example"}
        )
    )
    # The e-mail goes from the notification outbox after commit; its link sets a password.
    invitation = Notification.objects.get(recipient__email="sam@brightpath.example")
    assert re.match(r"^/account/password-reset/[^/]+/[^/]+/$", invitation.url)
    assert invitation.send_email
    # Settings are added on the directory's pages; here the row is made directly.
    setting = make_setting(provider=organisation, name="Brightpath Wigan")
    make_judgement(setting=setting)
    _upload_everything(provider_browser, setting.pk)
    application = _apply(provider_browser, window, setting.pk, lot.pk)

    EvaluationWindow.objects.filter(pk=window.pk).update(
        closes_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    tasks.close_due_windows.apply()
    application.refresh_from_db()
    assert application.state == ApplicationState.UNDER_EVALUATION

    first, second = Client(), Client()
    first.force_login(person(Role.LEAD_EVALUATOR))
    second.force_login(person(Role.LEAD_EVALUATOR))
    assert "Brightpath Schools" in first.get(f"/fps/windows/{window.pk}/").content.decode()
    detail = first.get(f"/fps/applications/{application.pk}/").content.decode()
    assert "Automatic check" in detail and "Needs an evaluator" in detail
    due = (timezone.localtime() + datetime.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    _ok(
        first.post(
            f"/fps/applications/{application.pk}/clarify/",
            {"question": "Who is your DSL?", "due_at": due},
        )
    )
    question = application.clarifications.get()
    _ok(
        provider_browser.post(
            f"/onboarding/clarifications/{question.pk}/", {"answer": "Ms Patel, the head."}
        )
    )
    _evaluate_through_pages(first, application, {})
    _evaluate_through_pages(second, application, {})
    _ok(
        first.post(
            f"/fps/applications/{application.pk}/moderate/", {"reason": "Every requirement is met."}
        )
    )
    application.refresh_from_db()
    assert application.state == ApplicationState.PASSED

    detail = provider_browser.get(f"/onboarding/applications/{application.pk}/").content.decode()
    assert "Sign the FPS agreement" in detail
    _ok(
        provider_browser.post(
            f"/onboarding/applications/{application.pk}/agreement/",
            {"signatory_name": "Kim Tran", "signatory_role": "Director", "confirm": "on"},
        )
    )
    membership = FpsMembership.objects.get(provider=organisation)
    assert (
        membership.state == MembershipState.ACTIVE
        and membership.agreement_signatory_role == "Director"
    )
    assert SettingLot.objects.get(setting=setting, lot=lot).approved_at is not None
    status_page = provider_browser.get("/onboarding/membership/").content.decode()
    assert "Active" in status_page and "Kim Tran, Director" in status_page


def test_a_refused_provider_sees_which_requirements_failed_and_why() -> None:
    window = open_window()
    lot = make_lot(purchasing_system=window.purchasing_system)
    provider_browser = Client()
    organisation = _register(provider_browser)
    setting = make_setting(provider=organisation)
    make_judgement(setting=setting, grades={"overall_effectiveness": "4"})
    _upload_everything(provider_browser, setting.pk)
    application = _apply(provider_browser, window, setting.pk, lot.pk)
    EvaluationWindow.objects.filter(pk=window.pk).update(
        closes_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    tasks.close_due_windows.apply()
    inspection = RequirementResult.objects.get(application=application, requirement="inspection")
    assert inspection.automatic_result == "fail"
    first, second = Client(), Client()
    first.force_login(person(Role.LEAD_EVALUATOR))
    second.force_login(person(Role.LEAD_EVALUATOR))
    _evaluate_through_pages(first, application, {inspection.pk: "fail"})
    _evaluate_through_pages(second, application, {inspection.pk: "fail"})
    _ok(
        first.post(
            f"/fps/applications/{application.pk}/moderate/",
            {"reason": "The setting is rated Inadequate."},
        )
    )
    page = provider_browser.get(f"/onboarding/applications/{application.pk}/").content.decode()
    assert "Your application was not successful" in page
    assert "Latest inspection judgement and report" in page and "Checked the evidence." in page
    assert "You may apply again" in page
    assert not FpsMembership.objects.filter(provider=organisation).exists()


def test_registration_with_bad_input_shows_errors_and_writes_nothing() -> None:
    browser = Client()
    response = browser.post(
        "/onboarding/register/",
        {
            "full_name": "X",
            "email": "x@example.org",
            "password": "short",
            "name": "N",
            "legal_name": "N",
            "companies_house_number": "ABC",
            "address": "A",
            # A malformed postcode is refused by the form before the service's rules run (see
            # test_onboarding_wording.py); a good one lets these reach the service.
            "postcode": "WN1 1AA",
            "contact_email": "c@example.org",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "govuk-error-summary" in body and "Companies House number of 8 characters" in body
    assert not Organisation.objects.filter(name="N").exists()


def test_the_signed_in_provider_can_log_in_with_the_registered_password() -> None:
    browser = Client()
    _register(browser)
    browser.logout()
    # django-axes checks every authenticate() against its lockouts, so it needs the request.
    assert browser.login(
        request=HttpRequest(),
        username="kim@brightpath.example",
        password="a-long-unusual-passphrase-42",
    )
    assert PASSWORD  # the factories' password is unrelated to self-registration
