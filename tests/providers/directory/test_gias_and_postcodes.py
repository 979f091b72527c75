from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command

from fps_portal.accounts.models import Role
from fps_portal.errors import InvalidInput
from providers.models import GiasEstablishment
from providers.postcodes import PostcodeError, haversine_miles, locate, parse_district
from providers.services.gias import gias_import, gias_prefill
from tests.factories import person

GIAS = Path(__file__).resolve().parents[3] / "demo" / "data" / "gias_subset.csv"


def test_import_command_loads_rows_by_urn_and_is_repeatable(db, capsys):
    call_command("import_gias", str(GIAS))
    assert GiasEstablishment.objects.count() == 8
    call_command("import_gias", str(GIAS))
    assert GiasEstablishment.objects.count() == 8
    assert "8 updated" in capsys.readouterr().out
    fairley = GiasEstablishment.objects.get(urn="101173")
    assert (fairley.age_low, fairley.age_high, fairley.open_date.isoformat()) == (
        5,
        16,
        "1982-05-13",
    )
    assert fairley.sen_provision == ["SpLD - Specific Learning Difficulty"]


def test_windows_1252_extract_is_read(db):
    header = (
        "URN,EstablishmentName,Postcode,StatutoryLowAge,StatutoryHighAge,Gender (name),OpenDate\n"
    )
    row = "123456,Ysgol Dewi Sant – Caf\xe9 Campus,CW1 2AB,5,11,Girls,01-09-2010\n"
    result = gias_import(raw=(header + row).encode("cp1252"))
    assert result.created == 1
    assert GiasEstablishment.objects.get(urn="123456").name.endswith("Café Campus")


def test_a_file_that_is_not_gias_is_refused(db):
    with pytest.raises(InvalidInput):
        gias_import(raw=b"name,age\nx,1\n")


def test_prefill_from_urn(db):
    gias_import(raw=GIAS.read_bytes())
    values = gias_prefill("101173")
    assert values["name"] == "Fairley House School" and values["postcode"] == "SW1P 4AU"
    assert (values["age_from"], values["age_to"], values["gender"]) == (5, 16, "mixed")
    assert values["offers_residential"] is False and len(values["primary_needs"]) == 1
    with pytest.raises(InvalidInput) as exc:
        gias_prefill("999999")
    assert "999999" in exc.value.fields["urn"][0]


def test_add_a_setting_page_prefills_or_says_the_urn_is_unknown(db, client):
    gias_import(raw=GIAS.read_bytes())
    client.force_login(person(Role.PROVIDER_USER))
    html = client.get("/settings/new/", {"urn": "101173"}, follow=True).content.decode()
    assert 'value="Fairley House School"' in html and 'value="SW1P 4AU"' in html
    response = client.get("/settings/new/", {"urn": "424242"}, follow=True)
    assert (
        response.status_code == 400
        and "There is no establishment with URN 424242" in response.content.decode()
    )


@pytest.mark.parametrize(
    ("raw", "district"),
    [("cw1 2ab", "CW1"), ("CW12AB", "CW1"), ("M1", "M1"), (" sk11 6dt ", "SK11")],
)
def test_parse_district(raw, district):
    assert parse_district(raw) == district


@pytest.mark.parametrize("raw", ["", "hello", "12345", "CW1 2AB 3", "CWW"])
def test_malformed_postcodes(raw):
    with pytest.raises(PostcodeError):
        parse_district(raw)


def test_locate_unknown_district_and_distance(db):
    with pytest.raises(PostcodeError) as exc:
        locate("ZZ9 9ZZ")
    assert "ZZ9" in exc.value.message
    crewe, bootle = locate("CW1"), locate("L20")
    assert (
        30
        < haversine_miles(crewe.latitude, crewe.longitude, bootle.latitude, bootle.longitude)
        < 40
    )


def test_unicode_digits_are_not_a_urn_or_an_age(db):
    # "²".isdigit() is true, but int("²") fails: such a row is skipped, such an age left blank.
    header = (
        "URN,EstablishmentName,Postcode,StatutoryLowAge,StatutoryHighAge,Gender (name),OpenDate\n"
    )
    rows = "12²456,Superscript School,CW1 2AB,5,11,Mixed,01-09-2010\n"
    rows += "123457,Odd Ages School,CW1 2AB,²,1²,Mixed,01-09-2010\n"
    result = gias_import(raw=(header + rows).encode("utf-8"))
    assert result.created == 1
    odd = GiasEstablishment.objects.get(urn="123457")
    assert (odd.age_low, odd.age_high) == (None, None)
    with pytest.raises(InvalidInput):
        gias_prefill(urn="12²456")
