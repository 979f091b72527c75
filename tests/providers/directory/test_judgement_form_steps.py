"""Recording a judgement asks for the framework first, then only that framework's areas, each
offering only the values it publishes (issue 10: the form used to show every framework's ~60
boxes at once). Both steps are plain forms, so they work without JavaScript."""

from __future__ import annotations

import re

import pytest

from fps_portal.accounts.models import Role
from providers.inspections.frameworks import FRAMEWORK_SPEC, Framework
from providers.models import InspectionJudgement
from tests.factories import person
from tests.providers.directory.test_setting_forms import errors_in


def _url(world) -> str:  # type: ignore[no-untyped-def]
    return f"/settings/{world.crewe.pk}/judgements/new/"


def _grade_fields(html: str) -> list[str]:
    return re.findall(r'name="(grade_[a-z0-9_]+)"', html)


def test_the_first_step_asks_only_for_the_framework_in_a_get_form(world, client):
    client.force_login(person(Role.PROVIDER_USER, organisation=world.provider))
    html = client.get(_url(world)).content.decode()
    form = re.search(r"<main.*?<form(.*?)</form>", html, re.S)
    assert form and 'method="get"' in form.group(1)
    assert "Which framework was the inspection under?" in html
    radios = re.findall(r'<input[^>]*class="govuk-radios__input"[^>]*>', html)
    assert len(radios) == len(Framework.values) and all('name="framework"' in r for r in radios)
    assert _grade_fields(html) == [] and "csrfmiddlewaretoken" not in form.group(1)


def test_the_second_step_shows_only_the_chosen_frameworks_areas_and_values(world, client):
    client.force_login(person(Role.PROVIDER_USER, organisation=world.provider))
    response = client.get(_url(world), {"framework": Framework.CQC})
    html = response.content.decode()
    assert response.status_code == 200
    assert _grade_fields(html) == [f"grade_{a.key}" for a in FRAMEWORK_SPEC[Framework.CQC]]
    select = re.search(r'<select[^>]*name="grade_safe".*?</select>', html, re.S)
    assert select
    values = re.findall(r'<option value="([^"]*)"', select.group(0))
    assert values == ["", "Outstanding", "Good", "Requires improvement", "Inadequate"]
    assert '<input type="hidden" name="framework" value="cqc"' in html
    assert "Safe (optional)" in html  # CQC grades no area compulsorily
    # Ofsted's grades come with their meaning; its headline grade is required.
    ofsted = client.get(_url(world), {"framework": Framework.OFSTED_4POINT}).content.decode()
    assert '<option value="3">3 (Requires improvement)</option>' in ofsted
    assert "Overall effectiveness (optional)" not in ofsted


@pytest.mark.parametrize(
    "query",
    [{"framework": "made_up", "step": "framework"}, {"step": "framework"}],
    ids=["unknown", "none chosen"],
)
def test_no_known_framework_goes_back_to_the_first_step_with_an_error(world, client, query):
    client.force_login(person(Role.LEAD_EVALUATOR))
    response = client.get(_url(world), query)
    assert response.status_code == 400
    assert errors_in(response.content.decode()) == [
        ("#id_framework_0", "Select the inspection framework.")
    ]


def test_the_second_step_records_the_judgement(world, client):
    client.force_login(person(Role.LEAD_EVALUATOR))
    response = client.post(
        _url(world),
        {
            "framework": Framework.CQC,
            "inspection_number": "CQC-1",
            "inspection_start_date": "2025-02-03",
            "relates_to_current_urn": "on",
            "grade_overall": "Good",
            "grade_safe": "Good",
        },
    )
    assert response.status_code == 302
    judgement = InspectionJudgement.objects.get(inspection_number="CQC-1")
    assert judgement.grades == {"overall": "Good", "safe": "Good"}
    assert judgement.band == "pass"


def test_a_value_the_framework_does_not_publish_is_refused_at_its_field(world, client):
    client.force_login(person(Role.LEAD_EVALUATOR))
    response = client.post(
        _url(world),
        {
            "framework": Framework.CQC,
            "inspection_start_date": "2025-02-03",
            "grade_safe": "Requires improvement to be good",  # SCCIF's wording, not CQC's
            # Another framework's area is not a field of this one, so it is ignored.
            "grade_overall_effectiveness": "1",
        },
    )
    assert response.status_code == 400
    assert errors_in(response.content.decode()) == [
        ("#id_grade_safe", "Select a grade CQC publishes for Safe.")
    ]
    assert not InspectionJudgement.objects.filter(framework=Framework.CQC).exists()
