"""Recording inspection judgements and the setting's band."""

from __future__ import annotations

import datetime

import pytest

from fps_portal.accounts.models import Role
from fps_portal.actors import actor_for_user
from fps_portal.audit.models import AuditEvent
from fps_portal.errors import InvalidInput, NotAllowed
from providers.inspections.bands import RULE_VERSION
from providers.inspections.services import JudgementData, judgement_record
from providers.models import InspectionJudgement
from tests.conftest import ALL_ROLES
from tests.factories import api_client_for, person


def record(
    setting, grades, *, framework="ofsted_4point", start="2024-01-10", number="", actor=None, **kw
):  # type: ignore[no-untyped-def]
    started = datetime.date.fromisoformat(start)
    return judgement_record(
        actor=actor,
        setting=setting,
        data=JudgementData(
            framework=framework,
            inspection_start_date=started,
            grades=grades,
            publication_date=started + datetime.timedelta(days=30),
            inspection_number=number,
            **kw,
        ),
    )


def test_band_is_worst_of_the_latest_judgement_in_each_remit(world):
    setting = world.crewe
    record(setting, {"overall_effectiveness": "4"}, start="2019-01-10", number="1")
    setting.refresh_from_db()
    assert setting.current_band == "fail"
    record(setting, {"overall_effectiveness": "2"}, start="2023-01-10", number="2")
    setting.refresh_from_db()
    assert setting.current_band == "pass"  # the older Inadequate is history now
    assert setting.current_band_summary == "Ofsted: Overall effectiveness: 2 (Good)"
    assert setting.current_band_as_at == datetime.date(2023, 2, 9)
    record(
        setting,
        {
            "overall_experiences_and_progress": "Requires improvement to be good",
            "helped_and_protected": "Good",
            "leaders_and_managers": "Good",
        },
        framework="sccif",
        start="2022-06-01",
        number="3",
    )
    setting.refresh_from_db()
    assert setting.current_band == "concern"  # social care is its own remit
    judgement = InspectionJudgement.objects.get(inspection_number="3")
    assert judgement.remit == "social_care" and judgement.rule_version == RULE_VERSION


def test_report_card_grades_and_category_of_concern(world):
    grades = {
        "inclusion": "Expected standard",
        "curriculum_and_teaching": "strong standard",
        "achievement": "Expected standard",
        "attendance_and_behaviour": "Expected standard",
        "personal_development_and_wellbeing": "Expected standard",
        "leadership_and_governance": "Expected standard",
        "safeguarding": "Met",
    }
    judgement, _ = record(
        world.crewe, grades, framework="ofsted_report_card", start="2025-11-20", number="9"
    )
    assert judgement.grades["curriculum_and_teaching"] == "Strong standard"  # published spelling
    assert judgement.band == "pass"
    judgement, _ = record(
        world.bootle, {"overall_effectiveness": "3"}, number="10", category_of_concern="SM"
    )
    assert judgement.band == "fail" and judgement.category_of_concern == "SM"


def test_same_inspection_number_is_idempotent_and_a_change_is_a_correction(world):
    first, changed = record(world.crewe, {"overall_effectiveness": "2"}, number="555")
    again, changed_again = record(world.crewe, {"overall_effectiveness": "2"}, number="555")
    assert changed and not changed_again and first.pk == again.pk
    corrected, _ = record(world.crewe, {"overall_effectiveness": "3"}, number="555")
    assert corrected.pk == first.pk and corrected.band == "concern"
    assert InspectionJudgement.objects.filter(setting=world.crewe).count() == 1
    assert (
        AuditEvent.objects.filter(
            object_type="providers.inspectionjudgement", verb="updated"
        ).count()
        == 1
    )


@pytest.mark.parametrize(
    ("framework", "grades", "field"),
    [
        ("ofsted_4point", {"overall_effectiveness": "Great"}, "grades.overall_effectiveness"),
        ("ofsted_4point", {}, "grades.overall_effectiveness"),
        ("ofsted_4point", {"inclusion": "Met"}, "grades.inclusion"),
        ("no_such", {"overall_effectiveness": "2"}, "framework"),
    ],
)
def test_unpublished_grades_are_refused_and_nothing_is_written(world, framework, grades, field):
    with pytest.raises(InvalidInput) as exc:
        record(world.crewe, grades, framework=framework)
    assert field in exc.value.fields
    assert not InspectionJudgement.objects.exists()


@pytest.mark.parametrize("role", ALL_ROLES)
def test_who_may_record_a_judgement_by_page(world, client, role):
    organisation = world.provider if role == Role.PROVIDER_USER else None
    client.force_login(person(role, organisation=organisation))
    expected = {Role.LEAD_EVALUATOR: 200, Role.PROVIDER_USER: 200}.get(role, 403)
    assert client.get(f"/settings/{world.crewe.pk}/judgements/new/").status_code == expected


def test_another_provider_gets_404_and_a_commissioner_is_refused_by_the_service(world, client):
    client.force_login(person(Role.PROVIDER_USER))
    assert client.get(f"/settings/{world.crewe.pk}/judgements/new/").status_code == 404
    with pytest.raises(NotAllowed):
        record(
            world.crewe,
            {"overall_effectiveness": "2"},
            actor=actor_for_user(person(Role.COMMISSIONER)),
        )


def test_lead_evaluator_records_by_page_and_the_band_changes(world, client):
    client.force_login(person(Role.LEAD_EVALUATOR))
    post = {
        "framework": "ofsted_4point",
        "inspection_number": "777",
        "inspection_start_date": "2025-03-04",
        "publication_date": "2025-04-01",
        "relates_to_current_urn": "on",
        "grade_overall_effectiveness": "4",
    }
    response = client.post(f"/settings/{world.crewe.pk}/judgements/new/", post)
    assert response.status_code == 302
    world.crewe.refresh_from_db()
    assert world.crewe.current_band == "fail"
    bad = client.post(
        f"/settings/{world.bootle.pk}/judgements/new/", {**post, "grade_overall_effectiveness": "7"}
    )
    assert (
        bad.status_code == 400 and 'href="#id_grade_overall_effectiveness"' in bad.content.decode()
    )


def test_api_records_a_judgement(world):
    api = api_client_for(person(Role.PROVIDER_USER, organisation=world.other_provider))
    body = {
        "framework": "ofsted_4point",
        "inspection_start_date": "2024-09-10",
        "inspection_number": "42",
        "grades": {"overall_effectiveness": "1"},
    }
    response = api.post(f"/api/v1/settings/{world.bootle.pk}/judgements/", body, format="json")
    # The provider's own report waits for the lead authority's check before it counts.
    assert response.status_code == 201 and response.json()["setting_band"] == "concern"
    assert response.json()["check_status"] == "awaiting_check"
    assert (
        api.post(f"/api/v1/settings/{world.bootle.pk}/judgements/", body, format="json").status_code
        == 200
    )
    assert (
        api.post(f"/api/v1/settings/{world.crewe.pk}/judgements/", body, format="json").status_code
        == 404
    )
    bad = api.post(
        f"/api/v1/settings/{world.bootle.pk}/judgements/",
        {**body, "grades": {"overall_effectiveness": "x"}},
        format="json",
    )
    assert (
        bad.status_code == 400 and "grades.overall_effectiveness" in bad.json()["error"]["fields"]
    )
