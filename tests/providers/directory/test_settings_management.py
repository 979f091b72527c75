"""A provider's settings: who may add and edit them, validation, prices and services, audit."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fps_portal.accounts.models import Role
from fps_portal.actors import actor_for_user
from fps_portal.audit.models import AuditEvent
from fps_portal.errors import InvalidInput, NotAllowed, WrongState
from providers.models import (
    AdditionalService,
    PriceChange,
    PriceChangeState,
    PrimaryNeed,
    Setting,
    SettingLot,
    Specialism,
)
from providers.services.setting_prices import (
    additional_service_add,
    setting_set_price,
    setting_withdraw_lot,
)
from providers.services.settings import SettingData, setting_create, setting_update
from tests.conftest import ALL_ROLES
from tests.factories import api_client_for, authority, person
from tests.reference_data import AN_AREA_OF_NEED

VALID = {
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


def actor(user):  # type: ignore[no-untyped-def]
    return actor_for_user(user)


def data(**overrides: object) -> SettingData:
    values: dict[str, object] = {
        "name": "Harbour School",
        "postcode": "L20 3AB",
        "age_from": 7,
        "age_to": 16,
        "capacity": 30,
        "vacancies": 2,
        "specialisms": [Specialism.objects.order_by("display_order")[0]],
    }
    values.update(overrides)
    return SettingData(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize("role", ALL_ROLES)
def test_only_provider_users_may_add_a_setting(world, client, role):
    client.force_login(person(role))
    response = client.get("/settings/new/", follow=True)
    assert response.status_code == (200 if role == Role.PROVIDER_USER else 403)


def test_anonymous_goes_to_sign_in(world, client):
    for url in ("/settings/new/", "/settings/mine/", f"/settings/{world.crewe.pk}/edit/"):
        assert client.get(url).status_code == 302


def test_provider_adds_a_setting_located_by_postcode(world, client):
    user = person(Role.PROVIDER_USER, organisation=world.provider)
    client.force_login(user)
    post = {
        **VALID,
        "host_authority": str(authority("Sefton").pk),
        "specialisms": [],
        "primary_needs": [str(PrimaryNeed.objects.get(code="ASD").pk)],
    }
    response = client.post("/settings/new/", post)
    assert response.status_code == 302
    setting = Setting.objects.get(name="Harbour School")
    assert (setting.provider, setting.postcode_district, setting.postcode) == (
        world.provider,
        "L20",
        "L20 3AB",
    )
    assert setting.latitude and setting.longitude
    # A primary need brings its area of need with it.
    assert list(setting.specialisms.values_list("code", flat=True)) == [
        "communication-and-interaction"
    ]
    assert AuditEvent.objects.filter(
        object_type="providers.setting", object_id=str(setting.pk), verb="created"
    ).exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"age_from": "16", "age_to": "5"}, "age_to"),
        ({"vacancies": "31"}, "vacancies"),
        ({"postcode": "not one"}, "postcode"),
        ({"postcode": "ZZ9 9ZZ"}, "postcode"),
        ({"postcode": "L20"}, "postcode"),  # a setting needs its full postcode
        ({"offers_day": ""}, "offers_day"),
        ({"urn": "ABC"}, "urn"),
        ({"dfe_number": "12"}, "dfe_number"),
    ],
)
def test_bad_input_is_a_field_error_and_nothing_is_written(world, client, changes, field):
    client.force_login(person(Role.PROVIDER_USER, organisation=world.provider))
    before = Setting.objects.count()
    response = client.post("/settings/new/", {**VALID, **changes})
    assert response.status_code == 400
    assert f'href="#id_{field}' in response.content.decode()
    assert Setting.objects.count() == before


def test_duplicate_urn_is_refused(world):
    user = person(Role.PROVIDER_USER, organisation=world.provider)
    with pytest.raises(InvalidInput) as exc:
        setting_create(actor=actor(user), data=data(urn=world.crewe.urn))
    assert "urn" in exc.value.fields


def test_another_providers_setting_is_not_found_and_a_commissioner_cannot_edit(world, client):
    client.force_login(person(Role.PROVIDER_USER))
    for url in (
        f"/settings/{world.crewe.pk}/edit/",
        f"/settings/{world.crewe.pk}/prices/",
        f"/settings/{world.crewe.pk}/",
    ):
        assert client.get(url).status_code == 404
    client.force_login(person(Role.COMMISSIONER))
    assert client.get(f"/settings/{world.crewe.pk}/edit/").status_code == 403
    with pytest.raises(NotAllowed):
        setting_update(actor=actor(person(Role.COMMISSIONER)), setting=world.crewe, data=data())


def test_provider_edits_its_setting(world, client):
    client.force_login(person(Role.PROVIDER_USER, organisation=world.provider))
    response = client.post(
        f"/settings/{world.crewe.pk}/edit/", {**VALID, "name": "Crewe Academy", "vacancies": "0"}
    )
    assert response.status_code == 302
    world.crewe.refresh_from_db()
    assert (world.crewe.name, world.crewe.vacancies, world.crewe.postcode_district) == (
        "Crewe Academy",
        0,
        "L20",
    )
    event = AuditEvent.objects.filter(object_id=str(world.crewe.pk), verb="updated").get()
    assert event.before["name"] == "Crewe School" and event.after["name"] == "Crewe Academy"


def test_prices_per_lot_validated_and_changes_on_approved_lots_audited(world, client):
    user = person(Role.PROVIDER_USER, organisation=world.provider)
    client.force_login(user)
    url = f"/settings/{world.crewe.pk}/prices/"
    bad = client.post(
        url, {f"price_{world.day.pk}": "3000.999", f"price_{world.residential.pk}": "5200.00"}
    )
    assert bad.status_code == 400 and "pounds and pence" in bad.content.decode()
    ok = client.post(
        url, {f"price_{world.day.pk}": "3100.50", f"price_{world.residential.pk}": "5200.00"}
    )
    assert ok.status_code == 302
    # The approved price stands: the change is a proposal the lead authority decides (issue 10).
    offer = SettingLot.objects.get(setting=world.crewe, lot=world.day)
    assert offer.weekly_price == Decimal("3000.00") and offer.approved_at is not None
    change = PriceChange.objects.get(offer=offer, state=PriceChangeState.PENDING)
    assert change.proposed_price == Decimal("3100.50")
    event = AuditEvent.objects.get(
        object_type="providers.pricechange", object_id=str(change.pk), verb="created"
    )
    assert event.after["approved_price"] == "3000.00"
    assert event.after["proposed_price"] == "3100.50"


@pytest.mark.parametrize("price", ["0", "-10", "abc", "12.345", "", "1e3"])
def test_a_price_that_is_not_pounds_and_pence_is_refused(world, price):
    user = person(Role.PROVIDER_USER, organisation=world.provider)
    with pytest.raises(InvalidInput):
        setting_set_price(actor=actor(user), setting=world.crewe, lot=world.day, weekly_price=price)
    assert SettingLot.objects.get(setting=world.crewe, lot=world.day).weekly_price == Decimal(
        "3000.00"
    )


def test_approved_lot_cannot_be_withdrawn_by_the_provider(world):
    user = person(Role.PROVIDER_USER, organisation=world.provider)
    with pytest.raises(WrongState):
        setting_withdraw_lot(actor=actor(user), setting=world.crewe, lot=world.day)
    setting_withdraw_lot(
        actor=actor(user), setting=world.unpriced, lot=world.day
    )  # not approved: fine
    assert not SettingLot.objects.filter(setting=world.unpriced).exists()


def test_additional_services(world, client):
    client.force_login(person(Role.PROVIDER_USER, organisation=world.provider))
    url = f"/settings/{world.crewe.pk}/services/"
    bad = client.post(
        url, {"service-name": "1:1 support", "service-unit": "hour", "service-rate": "free"}
    )
    assert bad.status_code == 400 and not AdditionalService.objects.exists()
    assert (
        client.post(
            url, {"service-name": "1:1 support", "service-unit": "hour", "service-rate": "24.50"}
        ).status_code
        == 302
    )
    service = AdditionalService.objects.get()
    assert (service.unit, service.rate) == ("hour", Decimal("24.50"))
    client.post(f"/settings/{world.crewe.pk}/services/{service.pk}/remove/")
    assert not AdditionalService.objects.exists()
    with pytest.raises(NotAllowed):
        additional_service_add(
            actor=actor(person(Role.PROVIDER_USER)),
            setting=world.crewe,
            name="x",
            unit="h",
            rate="1",
        )


def test_api_create_patch_and_price(world):
    user = person(Role.PROVIDER_USER, organisation=world.provider)
    api = api_client_for(user)
    created = api.post(
        "/api/v1/settings/",
        {
            "name": "Api School",
            "postcode": "CW1 2AB",
            "age_from": 5,
            "age_to": 11,
            "primary_needs": ["SLD"],
            "host_authority": "E06000049",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert created.json()["specialisms"] == [
        {"code": "cognition-and-learning", "name": "Cognition and learning"}
    ]
    bad = api.patch(f"/api/v1/settings/{pk}/", {"age_from": 12}, format="json")
    assert bad.status_code == 400 and "age_to" in bad.json()["error"]["fields"]
    ok = api.patch(f"/api/v1/settings/{pk}/", {"vacancies": 0, "capacity": 10}, format="json")
    assert ok.status_code == 200 and ok.json()["capacity"] == 10
    price = api.post(
        f"/api/v1/settings/{pk}/prices/", {"lot": "A1", "weekly_price": "2999.99"}, format="json"
    )
    assert price.status_code == 200 and price.json()["lots"][0]["weekly_price"] == "2999.99"
    assert (
        api.post(
            f"/api/v1/settings/{pk}/prices/", {"lot": "A1", "weekly_price": "-1"}, format="json"
        ).status_code
        == 400
    )
    other = api_client_for(person(Role.PROVIDER_USER))
    assert (
        other.patch(f"/api/v1/settings/{pk}/", {"vacancies": 1}, format="json").status_code == 404
    )
    commissioner = api_client_for(person(Role.COMMISSIONER))
    assert commissioner.post("/api/v1/settings/", {"name": "x"}, format="json").status_code == 403
    assert (
        commissioner.patch(
            f"/api/v1/settings/{world.crewe.pk}/", {"vacancies": 1}, format="json"
        ).status_code
        == 403
    )


def test_provider_dashboard_counts_settings_missing_a_price_or_judgement(world, client):
    client.force_login(person(Role.PROVIDER_USER, organisation=world.provider))
    html = client.get("/dashboard/").content.decode()
    assert "Missing a price" in html and "Missing an inspection judgement" in html
