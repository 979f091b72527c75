"""Inputs beyond what can be true or what a column holds: a field error (400), never a 500, and
nothing written, the same from the page, the API and the service."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from fps_portal.accounts.models import Role
from fps_portal.actors import actor_for_user
from fps_portal.errors import InvalidInput
from providers.inspections.services.recording import (
    PUBLICATION_IN_FUTURE,
    PUBLISHED_BEFORE_START,
    START_IN_FUTURE,
    JudgementData,
    judgement_problems,
    judgement_record,
)
from providers.models import (
    AdditionalService,
    Evidence,
    InspectionJudgement,
    Setting,
    SettingLot,
    Specialism,
)
from providers.services.evidence import COVER_TOO_LARGE, evidence_add
from providers.services.settings import (
    CAPACITY_TOO_LARGE,
    MAX_CAPACITY,
    VACANCIES_TOO_LARGE,
    SettingData,
    setting_problems,
)
from tests.factories import api_client_for, person
from tests.providers.onboarding.factories import upload
from tests.reference_data import AN_AREA_OF_NEED

pytestmark = pytest.mark.django_db

OVER_INT32 = 2**31 + 1
SETTING_PAGE = {
    "name": "Harbour School",
    "postcode": "L20 3AB",
    "host_authority": "",
    "age_from": "7",
    "age_to": "16",
    "gender": "mixed",
    "offers_day": "on",
    "capacity": "30",
    "vacancies": "2",
    "specialisms": AN_AREA_OF_NEED,
}


def _today() -> datetime.date:
    return timezone.localdate()


def _judgement(**dates: datetime.date | None) -> JudgementData:
    values: dict[str, datetime.date | None] = {
        "inspection_start_date": datetime.date(2024, 1, 10),
        "publication_date": None,
    }
    values.update(dates)
    start = values["inspection_start_date"]
    assert start is not None
    return JudgementData(
        framework="ofsted_4point",
        inspection_start_date=start,
        publication_date=values["publication_date"],
        grades={"overall_effectiveness": "2"},
    )


# --- inspection dates -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dates", "field", "message"),
    [
        ({"inspection_start_date": "tomorrow"}, "inspection_start_date", START_IN_FUTURE),
        ({"publication_date": "tomorrow"}, "publication_date", PUBLICATION_IN_FUTURE),
        (
            {"inspection_start_date": "2024-03-01", "publication_date": "2024-02-01"},
            "publication_date",
            PUBLISHED_BEFORE_START,
        ),
    ],
)
def test_the_service_refuses_impossible_inspection_dates(world, dates, field, message):
    tomorrow = _today() + datetime.timedelta(days=1)
    parsed = {
        k: tomorrow if v == "tomorrow" else datetime.date.fromisoformat(v) for k, v in dates.items()
    }
    data = _judgement(**parsed)
    assert judgement_problems(actor=None, setting=world.crewe, data=data)[field] == [message]
    with pytest.raises(InvalidInput) as error:
        judgement_record(actor=None, setting=world.crewe, data=data)
    assert error.value.fields[field] == [message]
    assert not InspectionJudgement.objects.exists()


def test_today_is_a_possible_inspection_and_publication_date(world):
    data = _judgement(inspection_start_date=_today(), publication_date=_today())
    assert judgement_problems(actor=None, setting=world.crewe, data=data) == {}


@pytest.mark.parametrize("field", ["inspection_start_date", "publication_date"])
def test_the_api_refuses_a_future_inspection_date_naming_the_field(world, field):
    api = api_client_for(person(Role.PROVIDER_USER, organisation=world.other_provider))
    body = {
        "framework": "ofsted_4point",
        "inspection_start_date": "2024-09-10",
        "grades": {"overall_effectiveness": "1"},
        field: (_today() + datetime.timedelta(days=1)).isoformat(),
    }
    response = api.post(f"/api/v1/settings/{world.bootle.pk}/judgements/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert not InspectionJudgement.objects.exists()


def test_the_page_refuses_a_future_publication_date_at_its_field(world, client):
    client.force_login(person(Role.LEAD_EVALUATOR))
    response = client.post(
        f"/settings/{world.crewe.pk}/judgements/new/",
        {
            "framework": "ofsted_4point",
            "inspection_start_date": "2024-03-04",
            "publication_date": (_today() + datetime.timedelta(days=3)).isoformat(),
            "relates_to_current_urn": "on",
            "grade_overall_effectiveness": "2",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'href="#id_publication_date_day"' in page and PUBLICATION_IN_FUTURE in page
    assert not InspectionJudgement.objects.exists()


# --- capacity and vacancies -------------------------------------------------------------------


def test_the_service_bounds_capacity_and_vacancies():
    base = {
        "name": "Harbour School",
        "postcode": "L20 3AB",
        "age_from": 7,
        "age_to": 16,
        "specialisms": [Specialism.objects.order_by("display_order")[0]],
    }
    assert setting_problems(SettingData(**base, capacity=MAX_CAPACITY), instance=None) == {}  # type: ignore[arg-type]
    too_many = SettingData(**base, capacity=MAX_CAPACITY + 1, vacancies=OVER_INT32)  # type: ignore[arg-type]
    problems = setting_problems(too_many, instance=None)
    assert problems["capacity"] == [CAPACITY_TOO_LARGE]
    assert problems["vacancies"] == [VACANCIES_TOO_LARGE]
    # Vacancies are bounded even when the capacity could not be read.
    unread = setting_problems(too_many, instance=None, unreadable={"capacity"})
    assert unread == {"vacancies": [VACANCIES_TOO_LARGE]}


@pytest.mark.parametrize("field", ["capacity", "vacancies"])
def test_the_pages_refuse_a_huge_number_of_places(world, client, field):
    client.force_login(person(Role.PROVIDER_USER, organisation=world.provider))
    before = Setting.objects.count()
    added = client.post("/settings/new/", {**SETTING_PAGE, field: str(OVER_INT32)})
    assert added.status_code == 400 and f'href="#id_{field}"' in added.content.decode()
    assert Setting.objects.count() == before
    edited = client.post(
        f"/settings/{world.crewe.pk}/edit/", {**SETTING_PAGE, field: str(OVER_INT32)}
    )
    assert edited.status_code == 400 and f'href="#id_{field}"' in edited.content.decode()
    world.crewe.refresh_from_db()
    assert world.crewe.name == "Crewe School"


@pytest.mark.parametrize("field", ["capacity", "vacancies"])
def test_the_api_refuses_a_huge_number_of_places(world, field):
    api = api_client_for(person(Role.PROVIDER_USER, organisation=world.provider))
    before = Setting.objects.count()
    body = {"name": "Api School", "postcode": "CW1 2AB", "age_from": 5, "age_to": 11}
    created = api.post("/api/v1/settings/", {**body, field: OVER_INT32}, format="json")
    assert created.status_code == 400 and field in created.json()["error"]["fields"]
    assert Setting.objects.count() == before
    patched = api.patch(f"/api/v1/settings/{world.crewe.pk}/", {field: OVER_INT32}, format="json")
    assert patched.status_code == 400 and field in patched.json()["error"]["fields"]


# --- money: prices, rates, insurance cover ----------------------------------------------------


def test_a_price_or_rate_beyond_the_column_is_a_field_error(world, client):
    """parse_money allows eight digits of pounds, which DecimalField(10, 2) holds."""
    client.force_login(person(Role.PROVIDER_USER, organisation=world.provider))
    huge = "123456789012.00"
    prices = client.post(
        f"/settings/{world.unpriced.pk}/prices/",
        {f"price_{world.day.pk}": "100.00", f"price_{world.residential.pk}": huge},
    )
    assert prices.status_code == 400
    assert f'href="#id_price_{world.residential.pk}"' in prices.content.decode()
    assert not SettingLot.objects.filter(setting=world.unpriced, lot=world.residential).exists()
    rate = client.post(
        f"/settings/{world.crewe.pk}/services/",
        {"service-name": "1:1 support", "service-unit": "hour", "service-rate": huge},
    )
    assert rate.status_code == 400 and not AdditionalService.objects.exists()
    api = api_client_for(person(Role.PROVIDER_USER, organisation=world.provider))
    price = api.post(
        f"/api/v1/settings/{world.crewe.pk}/prices/",
        {"lot": "A1", "weekly_price": huge},
        format="json",
    )
    assert price.status_code == 400 and "weekly_price" in price.json()["error"]["fields"]


def _insurance(cover: str) -> dict[str, object]:
    return {
        "kind": "insurance",
        "title": "Employer's liability 2026",
        "insurance_type": "employers_liability",
        "insurer": "Zurich",
        "cover_amount": cover,
        "valid_until": (timezone.localdate() + datetime.timedelta(days=300)).isoformat(),
        "file": upload("cert.pdf"),
    }


def test_the_service_refuses_an_insurance_cover_too_large_to_be_true():
    me = actor_for_user(person(Role.PROVIDER_USER))
    assert me.organisation is not None
    with pytest.raises(InvalidInput) as error:
        evidence_add(
            actor=me,
            provider=me.organisation,
            kind="insurance",
            title="Employer's liability 2026",
            upload=upload(),
            insurance_type="employers_liability",
            insurer="Zurich",
            cover_amount=Decimal("10") ** 13,  # beyond DecimalField(14, 2)
            valid_until=timezone.localdate() + datetime.timedelta(days=300),
        )
    assert error.value.fields["cover_amount"] == [COVER_TOO_LARGE]
    assert not Evidence.objects.exists()


@pytest.mark.parametrize("cover", ["5000000000", "99999999999999999999"])
def test_page_and_api_refuse_an_insurance_cover_too_large(client, cover):
    user = person(Role.PROVIDER_USER)
    client.force_login(user)
    page = client.post("/onboarding/evidence/new/", _insurance(cover))
    assert page.status_code == 400
    assert 'href="#id_cover_amount"' in page.content.decode()
    assert COVER_TOO_LARGE in page.content.decode()
    api = api_client_for(user)
    response = api.post("/api/v1/evidence/", _insurance(cover), format="multipart")
    assert response.status_code == 400
    assert "cover_amount" in response.json()["error"]["fields"]
    assert not Evidence.objects.exists()


def test_a_search_radius_beyond_its_limit_is_a_field_error(world):
    api = api_client_for(person(Role.COMMISSIONER))
    response = api.get("/api/v1/settings/", {"postcode": "CW1 2AB", "radius_miles": "1e30"})
    assert response.status_code == 400
    assert "radius_miles" in response.json()["error"]["fields"]
