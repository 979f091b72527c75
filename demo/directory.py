# ruff: noqa: E501 - tables of demo data read best one row per line
"""Demo settings: Oakfield Learning Trust's three settings and a dozen more across the North West,
with prices on several lots, additional services and inspection histories, so that Find a setting
and the forum's figures show something real. Idempotent: settings are matched by URN."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction

from fps_portal.accounts.models import Organisation, OrganisationKind, User
from fps_portal.actors import actor_for_user
from providers.inspections.services import JudgementData, judgement_record
from providers.models import (
    AdditionalService,
    FpsMembership,
    Lot,
    MembershipState,
    PostcodeDistrict,
    PrimaryNeed,
    PurchasingSystem,
    Setting,
    SettingLot,
)
from providers.services.gias import gias_import_file
from providers.services.setting_prices import setting_set_price

GIAS_SAMPLE = Path(__file__).resolve().parent / "data" / "gias_subset.csv"

APPROVED_AT = datetime.datetime(2025, 9, 1, 9, 0, tzinfo=datetime.UTC)
OFSTED_GOOD = {"overall_effectiveness": "2"}
OFSTED_OUTSTANDING = {"overall_effectiveness": "1"}
OFSTED_RI = {"overall_effectiveness": "3"}
REPORT_CARD = {
    "inclusion": "Strong standard",
    "curriculum_and_teaching": "Expected standard",
    "achievement": "Expected standard",
    "attendance_and_behaviour": "Strong standard",
    "personal_development_and_wellbeing": "Exceptional",
    "leadership_and_governance": "Expected standard",
    "safeguarding": "Met",
}
SCCIF_GOOD = {
    "overall_experiences_and_progress": "Good",
    "helped_and_protected": "Good",
    "leaders_and_managers": "Good",
}

# (provider, setting, urn, postcode, town, host authority, ages, gender, day, residential,
#  needs, capacity, vacancies, {lot: price}, services, judgements [(framework, start, grades)])
SETTINGS: list[dict[str, object]] = [
    {
        "provider": "Oakfield Learning Trust",
        "name": "Oakfield School",
        "urn": "149901",
        "postcode": "CW1 3JD",
        "town": "Crewe",
        "host": "Cheshire East",
        "ages": (5, 16),
        "gender": "mixed",
        "day": True,
        "residential": False,
        "needs": ["ASD", "SLCN"],
        "capacity": 60,
        "vacancies": 4,
        "lots": {"3": "2950.00", "A1": "3100.00"},
        "services": [
            ("1:1 teaching assistant support", "hour", "24.50"),
            ("Speech and language therapy", "session", "85.00"),
        ],
        "judgements": [
            ("ofsted_4point", "2019-03-12", OFSTED_RI),
            ("ofsted_4point", "2023-05-16", OFSTED_GOOD),
        ],
        "summary": "A day school for autistic children and young people aged 5 to 16, with small classes and on-site speech and language therapy.",
    },
    {
        "provider": "Oakfield Learning Trust",
        "name": "Oakfield House",
        "urn": "149902",
        "postcode": "CW5 6DA",
        "town": "Nantwich",
        "host": "Cheshire East",
        "ages": (8, 18),
        "gender": "mixed",
        "day": True,
        "residential": True,
        "needs": ["SEMH"],
        "capacity": 32,
        "vacancies": 2,
        "lots": {"1": "5850.00", "2": "4700.00", "A3": "6050.00"},
        "services": [
            ("Waking night support", "night", "210.00"),
            ("Therapeutic counselling", "session", "65.00"),
        ],
        "judgements": [
            ("ofsted_4point", "2021-11-02", OFSTED_GOOD),
            ("ofsted_4point", "2024-10-08", OFSTED_RI),
            ("sccif", "2024-06-18", SCCIF_GOOD),
        ],
        "summary": "A residential school for young people with social, emotional and mental health needs. The latest education inspection asked it to improve; it has an action plan.",
    },
    {
        "provider": "Oakfield Learning Trust",
        "name": "Oakfield Post-16 Centre",
        "urn": "149903",
        "postcode": "SK11 6DT",
        "town": "Macclesfield",
        "host": "Cheshire East",
        "ages": (16, 25),
        "gender": "mixed",
        "day": True,
        "residential": False,
        "needs": ["MLD", "SLD"],
        "capacity": 40,
        "vacancies": 6,
        "lots": {"3": "2400.00", "B1": "2550.00"},
        "services": [("Supported travel training", "week", "120.00")],
        "judgements": [
            ("ofsted_4point", "2020-01-21", OFSTED_GOOD),
            ("ofsted_report_card", "2025-11-18", REPORT_CARD),
        ],
        "summary": "Day provision for young people aged 16 to 25 with learning difficulties, focused on independence and work skills.",
    },
]

OTHERS = [
    # provider, setting, urn, postcode, town, host, ages, gender, residential, needs, vacancies, lots, judgement grades
    (
        "Mersey Vale Schools",
        "Mersey Vale School",
        "149911",
        "L20 6DJ",
        "Bootle",
        "Sefton",
        (7, 19),
        "mixed",
        False,
        ["ASD"],
        3,
        {"3": "2850.00", "A1": "2990.00"},
        OFSTED_GOOD,
    ),
    (
        "Mersey Vale Schools",
        "Mersey Vale Sixth Form",
        "149912",
        "PR8 2DY",
        "Southport",
        "Sefton",
        (16, 25),
        "mixed",
        False,
        ["MLD"],
        0,
        {"B1": "2300.00"},
        OFSTED_OUTSTANDING,
    ),
    (
        "Pennine Education",
        "Pennine Hall School",
        "149913",
        "OL14 5PL",
        "Todmorden",
        "Rochdale",
        (11, 18),
        "boys",
        True,
        ["SEMH"],
        1,
        {"1": "6200.00", "A3": "6400.00"},
        OFSTED_RI,
    ),
    (
        "Pennine Education",
        "Moorside School",
        "149914",
        "BL1 4RQ",
        "Bolton",
        "Bolton",
        (5, 16),
        "mixed",
        False,
        ["SpLD", "MLD"],
        5,
        {"3": "2600.00"},
        OFSTED_GOOD,
    ),
    (
        "Lakeland Care and Learning",
        "Lakeland School",
        "149915",
        "LA9 4DH",
        "Kendal",
        "Westmorland and Furness",
        (8, 19),
        "mixed",
        True,
        ["PMLD", "PD"],
        2,
        {"1": "7100.00", "2": "5600.00"},
        OFSTED_GOOD,
    ),
    (
        "Lakeland Care and Learning",
        "Solway House",
        "149916",
        "CA3 9LR",
        "Carlisle",
        "Cumberland",
        (10, 18),
        "girls",
        True,
        ["SEMH"],
        1,
        {"A2": "5200.00"},
        {"overall_effectiveness": "4"},
    ),
    (
        "Fylde Coast Trust",
        "Fylde Coast School",
        "149917",
        "FY4 3AS",
        "Blackpool",
        "Blackpool",
        (4, 16),
        "mixed",
        False,
        ["ASD", "SLCN"],
        4,
        {"3": "2750.00", "A1": "2800.00"},
        OFSTED_GOOD,
    ),
    (
        "Fylde Coast Trust",
        "Ribble College",
        "149918",
        "PR1 5RQ",
        "Preston",
        "Lancashire",
        (16, 25),
        "mixed",
        False,
        ["SLD"],
        2,
        {"B1": "2650.00"},
        REPORT_CARD,
    ),
    (
        "Irwell Valley Education",
        "Irwell Valley School",
        "149919",
        "M27 6AA",
        "Swinton",
        "Salford",
        (11, 16),
        "mixed",
        False,
        ["SEMH"],
        0,
        {"3": "3050.00"},
        OFSTED_GOOD,
    ),
    (
        "Irwell Valley Education",
        "Deansgate Sensory Centre",
        "149920",
        "M3 4LZ",
        "Manchester",
        "Manchester",
        (3, 19),
        "mixed",
        False,
        ["HI", "VI", "MSI"],
        3,
        {"3": "3400.00", "A1": "3450.00"},
        OFSTED_OUTSTANDING,
    ),
    (
        "Wirral Shore Schools",
        "Wirral Shore School",
        "149921",
        "CH46 1RA",
        "Moreton",
        "Wirral",
        (5, 19),
        "mixed",
        True,
        ["ASD"],
        2,
        {"2": "4900.00", "A2": "5100.00", "3": "3000.00"},
        OFSTED_GOOD,
    ),
    (
        "Wirral Shore Schools",
        "Dee Estuary School",
        "149922",
        "CH1 4BJ",
        "Chester",
        "Cheshire West and Chester",
        (7, 16),
        "boys",
        False,
        ["SpLD"],
        1,
        {"3": "2700.00"},
        OFSTED_RI,
    ),
]


def _lot(system: PurchasingSystem, code: str) -> Lot:
    return Lot.objects.get(purchasing_system=system, code=code)


def _setting(
    provider: Organisation, spec: dict[str, object], authorities: dict[str, Organisation]
) -> Setting:
    district = str(spec["postcode"]).split()[0]
    centre = PostcodeDistrict.objects.get(district=district)
    ages = spec["ages"]
    assert isinstance(ages, tuple)
    setting, _ = Setting.objects.update_or_create(
        urn=spec["urn"],
        defaults={
            "provider": provider,
            "name": spec["name"],
            "postcode": spec["postcode"],
            "town": spec["town"],
            "postcode_district": district,
            "latitude": centre.latitude,
            "longitude": centre.longitude,
            "host_authority": authorities[str(spec["host"])],
            "age_from": ages[0],
            "age_to": ages[1],
            "gender": spec["gender"],
            "offers_day": spec.get("day", True),
            "offers_residential": spec["residential"],
            "capacity": spec.get("capacity", 30),
            "vacancies": spec["vacancies"],
            "public_summary": spec.get("summary", ""),
            "address": f"{spec['town']} campus",
            "email": f"admissions@{str(spec['name']).lower().replace(' ', '')[:20]}.example",
        },
    )
    needs = list(PrimaryNeed.objects.filter(code__in=spec["needs"]))
    setting.primary_needs.set(needs)
    setting.specialisms.set({n.specialism_id for n in needs})
    return setting


@transaction.atomic
def load_directory() -> None:
    gias_import_file(GIAS_SAMPLE)
    system = PurchasingSystem.objects.get(name="North West SEND Flexible Purchasing System")
    authorities = {o.name: o for o in Organisation.objects.filter(kind=OrganisationKind.AUTHORITY)}
    specs: list[dict[str, Any]] = list(SETTINGS)
    for (
        provider_name,
        name,
        urn,
        postcode,
        town,
        host,
        ages,
        gender,
        residential,
        needs,
        vacancies,
        lots,
        grades,
    ) in OTHERS:
        specs.append(
            {
                "provider": provider_name,
                "name": name,
                "urn": urn,
                "postcode": postcode,
                "town": town,
                "host": host,
                "ages": ages,
                "gender": gender,
                "residential": residential,
                "day": True,
                "needs": needs,
                "vacancies": vacancies,
                "capacity": 30 + 2 * len(name),
                "lots": lots,
                "services": [("1:1 support", "hour", "23.00")],
                "judgements": [
                    ("ofsted_4point", "2022-02-08", OFSTED_GOOD),
                    ("ofsted_report_card", "2025-12-02", grades)
                    if "inclusion" in grades
                    else ("ofsted_4point", "2025-01-14", grades),
                ],
            }
        )
    for spec in specs:
        provider, _ = Organisation.objects.get_or_create(
            kind=OrganisationKind.PROVIDER,
            name=spec["provider"],
            defaults={
                "legal_name": f"{spec['provider']} Ltd",
                "contact_email": "office@provider.example",
            },
        )
        if not FpsMembership.objects.filter(purchasing_system=system, provider=provider).exists():
            # An active member has always signed the agreement (`agreement_sign` creates the
            # row at that moment), so the demo's members carry a signature too; nobody signs in
            # for these providers, hence no `agreement_signed_by`.
            FpsMembership.objects.create(
                purchasing_system=system,
                provider=provider,
                state=MembershipState.ACTIVE,
                joined_at=APPROVED_AT,
                state_changed_at=APPROVED_AT,
                agreement_signed_at=APPROVED_AT,
                agreement_signatory_name="Demo Signatory",
                agreement_signatory_role="Director",
            )
        setting = _setting(provider, spec, authorities)
        for code, price in dict(spec["lots"]).items():
            SettingLot.objects.get_or_create(
                setting=setting,
                lot=_lot(system, code),
                defaults={
                    "weekly_price": Decimal(price),
                    "approved_at": APPROVED_AT,
                    "price_effective_from": datetime.date(2025, 9, 1),
                },
            )
        for service_name, unit, rate in spec["services"]:
            AdditionalService.objects.get_or_create(
                setting=setting, name=service_name, defaults={"unit": unit, "rate": Decimal(rate)}
            )
        for index, (framework, start, grades) in enumerate(spec["judgements"]):
            started = datetime.date.fromisoformat(start)
            judgement_record(
                actor=None,
                setting=setting,
                data=JudgementData(
                    framework=framework,
                    inspection_start_date=started,
                    publication_date=started + datetime.timedelta(days=28),
                    grades=grades,
                    inspection_number=f"{10000000 + int(str(spec['urn'])) * 10 + index}",
                    source_reference="Demo data",
                ),
            )
    _provider_reported_judgement()
    _provider_proposed_price_change()


def _provider_proposed_price_change() -> None:
    """Oakfield House's provider proposes a higher weekly price on lot 1: it waits in the lead
    authority's queue, and commissioners see the approved £5,850.00 marked "change pending".
    Proposing the same price again returns the pending change, so loading twice makes one."""
    setting = Setting.objects.get(name="Oakfield House")
    offer = SettingLot.objects.select_related("lot").get(setting=setting, lot__code="1")
    provider = actor_for_user(User.objects.get(email="bids@oakfield.example"))
    assert provider is not None
    setting_set_price(
        actor=provider,
        setting=setting,
        lot=offer.lot,
        weekly_price="6150.00",
        change_reason="A second speech and language therapist from January.",
    )


def _provider_reported_judgement() -> None:
    """Oakfield House's provider reports a newer, better inspection: it waits in the lead
    authority's queue and does not change the band until checked."""
    user = User.objects.get(email="bids@oakfield.example")
    setting = Setting.objects.get(name="Oakfield House")
    judgement_record(
        actor=actor_for_user(user),
        setting=setting,
        data=JudgementData(
            framework="ofsted_4point",
            remit="education",
            inspection_start_date=datetime.date(2026, 10, 6),
            publication_date=datetime.date(2026, 11, 3),
            grades={"overall_effectiveness": "2"},
            inspection_number="11499888",
            source_reference="Reported by the provider",
        ),
    )
