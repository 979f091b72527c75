"""The provider's setting, prices, service and judgement forms: all or nothing, every error at once,
in GOV.UK's words, and markup a screen reader can follow."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from fps_portal.accounts.models import Role
from fps_portal.actors import actor_for_user
from fps_portal.audit.models import AuditEvent
from fps_portal.errors import DomainError, InvalidInput, WrongState
from providers.models import (
    AdditionalService,
    InspectionJudgement,
    PriceChange,
    Setting,
    SettingLot,
)
from providers.services import setting_prices as setting_services
from tests.factories import person
from tests.reference_data import AN_AREA_OF_NEED

DJANGO_REQUIRED = "This field is required."

SETTING = {
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


def errors_in(html: str) -> list[tuple[str, str]]:
    """(link, text) of each line of the error summary."""
    summary = re.search(r'<div class="govuk-error-summary".*?</ul>', html, re.S)
    assert summary, "no error summary"
    return re.findall(r'<li><a href="([^"]*)">([^<]*)</a></li>', summary.group(0))


def fieldset_with_legend(html: str, legend: str) -> str:
    for block in re.findall(r"<fieldset\b.*?</fieldset>", html, re.S):
        if re.search(rf"<legend[^>]*>\s*{re.escape(legend)}\s*</legend>", block):
            return str(block)
    raise AssertionError(f"no fieldset with the legend {legend!r}")


@pytest.fixture
def provider_client(world, client):  # type: ignore[no-untyped-def]
    client.force_login(person(Role.PROVIDER_USER, organisation=world.provider))
    return client


def price(world, lot) -> Decimal:  # type: ignore[no-untyped-def]
    return SettingLot.objects.get(setting=world.crewe, lot=lot).weekly_price


# Prices: every lot or none.


def test_a_bad_price_on_one_lot_leaves_every_lot_unchanged(world, provider_client):
    events = AuditEvent.objects.count()
    response = provider_client.post(
        f"/settings/{world.crewe.pk}/prices/",
        {f"price_{world.day.pk}": "3100.00", f"price_{world.residential.pk}": "abc"},
    )
    assert response.status_code == 400
    assert (price(world, world.day), price(world, world.residential)) == (
        Decimal("3000.00"),
        Decimal("5200.00"),
    )
    assert AuditEvent.objects.count() == events
    assert errors_in(response.content.decode()) == [
        (
            f"#id_price_{world.residential.pk}",
            "Enter the price for lot A3 in pounds and pence, like 2950.00.",
        )
    ]


def test_every_bad_price_is_named_at_once(world, provider_client):
    response = provider_client.post(
        f"/settings/{world.crewe.pk}/prices/",
        {f"price_{world.day.pk}": "0", f"price_{world.residential.pk}": "12.345"},
    )
    assert [link for link, _ in errors_in(response.content.decode())] == [
        f"#id_price_{world.day.pk}",
        f"#id_price_{world.residential.pk}",
    ]
    assert "The price for lot A1 must be more than £0." in response.content.decode()


def test_blanking_an_approved_lot_is_refused_at_its_field_and_nothing_is_saved(
    world, provider_client
):
    response = provider_client.post(
        f"/settings/{world.crewe.pk}/prices/",
        {f"price_{world.day.pk}": "3100.00", f"price_{world.residential.pk}": ""},
    )
    assert response.status_code == 400
    [(link, text)] = errors_in(response.content.decode())
    assert link == f"#id_price_{world.residential.pk}" and "lead authority" in text
    assert price(world, world.day) == Decimal("3000.00")


def test_a_service_failing_halfway_rolls_back_the_lots_already_written(world, monkeypatch):
    real = setting_services.setting_set_price

    def fails_on_the_second_lot(**kwargs):  # type: ignore[no-untyped-def]
        if kwargs["lot"] == world.residential:
            raise WrongState("Something changed underneath.")
        return real(**kwargs)

    monkeypatch.setattr(setting_services, "setting_set_price", fails_on_the_second_lot)
    provider = actor_for_user(person(Role.PROVIDER_USER, organisation=world.provider))
    with pytest.raises(DomainError):
        setting_services.setting_set_prices(
            actor=provider,
            setting=world.crewe,
            prices={world.day: "3100.00", world.residential: "5300.00"},
        )
    assert price(world, world.day) == Decimal("3000.00")


def test_good_prices_are_all_saved(world, provider_client):
    response = provider_client.post(
        f"/settings/{world.crewe.pk}/prices/",
        {f"price_{world.day.pk}": "3100.00", f"price_{world.residential.pk}": "£5,300"},
    )
    assert response.status_code == 302
    # Crewe's prices are approved: both new prices wait for the lead authority (issue 10).
    proposed = PriceChange.objects.filter(offer__setting=world.crewe, state="pending")
    assert sorted(c.proposed_price for c in proposed) == [Decimal("3100.00"), Decimal("5300.00")]
    assert (price(world, world.day), price(world, world.residential)) == (
        Decimal("3000.00"),
        Decimal("5200.00"),
    )


def test_the_service_checks_every_lot_before_writing(world):
    provider = actor_for_user(person(Role.PROVIDER_USER, organisation=world.provider))
    with pytest.raises(InvalidInput) as refused:
        setting_services.setting_set_prices(
            actor=provider,
            setting=world.crewe,
            prices={world.day: "3100.00", world.residential: "x"},
        )
    assert list(refused.value.fields) == [f"price_{world.residential.pk}"]
    assert price(world, world.day) == Decimal("3000.00")


# Add a setting: the page's markup.


def test_the_urn_lookup_has_its_own_id_and_one_optional(world, provider_client):
    html = provider_client.get("/settings/new/", follow=True).content.decode()
    assert html.count('id="id_urn"') == 1
    lookup = re.search(
        r'<label[^>]*for="([^"]+)"[^>]*>\s*URN to look up \(optional\)</label>', html
    )
    assert lookup, "the lookup's label"
    assert lookup.group(1) != "id_urn" and html.count(f'id="{lookup.group(1)}"') == 1
    assert "(optional) (optional)" not in html


@pytest.mark.parametrize("page", ["new", "edit"])
def test_day_and_residential_are_one_question_in_a_fieldset(world, provider_client, page):
    url = "/settings/new/" if page == "new" else f"/settings/{world.crewe.pk}/edit/"
    fieldset = fieldset_with_legend(
        provider_client.get(url, follow=True).content.decode(),
        "What places does the setting offer?",
    )
    assert 'id="id_offers_day"' in fieldset and 'id="id_offers_residential"' in fieldset
    assert 'class="govuk-checkboxes"' in fieldset
    if page == "edit":  # Crewe offers both, and the boxes say so
        assert fieldset.count(" checked>") == 2


def test_ticking_neither_is_an_error_on_the_fieldset(world, provider_client):
    response = provider_client.post("/settings/new/", {**SETTING, "offers_day": ""})
    html = response.content.decode()
    fieldset = fieldset_with_legend(html, "What places does the setting offer?")
    described = re.search(r'<fieldset[^>]*aria-describedby="([^"]*)"', fieldset)
    assert described, "the fieldset names its error"
    error = re.search(r'<p id="([^"]+)" class="govuk-error-message">', fieldset)
    assert error and error.group(1) in described.group(1).split()
    assert "Select day, residential or both." in fieldset
    # Nothing in the group points at an id the page does not have.
    for ids in re.findall(r'aria-describedby="([^"]*)"', fieldset):
        for described_by in ids.split():
            assert f'id="{described_by}"' in html, described_by
    assert ("#id_offers_day", "Select day, residential or both.") in errors_in(html)


# Add a setting: every error at once, in words that say what to do.


def test_every_error_in_a_setting_shows_at_once(world, provider_client):
    before = Setting.objects.count()
    response = provider_client.post(
        "/settings/new/",
        {
            **SETTING,
            "email": "not an email",
            "postcode": "not one",
            "age_from": "16",
            "age_to": "5",
            "capacity": "10",
            "vacancies": "11",
            "offers_day": "",
        },
    )
    assert response.status_code == 400
    assert [link for link, _ in errors_in(response.content.decode())] == [
        "#id_postcode",
        "#id_age_to",
        "#id_offers_day",
        "#id_vacancies",
        "#id_email",
    ]
    assert Setting.objects.count() == before


def test_a_blank_setting_form_says_what_to_enter(world, provider_client):
    response = provider_client.post("/settings/new/", dict.fromkeys(SETTING, ""))
    html = response.content.decode()
    assert DJANGO_REQUIRED not in html
    texts = [text for _, text in errors_in(html)]
    for expected in (
        "Enter the setting&#x27;s name.",
        "Enter the setting&#x27;s postcode, like CW1 2AB.",
        "Enter the youngest age the setting takes.",
        "Enter the oldest age the setting takes.",
        "Select who the setting takes: mixed, boys or girls.",
        "Select day, residential or both.",
        "Enter how many places the setting has.",
        "Enter how many places are vacant now, or 0.",
    ):
        assert expected in texts


def test_a_number_that_is_not_one_says_so_and_the_other_checks_still_run(world, provider_client):
    response = provider_client.post(
        "/settings/new/", {**SETTING, "capacity": "thirty", "vacancies": "2", "age_to": "5"}
    )
    errors = dict(errors_in(response.content.decode()))
    assert errors["#id_capacity"] == "Enter the capacity as a whole number, like 30."
    # The capacity could not be read, so vacancies are not compared with it...
    assert "#id_vacancies" not in errors
    # ...but the ages are still checked.
    assert "#id_age_to" in errors


def test_editing_keeps_its_own_urn(world, provider_client):
    response = provider_client.post(
        f"/settings/{world.crewe.pk}/edit/", {**SETTING, "urn": world.crewe.urn or ""}
    )
    assert response.status_code == 302


# Additional services.


def test_every_error_in_a_service_shows_at_once(world, provider_client):
    response = provider_client.post(
        f"/settings/{world.crewe.pk}/services/",
        {"service-name": "", "service-unit": "", "service-rate": "x"},
    )
    html = response.content.decode()
    assert response.status_code == 400 and DJANGO_REQUIRED not in html
    assert errors_in(html) == [
        ("#id_service-name", "Enter the service&#x27;s name, like 1:1 support."),
        ("#id_service-unit", "Enter what the service is charged per, like hour or session."),
        ("#id_service-rate", "Enter the rate in pounds and pence, like 24.50."),
    ]
    assert not AdditionalService.objects.exists()


# Judgements.


def test_a_blank_judgement_form_says_what_to_enter(world, client):
    client.force_login(person(Role.LEAD_EVALUATOR))
    blank = (
        "framework",
        "inspection_number",
        "inspection_start_date",
        "grade_overall_effectiveness",
    )
    response = client.post(f"/settings/{world.crewe.pk}/judgements/new/", dict.fromkeys(blank, ""))
    html = response.content.decode()
    assert response.status_code == 400 and DJANGO_REQUIRED not in html
    # The framework is a set of radios, so its error links to the first one.
    assert errors_in(html) == [
        ("#id_framework_0", "Select the inspection framework."),
        ("#id_inspection_start_date_day", "Enter the date the inspection started."),
    ]


def test_every_error_in_a_judgement_shows_at_once(world, client):
    client.force_login(person(Role.LEAD_EVALUATOR))
    response = client.post(
        f"/settings/{world.crewe.pk}/judgements/new/",
        {
            "framework": "ofsted_4point",
            "inspection_start_date": "not a date",
            "category_of_concern": "XYZ",
            "grade_overall_effectiveness": "Great",
        },
    )
    links = [link for link, _ in errors_in(response.content.decode())]
    assert links == [
        "#id_inspection_start_date_day",
        "#id_category_of_concern",
        "#id_grade_overall_effectiveness",
    ]
    assert not InspectionJudgement.objects.exists()
