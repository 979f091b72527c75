"""An application cannot be submitted until every piece of evidence the tender asks for is
attached (and each setting's overview written), and the task list agrees. What is required is the
automatic checks' own list, so the two cannot drift apart."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import timezone

from fps_portal.errors import InvalidInput
from providers.models import (
    Application,
    ApplicationState,
    CheckResult,
    Evidence,
    InspectionJudgement,
    SettingOverview,
)
from providers.services.application_submission import application_submit
from providers.services.applications import application_problems
from providers.services.checks import (
    ORGANISATION_EVIDENCE,
    SETTING_EVIDENCE,
    RequiredEvidence,
    missing_evidence,
    run_checks,
)
from tests.factories import api_client_for
from tests.providers.onboarding.factories import (
    ReadyProvider,
    draft_application,
    open_window,
    ready_provider,
)

pytestmark = pytest.mark.django_db


def _draft() -> tuple[ReadyProvider, Application]:
    ready = ready_provider()
    return ready, draft_application(ready, open_window())


def test_an_application_with_no_evidence_is_refused_listing_every_missing_item() -> None:
    ready, application = _draft()
    application.evidence.clear()
    SettingOverview.objects.filter(setting=ready.setting).delete()
    with pytest.raises(InvalidInput) as error:
        application_submit(actor=ready.actor, application=application)
    (message,) = error.value.fields["evidence"]
    name = ready.setting.name
    for item in [
        "employer's liability insurance certificate",
        "public liability insurance certificate",
        "professional indemnity insurance certificate",
        "policy or procedure",
        "organisation registration",
        "financial check evidence",
        f"registration certificate for {name}",
        f"DfE registration for {name}",
        f"last full inspection report for {name}",
        f"Statement of Purpose for {name}",
        f"overview of services, work with parents and the learner's voice for {name}",
    ]:
        assert item in message
    application.refresh_from_db()
    assert application.state == ApplicationState.DRAFT and application.submitted_at is None


def test_only_what_is_missing_is_listed_and_submission_goes_ahead_once_attached() -> None:
    ready, application = _draft()
    statement = application.evidence.get(kind="statement_of_purpose")
    application.evidence.remove(statement)
    assert missing_evidence(application) == [f"Statement of Purpose for {ready.setting.name}"]
    with pytest.raises(InvalidInput, match="Statement of Purpose for"):
        application_submit(actor=ready.actor, application=application)
    application.evidence.add(statement)
    assert application_submit(actor=ready.actor, application=application).submitted_at


def test_a_setting_not_inspected_yet_needs_no_inspection_report() -> None:
    # The inspection check sends such a setting to an evaluator rather than failing it.
    ready, application = _draft()
    InspectionJudgement.objects.filter(setting=ready.setting).delete()
    application.evidence.remove(*application.evidence.filter(kind="inspection_report"))
    assert missing_evidence(application) == []


@pytest.mark.parametrize(
    "rule",
    [*ORGANISATION_EVIDENCE, *SETTING_EVIDENCE],
    ids=lambda rule: str(rule.requirement),
)
def test_each_item_the_submission_asks_for_is_one_the_checks_fail_without(
    rule: RequiredEvidence,
) -> None:
    ready, application = _draft()
    application.evidence.remove(*[e for e in application.evidence.all() if rule.met_by(e)])
    where = f" for {ready.setting.name}" if rule in SETTING_EVIDENCE else ""
    assert missing_evidence(application) == [f"{rule.what}{where}"]
    application.refresh_from_db()
    failed = {
        requirement
        for requirement, _setting, (result, _reason) in run_checks(
            application=application, on=timezone.localdate()
        )
        if result == CheckResult.FAIL
    }
    assert failed == {rule.requirement}


def test_the_task_list_shows_evidence_incomplete_until_everything_is_attached() -> None:
    ready, application = _draft()
    browser = Client()
    browser.force_login(ready.user)

    def evidence_status() -> str:
        page = browser.get(f"/onboarding/applications/{application.pk}/").content.decode()
        task = page.split(">Evidence</a>", 1)[1].split("govuk-task-list__item", 1)[0]
        return re.sub(r"<[^>]+>|\s+", " ", task)

    assert "Completed" in evidence_status()
    application.evidence.remove(*application.evidence.filter(kind="financial_check"))
    status = evidence_status()
    assert "Incomplete" in status and "financial check evidence" in status


def test_check_and_submit_refuses_with_the_missing_items_on_the_page_and_in_the_api() -> None:
    ready, application = _draft()
    application.evidence.remove(*application.evidence.filter(kind="dfe_registration"))
    browser = Client()
    browser.force_login(ready.user)
    page = browser.post(f"/onboarding/applications/{application.pk}/submit/")
    assert page.status_code == 400
    assert f"DfE registration for {ready.setting.name}" in page.content.decode()
    response = api_client_for(ready.user).post(f"/api/v1/applications/{application.pk}/submit/")
    assert response.status_code == 400
    (message,) = response.json()["error"]["fields"]["evidence"]
    assert "DfE registration for" in message
    application.refresh_from_db()
    assert application.state == ApplicationState.DRAFT


def test_a_complete_draft_has_no_evidence_problem() -> None:
    _ready, application = _draft()
    assert "evidence" not in application_problems(application)
    assert Evidence.objects.filter(applications=application).exists()
