"""What a commissioner reads on the directory: the documents a setting's provider sent (only
those commissioners may see, each download audited), which rows a page shows and its number,
approximate distances, and exports that explain themselves."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from openpyxl import load_workbook

from fps_portal.accounts.models import Role
from fps_portal.audit.models import AuditEvent, AuditVerb
from providers.models import Evidence, EvidenceKind, Setting
from providers.postcodes import approximate_distance
from tests.factories import person
from tests.providers.directory.conftest import World, on_fps_setting

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path: Path) -> None:
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def _document(setting: Setting, kind: str, title: str, **fields: object) -> Evidence:
    return Evidence.objects.create(
        provider_id=setting.provider_id,
        setting=setting if kind not in {EvidenceKind.INSURANCE, EvidenceKind.POLICY} else None,
        kind=kind,
        title=title,
        file=ContentFile(PDF, name="doc.pdf"),
        original_filename="doc.pdf",
        content_type="application/pdf",
        size_bytes=len(PDF),
        **fields,
    )


def _documents(world: World) -> dict[str, Evidence]:
    return {
        "statement": _document(
            world.crewe, EvidenceKind.STATEMENT_OF_PURPOSE, "Statement of Purpose, Crewe"
        ),
        "report": _document(world.crewe, EvidenceKind.INSPECTION_REPORT, "Inspection report 2024"),
        "policy": _document(world.crewe, EvidenceKind.POLICY, "Safeguarding policy"),
        "suspended": _document(
            world.suspended, EvidenceKind.STATEMENT_OF_PURPOSE, "Statement, suspended school"
        ),
    }


def test_a_commissioner_sees_and_downloads_the_setting_documents_of_an_active_member(
    world, client
) -> None:
    docs = _documents(world)
    client.force_login(person(Role.COMMISSIONER))
    page = client.get(f"/settings/{world.crewe.pk}/").content.decode()
    assert "Statement of Purpose, Crewe" in page and "Inspection report 2024" in page
    assert f"(PDF, {len(PDF)}" in page
    assert "Safeguarding policy" not in page  # the provider's organisational papers
    response = client.get(f"/onboarding/evidence/{docs['statement'].pk}/download/")
    assert response.status_code == 200
    assert AuditEvent.objects.filter(
        verb=AuditVerb.DOWNLOADED, object_id=str(docs["statement"].pk)
    ).exists()


def test_a_commissioner_never_gets_a_document_of_a_provider_that_is_not_an_active_member(
    world, client
) -> None:
    docs = _documents(world)
    client.force_login(person(Role.COMMISSIONER))
    page = client.get(f"/settings/{world.suspended.pk}/").content.decode()
    assert "Statement, suspended school" not in page
    for name in ("suspended", "policy"):
        assert client.get(f"/onboarding/evidence/{docs[name].pk}/download/").status_code == 404
    assert not AuditEvent.objects.filter(verb=AuditVerb.DOWNLOADED).exists()


def test_a_superseded_document_is_not_offered(world, client) -> None:
    from django.utils import timezone

    old = _document(
        world.crewe,
        EvidenceKind.STATEMENT_OF_PURPOSE,
        "Old statement",
        superseded_at=timezone.now(),
    )
    client.force_login(person(Role.COMMISSIONER))
    assert "Old statement" not in client.get(f"/settings/{world.crewe.pk}/").content.decode()
    assert client.get(f"/onboarding/evidence/{old.pk}/download/").status_code == 404


@pytest.mark.parametrize("who", ["forum", "public"])
def test_forums_and_the_public_never_get_these_documents(world, client, who: str) -> None:
    docs = _documents(world)
    if who == "forum":
        client.force_login(person(Role.FORUM_MEMBER))
    page = client.get(f"/forum/settings/{world.crewe.pk}/").content.decode()
    assert "Statement of Purpose, Crewe" not in page
    response = client.get(f"/onboarding/evidence/{docs['statement'].pk}/download/")
    assert response.status_code == (404 if who == "forum" else 302)


def test_each_page_says_which_rows_it_shows_and_its_number(world, client) -> None:
    client.force_login(person(Role.COMMISSIONER))
    first = client.get("/find-a-setting/", {"ordering": "price", "page_size": "2"})
    html = first.content.decode()
    assert "Showing 1 to 2 of 3 settings (page 1 of 2)" in html
    assert 'aria-current="page">Page 1 of 2<' in html
    cursor = first.context["page"].next_cursor
    second = client.get(
        "/find-a-setting/", {"ordering": "price", "page_size": "2", "cursor": cursor}
    )
    html = second.content.decode()
    assert "Showing 3 to 3 of 3 settings (page 2 of 2)" in html
    back = client.get(
        "/find-a-setting/",
        {"ordering": "price", "page_size": "2", "cursor": second.context["page"].previous_cursor},
    )
    assert "Showing 1 to 2 of 3 settings (page 1 of 2)" in back.content.decode()


def test_the_forum_directory_says_which_rows_too(world, client) -> None:
    html = client.get("/forum/settings/", {"page_size": "2"}).content.decode()
    assert "Showing 1 to 2 of 3 settings (page 1 of 2)" in html


@pytest.mark.parametrize(
    ("miles", "shown"),
    [
        (0.0, "in the same postcode district"),
        (0.4, "less than 1 mile"),
        (1.2, "about 1 mile"),
        (3.4, "about 3 miles"),
        (None, "not known"),
    ],
)
def test_distances_are_said_to_be_approximate(miles, shown) -> None:
    assert approximate_distance(miles) == shown


def test_two_settings_in_one_district_are_not_zero_miles_apart(world, client) -> None:
    on_fps_setting(
        provider=world.provider, lots={world.day: "2500.00"}, postcode="L20 9ZZ", name="Near"
    )
    client.force_login(person(Role.COMMISSIONER))
    html = client.get("/find-a-setting/", {"postcode": "L20 3AB"}).content.decode()
    assert "in the same postcode district" in html
    assert "0.0 miles" not in html
    assert "Distances are approximate" in html


def _csv(response) -> tuple[list[str], list[list[str]]]:
    text = response.content.decode("utf-8-sig")
    comments = [line for line in text.splitlines() if line.startswith("#")]
    table = [row for row in csv.reader(io.StringIO(text)) if not row[0].startswith("#")]
    return comments, table


def test_the_csv_export_leads_with_its_filters_and_the_time_it_was_made(world, client) -> None:
    client.force_login(person(Role.COMMISSIONER, email="amy@sefton.example"))
    response = client.get(
        "/find-a-setting/export.csv",
        {"postcode": "L20 3AB", "radius_miles": "60", "lot": "A1", "ordering": "distance"},
    )
    comments, table = _csv(response)
    about = "\n".join(comments)
    assert comments[0] == "# Export: Settings on the North West SEND FPS"
    assert "# Made: " in about and "UK time" in about
    assert "# Made by: amy@sefton.example" in about
    assert "# Filter: Lot (type of placement): A1 – Day" in about
    assert "# Filter: Within (miles): 60" in about
    assert "# Distances measured from: L20" in about
    assert "# Sorted by: distance, nearest first" in about
    assert "# Rows: 2" in about
    assert "find-a-setting/?" in about
    assert table[0][0] == "Setting" and len(table) == 3


def test_a_name_starting_with_a_hash_is_not_read_as_the_explanation(world, client) -> None:
    on_fps_setting(provider=world.provider, lots={world.day: "2500.00"}, name="#1 School")
    client.force_login(person(Role.COMMISSIONER))
    _, table = _csv(client.get("/find-a-setting/export.csv"))
    assert "'#1 School" in [row[0] for row in table]


def test_the_xlsx_export_explains_itself_on_a_second_sheet(world, client) -> None:
    client.force_login(person(Role.COMMISSIONER))
    response = client.get("/find-a-setting/export.xlsx", {"band": "pass"})
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Settings", "About this export"]
    about = {row[0]: row[1] for row in book["About this export"].iter_rows(values_only=True)}
    assert about["Filter: Inspection band"].startswith("Pass")
    assert "UK time" in about["Made"]
    assert about["Rows"] == "1"
