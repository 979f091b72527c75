"""Markup typed into any free-text field shown in the hand-built search rows comes out as text.

The search page's rows and filter drop-downs are joined in Python (`search_render`), outside the
template engine's autoescaping, and the CSV/XLSX export writes the same facts. Every free-text
field those rows show is filled with markup here: a script tag, an attribute break-out with an
event handler, and template braces. The commissioners' search, the forum's directory, the API and
both exports must show it as the literal text it is, escaped in HTML, never as markup.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.utils.html import escape
from openpyxl import load_workbook

from fps_portal.accounts.models import Organisation, Role
from providers.models import Lot, PrimaryNeed, Setting, Specialism
from tests.factories import api_client_for, person
from tests.providers.directory.conftest import World

pytestmark = pytest.mark.django_db

MARKUP = '<script>alert(1)</script>"><img src=x onerror=alert(1)>{{ 7*7 }}'
RAW = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '"><img')
# A lot's code has twenty characters at most: a short break-out of its own.
LOT_CODE = 'A1"><i>x'


def _poison(tag: str) -> str:
    return f"{tag} {MARKUP}"


@pytest.fixture
def poisoned(world: World) -> dict[str, str]:
    """Crewe School with markup in every free-text field its search row and filters show."""
    values = {
        "setting": _poison("Setting"),
        "town": _poison("Town"),
        "summary": _poison("Grade"),
        "provider": _poison("Provider"),
        "host": _poison("Host"),
        "specialism": _poison("Specialism"),
        "need": _poison("Need"),
        "lot": _poison("Lot"),
        "lot_code": LOT_CODE,
    }
    crewe = world.crewe
    Setting.objects.filter(pk=crewe.pk).update(
        name=values["setting"], town=values["town"], current_band_summary=values["summary"]
    )
    Organisation.objects.filter(pk=crewe.provider_id).update(name=values["provider"])
    assert crewe.host_authority_id is not None
    Organisation.objects.filter(pk=crewe.host_authority_id).update(name=values["host"])
    Specialism.objects.filter(code="communication-and-interaction").update(
        name=values["specialism"]
    )
    PrimaryNeed.objects.filter(code="ASD").update(name=values["need"])
    Lot.objects.filter(pk=world.day.pk).update(name=values["lot"], code=LOT_CODE)
    return values


def _assert_escaped(body: str, values: dict[str, str], shown: list[str]) -> None:
    for raw in RAW:
        assert raw not in body, f"unescaped markup {raw!r} in the page"
    assert "<i>x" not in body, "the lot code broke out of its attribute"
    for field in shown:
        assert escape(values[field]) in body, f"{field} is not shown escaped"
    assert "{{ 7*7 }}" in body, "template braces are shown as they were typed"


def test_the_commissioners_search_rows_and_filters_show_markup_as_text(
    client: Client, poisoned: dict[str, str]
) -> None:
    client.force_login(person(Role.COMMISSIONER))
    response = client.get("/find-a-setting/")
    assert response.status_code == 200
    _assert_escaped(
        response.content.decode(),
        poisoned,
        ["setting", "town", "summary", "provider", "host", "specialism", "need", "lot"],
    )
    # Searching one lot adds its code and price to each row.
    by_lot = client.get("/find-a-setting/", {"lot": LOT_CODE})
    assert by_lot.status_code == 200
    _assert_escaped(by_lot.content.decode(), poisoned, ["setting", "lot_code"])


def test_the_forums_directory_shows_markup_as_text(poisoned: dict[str, str]) -> None:
    for who in (None, person(Role.FORUM_MEMBER)):
        browser = Client()
        if who is not None:
            browser.force_login(who)
        response = browser.get("/forum/settings/")
        assert response.status_code == 200
        _assert_escaped(
            response.content.decode(),
            poisoned,
            ["setting", "town", "summary", "host", "specialism", "need", "lot"],
        )


def test_the_api_returns_markup_as_the_literal_json_string(poisoned: dict[str, str]) -> None:
    response = api_client_for(person(Role.COMMISSIONER)).get("/api/v1/settings/", {"lot": LOT_CODE})
    assert response.status_code == 200
    # JSON, never HTML: a browser will not render it, and the value is exactly what was typed.
    assert response["Content-Type"].startswith("application/json")
    (row,) = [r for r in response.json()["results"] if r["name"] == poisoned["setting"]]
    assert row["town"] == poisoned["town"]
    assert row["provider"] == poisoned["provider"]
    assert row["host_authority"] == poisoned["host"]
    assert row["inspection"]["grade"] == poisoned["summary"]
    assert row["lot"] == LOT_CODE
    assert [s["name"] for s in row["specialisms"]] == [poisoned["specialism"]]


def _csv_rows(body: bytes) -> list[dict[str, str]]:
    text = body.decode("utf-8-sig")
    # The leading "#" lines explain the export; the table follows them.
    while text.startswith("#"):
        text = text.split("\r\n", 1)[1]
    return list(csv.DictReader(io.StringIO(text)))


def _csv_row(body: bytes, setting_name: str) -> dict[str, str]:
    rows = _csv_rows(body)
    (row,) = [r for r in rows if r["Setting"] == setting_name]
    return row


def test_the_csv_export_writes_markup_as_literal_text(
    client: Client, poisoned: dict[str, str]
) -> None:
    client.force_login(person(Role.COMMISSIONER))
    response = client.get("/find-a-setting/export.csv", {"lot": LOT_CODE})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    row = _csv_row(response.content, poisoned["setting"])
    assert row["Provider"] == poisoned["provider"]
    assert row["Town"] == poisoned["town"]
    assert row["Host authority"] == poisoned["host"]
    assert row["Inspection grade"] == poisoned["summary"]
    assert row["Areas of need"] == poisoned["specialism"]
    assert row["Lot"] == LOT_CODE


def test_the_xlsx_export_writes_markup_as_literal_text(
    client: Client, poisoned: dict[str, str]
) -> None:
    client.force_login(person(Role.COMMISSIONER))
    response = client.get("/find-a-setting/export.xlsx", {"lot": LOT_CODE})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    rows = [
        dict(zip(header, (c.value for c in r), strict=True)) for r in sheet.iter_rows(min_row=2)
    ]
    (row,) = [r for r in rows if r["Setting"] == poisoned["setting"]]
    assert (row["Provider"], row["Town"], row["Inspection grade"]) == (
        poisoned["provider"],
        poisoned["town"],
        poisoned["summary"],
    )


# Formula injection: a cell that starts with = + - @ runs as a formula in a spreadsheet.
FORMULAS = {
    "setting": '=HYPERLINK("http://example.com/x","Open")',
    "town": "+1+2",
    "summary": "-2+3",
    "provider": "@SUM(1+1)",
}


@pytest.fixture
def formulas(world: World) -> dict[str, str]:
    Setting.objects.filter(pk=world.crewe.pk).update(
        name=FORMULAS["setting"], town=FORMULAS["town"], current_band_summary=FORMULAS["summary"]
    )
    Organisation.objects.filter(pk=world.crewe.provider_id).update(name=FORMULAS["provider"])
    return FORMULAS


def test_the_csv_export_neutralises_formulas(client: Client, formulas: dict[str, str]) -> None:
    client.force_login(person(Role.COMMISSIONER))
    body = client.get("/find-a-setting/export.csv").content
    row = _csv_row(body, "'" + formulas["setting"])
    assert (row["Town"], row["Inspection grade"], row["Provider"]) == (
        "'" + formulas["town"],
        "'" + formulas["summary"],
        "'" + formulas["provider"],
    )


def test_the_xlsx_export_writes_formulas_as_text_not_formulas(
    client: Client, formulas: dict[str, str]
) -> None:
    client.force_login(person(Role.COMMISSIONER))
    sheet = load_workbook(io.BytesIO(client.get("/find-a-setting/export.xlsx").content)).active
    assert sheet is not None
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"], "a cell is a formula"
    assert "'" + formulas["setting"] in [c.value for c in cells]


def test_the_csv_export_neutralises_a_formula_behind_a_tab_or_carriage_return(
    client: Client, world: World
) -> None:
    Setting.objects.filter(pk=world.crewe.pk).update(town="\t=1+2")
    Setting.objects.filter(pk=world.bootle.pk).update(town="\r=1+2")
    client.force_login(person(Role.COMMISSIONER))
    rows = _csv_rows(client.get("/find-a-setting/export.csv").content)
    towns = {r["Setting"]: r["Town"] for r in rows}
    assert towns["Crewe School"].startswith("'") and towns["Bootle College"].startswith("'")
