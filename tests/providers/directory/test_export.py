from __future__ import annotations

import csv
import datetime
import io

from openpyxl import load_workbook

from fps_portal.accounts.models import Role
from providers.selectors.search.export import COLUMNS
from tests.factories import person


def test_csv_and_xlsx_hold_the_same_rows_as_the_search(world, client):
    client.force_login(person(Role.COMMISSIONER))
    params = {"postcode": "L20 3AB", "radius_miles": "60", "ordering": "distance"}
    response = client.get("/find-a-setting/export.csv", params)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = [
        row
        for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
        if not row[0].startswith("#")  # the export's explanation (test_export_explains_itself)
    ]
    assert rows[0] == COLUMNS
    assert [r[0] for r in rows[1:]] == ["Bootle College", "Crewe School"]
    bootle = dict(zip(COLUMNS, rows[1], strict=True))
    assert (
        bootle["Weekly price (£)"] == "2800.00"
        and bootle["Lot"] == "A1"
        and bootle["Band"] == "Concern"
    )
    assert float(bootle["Distance (miles)"]) < 2 and bootle["Ages"] == "11-18"

    response = client.get("/find-a-setting/export.xlsx", params)
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [
        [("" if c is None else str(c)) for c in row] for row in sheet.iter_rows(values_only=True)
    ]
    assert values[0] == COLUMNS
    assert [v[0] for v in values[1:]] == ["Bootle College", "Crewe School"]
    price = sheet.cell(row=2, column=COLUMNS.index("Weekly price (£)") + 1)
    assert float(price.value) == 2800.0 and price.number_format == "0.00"
    # Distances and dates are numbers and dates in the sheet, so it sorts and filters on them.
    distance = sheet.cell(row=2, column=COLUMNS.index("Distance (miles)") + 1)
    assert isinstance(distance.value, int | float) and distance.value < 2
    crewe_as_at = sheet.cell(row=3, column=COLUMNS.index("Grade as at") + 1)
    assert crewe_as_at.is_date and crewe_as_at.value.date() == datetime.date(2024, 4, 2)


def test_a_setting_under_review_says_since_when_in_the_export_and_the_api(world, client):
    from django.utils import timezone

    from providers.models import Setting
    from tests.factories import api_client_for
    from tests.providers.directory.test_search import API

    commissioner = person(Role.COMMISSIONER)
    since = timezone.make_aware(datetime.datetime(2026, 11, 20, 23, 30))
    Setting.objects.filter(name="Bootle College").update(under_review_since=since)
    client.force_login(commissioner)
    params = {"postcode": "L20 3AB", "radius_miles": "60", "ordering": "distance"}
    sheet = load_workbook(io.BytesIO(client.get("/find-a-setting/export.xlsx", params).content))
    cells = {
        row[0].value: row[COLUMNS.index("Under review since")].value
        for row in sheet.active.iter_rows(min_row=2)
    }
    assert cells["Bootle College"].date() == datetime.date(2026, 11, 20)
    assert cells["Crewe School"] is None
    results = api_client_for(commissioner).get(API, params).json()["results"]
    by_name = {r["name"]: r["inspection"]["under_review_since"] for r in results}
    assert by_name["Crewe School"] is None
    assert by_name["Bootle College"].startswith("2026-11-20T23:30")


def test_export_with_a_bad_filter_goes_back_to_the_search(world, client):
    client.force_login(person(Role.COMMISSIONER))
    response = client.get("/find-a-setting/export.csv", {"postcode": "nonsense"})
    assert response.status_code == 302 and response["Location"].startswith("/find-a-setting/?")
