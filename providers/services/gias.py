"""Loading Get Information about Schools extracts, and pre-filling a setting from one row.

GIAS downloads come as Windows-1252 or UTF-8 (with or without a BOM) depending on how they were
saved; dates are dd-mm-yyyy. Rows are matched by URN, so loading a newer extract updates in place.
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from fps_portal.accounts.models import Organisation, OrganisationKind
from fps_portal.errors import InvalidInput
from fps_portal.text import is_number
from providers.models import Gender, GiasEstablishment, PrimaryNeed
from providers.postcodes import PostcodeError, normalise_postcode

REQUIRED_COLUMNS = ("URN", "EstablishmentName")
SEN_COLUMNS = [f"SEN{i} (name)" for i in range(1, 14)]
_NOT_A_VALUE = {"", "not applicable", "does not apply", "null"}


def decode_csv(raw: bytes) -> str:
    """UTF-8 when it is, otherwise Windows-1252 (which every byte string decodes as)."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _date(raw: str) -> datetime.date | None:
    raw = raw.strip()
    for fmt in ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    return None


def _age(raw: str) -> int | None:
    raw = raw.strip()
    return int(raw) if is_number(raw) and int(raw) <= 99 else None


def _value(row: dict[str, str], column: str) -> str:
    value = (row.get(column) or "").strip()
    return "" if value.lower() in _NOT_A_VALUE else value


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    skipped: int


@transaction.atomic
def gias_import(*, raw: bytes, source_file: str = "") -> ImportResult:
    """Upserts each row by URN; a row without a URN or name is skipped and counted."""
    text = decode_csv(raw)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise InvalidInput(f"This is not a GIAS extract: it has no {', '.join(missing)} column.")
    existing = {e.urn: e for e in GiasEstablishment.objects.all()}
    created: list[GiasEstablishment] = []
    updated: list[GiasEstablishment] = []
    skipped = 0
    now = timezone.now()
    for row in reader:
        urn = (row.get("URN") or "").strip()
        name = (row.get("EstablishmentName") or "").strip()
        if not is_number(urn) or not name:
            skipped += 1
            continue
        record = existing.get(urn) or GiasEstablishment(urn=urn)
        record.name = name[:200]
        record.establishment_type = _value(row, "TypeOfEstablishment (name)")[:120]
        record.status = _value(row, "EstablishmentStatus (name)")[:60]
        record.la_code = _value(row, "LA (code)")[:3]
        record.la_name = _value(row, "LA (name)")[:120]
        record.gss_la_code = _value(row, "GSSLACode (name)")[:9]
        record.establishment_number = _value(row, "EstablishmentNumber")[:4]
        record.street = _value(row, "Street")[:200]
        record.locality = _value(row, "Locality")[:200]
        record.address3 = _value(row, "Address3")[:200]
        record.town = _value(row, "Town")[:100]
        record.county = _value(row, "County (name)")[:100]
        record.postcode = _value(row, "Postcode")[:10]
        record.age_low = _age(row.get("StatutoryLowAge") or "")
        record.age_high = _age(row.get("StatutoryHighAge") or "")
        record.gender = _value(row, "Gender (name)")[:20]
        record.boarders = (
            _value(row, "BoardingEstablishment (name)") or _value(row, "Boarders (name)")
        )[:60]
        record.sen_provision = [v for c in SEN_COLUMNS if (v := _value(row, c))]
        record.website = _value(row, "SchoolWebsite")[:200]
        record.telephone = _value(row, "TelephoneNum")[:30]
        record.open_date = _date(row.get("OpenDate") or "")
        record.close_date = _date(row.get("CloseDate") or "")
        record.imported_at = now
        record.source_file = source_file[:200]
        (updated if record.pk else created).append(record)
        existing[urn] = record
    GiasEstablishment.objects.bulk_create(created, batch_size=500)
    if updated:
        fields = [
            f.name for f in GiasEstablishment._meta.concrete_fields if f.name not in ("id", "urn")
        ]
        GiasEstablishment.objects.bulk_update(updated, fields, batch_size=500)
    return ImportResult(created=len(created), updated=len(updated), skipped=skipped)


def gias_import_file(path: Path) -> ImportResult:
    return gias_import(raw=path.read_bytes(), source_file=path.name)


def _gender(value: str) -> str:
    return {"boys": Gender.BOYS, "girls": Gender.GIRLS}.get(value.lower(), Gender.MIXED)


def _needs_from_sen(sen: list[str], needs: dict[str, PrimaryNeed]) -> list[PrimaryNeed]:
    # GIAS writes "SpLD - Specific Learning Difficulty": the code comes before the dash.
    found = []
    for entry in sen:
        code = entry.split(" - ")[0].strip()
        match = needs.get(code.upper()) or needs.get(code)
        if match is not None and match not in found:
            found.append(match)
    return found


def gias_prefill(urn: str) -> dict[str, object]:
    """Initial values for a new setting from the GIAS row with this URN; else InvalidInput."""
    urn = (urn or "").strip()
    if not is_number(urn):
        raise InvalidInput(
            "A URN is a number, like 101173.", fields={"urn": ["A URN is a number, like 101173."]}
        )
    record = GiasEstablishment.objects.filter(urn=urn).first()
    if record is None:
        message = (
            f"There is no establishment with URN {urn} in the Get Information about Schools "
            "data we hold. Check the URN, or leave it blank and fill in the details yourself."
        )
        raise InvalidInput.on_fields({"urn": [message]})
    try:
        postcode = normalise_postcode(record.postcode)
    except PostcodeError:
        postcode = record.postcode
    needs = {n.code.upper(): n for n in PrimaryNeed.objects.select_related("specialism")}
    chosen = _needs_from_sen(record.sen_provision, needs)
    host = (
        Organisation.objects.filter(
            kind=OrganisationKind.AUTHORITY, ons_code=record.gss_la_code
        ).first()
        if record.gss_la_code
        else None
    )
    boarding = record.boarders.lower()
    residential = (
        bool(boarding) and "no boarders" not in boarding and "does not have" not in boarding
    )
    return {
        "urn": record.urn,
        "name": record.name,
        "dfe_number": record.dfe_number,
        "address": record.address_lines,
        "town": record.town,
        "postcode": postcode,
        "age_from": record.age_low,
        "age_to": record.age_high,
        "gender": _gender(record.gender),
        "offers_day": True,
        "offers_residential": residential,
        "host_authority": host.pk if host else None,
        "primary_needs": [n.pk for n in chosen],
        "specialisms": sorted({n.specialism_id for n in chosen}),
        "website": record.website,
    }
