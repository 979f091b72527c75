"""A provider adds inspection judgements; only the lead authority and the import correct one.

A provider that could re-record an inspection already on file with better grades would move its
own setting into a better band, and councils would see that band. So an inspection already
recorded (same setting, framework and inspection number) is changed only by the lead authority's
evaluators, a platform administrator or the Ofsted file import (actor None).
"""

from __future__ import annotations

import datetime

import pytest

from fps_portal.accounts.models import Role
from fps_portal.actors import Actor, actor_for_user
from fps_portal.audit.models import AuditEvent
from fps_portal.errors import NotAllowed, WrongState
from providers.inspections.services import JudgementData, judgement_record
from providers.models import InspectionJudgement, JudgementSource
from tests.factories import UserFactory, api_client_for, person

NUMBER = "11499021"
ALREADY_RECORDED = (
    f"Inspection {NUMBER} is already recorded. "
    "If it is wrong, ask the lead authority to correct it."
)
STARTED = datetime.date(2024, 1, 10)


def ofsted(
    grade: str, *, number: str = NUMBER, source: str = JudgementSource.MANUAL
) -> JudgementData:
    return JudgementData(
        framework="ofsted_4point",
        inspection_start_date=STARTED,
        publication_date=STARTED + datetime.timedelta(days=30),
        grades={"overall_effectiveness": grade},
        inspection_number=number,
        source=source,
    )


def lead_evaluator() -> Actor:
    actor = actor_for_user(person(Role.LEAD_EVALUATOR))
    assert actor is not None
    return actor


def provider_of(world) -> Actor:  # type: ignore[no-untyped-def]
    actor = actor_for_user(person(Role.PROVIDER_USER, organisation=world.provider))
    assert actor is not None
    return actor


def platform_admin() -> Actor:
    actor = actor_for_user(UserFactory(is_staff=True))
    assert actor is not None
    return actor


@pytest.fixture
def requires_improvement(world) -> InspectionJudgement:  # type: ignore[no-untyped-def]
    """Crewe's inspection 11499021, graded 3 (Requires improvement) by the lead authority."""
    judgement, _ = judgement_record(actor=lead_evaluator(), setting=world.crewe, data=ofsted("3"))
    world.crewe.refresh_from_db()
    assert world.crewe.current_band == "concern"
    return judgement


def recorded_state(world) -> tuple[object, ...]:  # type: ignore[no-untyped-def]
    """What a refused correction must leave alone: the judgement, the band and the audit trail."""
    world.crewe.refresh_from_db()
    judgement = InspectionJudgement.objects.get(setting=world.crewe, inspection_number=NUMBER)
    return (
        judgement.grades,
        judgement.band,
        judgement.recorded_by_id,
        world.crewe.current_band,
        AuditEvent.objects.filter(
            object_type__in=["providers.inspectionjudgement", "providers.setting"]
        ).count(),
    )


@pytest.mark.parametrize("recorded_by", ["lead evaluator", "ofsted import"])
def test_a_provider_cannot_change_an_inspection_already_recorded(world, recorded_by):
    recorder = lead_evaluator() if recorded_by == "lead evaluator" else None
    source = JudgementSource.MANUAL if recorder else JudgementSource.OFSTED_FILE
    judgement_record(actor=recorder, setting=world.crewe, data=ofsted("3", source=source))
    before = recorded_state(world)
    with pytest.raises(WrongState) as refused:
        judgement_record(actor=provider_of(world), setting=world.crewe, data=ofsted("1"))
    assert refused.value.fields == {"inspection_number": [ALREADY_RECORDED]}
    assert recorded_state(world) == before


def test_the_provider_page_refuses_at_the_inspection_number_and_writes_nothing(
    world, client, requires_improvement
):
    before = recorded_state(world)
    client.force_login(person(Role.PROVIDER_USER, organisation=world.provider))
    response = client.post(
        f"/settings/{world.crewe.pk}/judgements/new/",
        {
            "framework": "ofsted_4point",
            "inspection_number": NUMBER,
            "inspection_start_date": STARTED.isoformat(),
            "relates_to_current_urn": "on",
            "grade_overall_effectiveness": "1",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'href="#id_inspection_number"' in html
    assert ALREADY_RECORDED in html
    assert recorded_state(world) == before


def test_the_api_refuses_a_provider_naming_the_inspection_number(world, requires_improvement):
    before = recorded_state(world)
    api = api_client_for(person(Role.PROVIDER_USER, organisation=world.provider))
    response = api.post(
        f"/api/v1/settings/{world.crewe.pk}/judgements/",
        {
            "framework": "ofsted_4point",
            "inspection_number": NUMBER,
            "inspection_start_date": STARTED.isoformat(),
            "grades": {"overall_effectiveness": "1"},
        },
        format="json",
    )
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "wrong_state"
    assert error["fields"] == {"inspection_number": [ALREADY_RECORDED]}
    assert recorded_state(world) == before


@pytest.mark.parametrize("corrector", ["lead evaluator", "ofsted import"])
def test_the_lead_authority_and_the_import_still_correct_a_judgement(
    world, requires_improvement, corrector
):
    actor = {"lead evaluator": lead_evaluator}.get(corrector, lambda: None)()
    corrected, changed = judgement_record(actor=actor, setting=world.crewe, data=ofsted("2"))
    world.crewe.refresh_from_db()
    assert changed and corrected.pk == requires_improvement.pk
    assert (corrected.band, world.crewe.current_band) == ("pass", "pass")
    assert AuditEvent.objects.filter(object_id=str(corrected.pk), verb="updated").count() == 1


def test_a_platform_administrator_is_not_the_lead_authority_and_cannot_correct(
    world, requires_improvement
):
    # Issue 9, defect 3: being staff grants no power over judgements; the back office is theirs.
    before = recorded_state(world)
    with pytest.raises(NotAllowed):
        judgement_record(actor=platform_admin(), setting=world.crewe, data=ofsted("2"))
    assert recorded_state(world) == before


def test_the_import_run_twice_changes_nothing(world):
    data = ofsted("2", source=JudgementSource.OFSTED_FILE)
    first, created = judgement_record(actor=None, setting=world.crewe, data=data)
    again, changed = judgement_record(actor=None, setting=world.crewe, data=data)
    assert created and not changed and first.pk == again.pk


def test_a_provider_adds_a_new_inspection_and_may_send_it_again_unchanged(world):
    provider = provider_of(world)
    added, created = judgement_record(actor=provider, setting=world.crewe, data=ofsted("2"))
    same, changed = judgement_record(actor=provider, setting=world.crewe, data=ofsted("2"))
    assert created and not changed and same.pk == added.pk
    # Its own record is fixed once made, too: the band it gives is what councils rely on.
    with pytest.raises(WrongState):
        judgement_record(actor=provider, setting=world.crewe, data=ofsted("1"))
    assert InspectionJudgement.objects.get(pk=added.pk).grades == {"overall_effectiveness": "2"}


def test_the_refusal_is_shown_with_the_forms_other_errors(world, client, requires_improvement):
    client.force_login(person(Role.PROVIDER_USER, organisation=world.provider))
    response = client.post(
        f"/settings/{world.crewe.pk}/judgements/new/",
        {
            "framework": "ofsted_4point",
            "inspection_number": NUMBER,
            "inspection_start_date": STARTED.isoformat(),
            "grade_overall_effectiveness": "Great",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'href="#id_inspection_number"' in html
    assert 'href="#id_grade_overall_effectiveness"' in html
