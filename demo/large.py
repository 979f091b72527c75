"""The regional-scale data set: 600 providers and 2,000 settings across the North West, each with
prices for its lots and an inspection history. Deterministic (one seeded random generator) and
written with bulk_create, so it builds in seconds and every run is the same."""

from __future__ import annotations

import datetime
import math
import random
from decimal import Decimal

from django.db import connection, transaction

from demo.fps import load_fps
from demo.guard import require_demo_data_allowed
from fps_portal.accounts.models import Organisation, OrganisationKind
from providers.inspections.bands import derive_band, worst_band
from providers.inspections.frameworks import Framework, Remit
from providers.inspections.services import band_summary
from providers.models import (
    AdditionalService,
    AuthorityLocation,
    CheckStatus,
    FpsMembership,
    InspectionJudgement,
    JudgementSource,
    Lot,
    MembershipState,
    PostcodeDistrict,
    PrimaryNeed,
    Setting,
    SettingLot,
)
from providers.services.search_fields import settings_refresh_search_fields

PREFIX = (
    "Regional Provider"  # every provider of the large set is named "Regional Provider NNNN ..."
)
NORTH_WEST_AREAS = (
    "BB",
    "BL",
    "CA",
    "CH",
    "CW",
    "FY",
    "L",
    "LA",
    "M",
    "OL",
    "PR",
    "SK",
    "WA",
    "WN",
)
TOWNS = [
    "Ashworth",
    "Brookfield",
    "Castleton",
    "Dunmore",
    "Ellesmere",
    "Fairhaven",
    "Glenridding",
    "Hartford",
    "Ingleby",
    "Kirkby",
    "Lowther",
    "Moorcroft",
    "Newbold",
    "Oakhurst",
    "Parkgate",
    "Ribbleton",
    "Stanton",
    "Thornley",
    "Upholland",
    "Westfield",
]
KINDS = ["School", "Academy", "College", "House", "Centre", "Learning Centre"]
INWARD = "ABDEFGHJLNPQRSTUWXYZ"  # the letters an inward code uses
APPROVED_AT = datetime.datetime(2025, 9, 1, tzinfo=datetime.UTC)
FOUR_POINT = ["1", "2", "2", "2", "3", "4"]
SCCIF = ["Outstanding", "Good", "Good", "Requires improvement to be good", "Inadequate"]


def large_demo_exists() -> bool:
    return Organisation.objects.filter(
        kind=OrganisationKind.PROVIDER, name__startswith=PREFIX
    ).exists()


def _nearest(lat: float, lon: float, places: list[AuthorityLocation]) -> Organisation:
    return min(
        places,
        key=lambda p: (
            (p.latitude - lat) ** 2 + ((p.longitude - lon) * math.cos(math.radians(lat))) ** 2
        ),
    ).authority


def _lot_fits(lot: Lot, setting: Setting) -> bool:
    """Only lots the setting could really offer: residential lots for residential settings, day
    lots for day settings, the 0-16 lots (A) below 16 and the 16+ lots (B) from 16."""
    if lot.is_residential and not setting.offers_residential:
        return False
    if not lot.is_residential and not setting.offers_day:
        return False
    if lot.code.startswith("A") and setting.age_from >= 16:
        return False
    return not (lot.code.startswith("B") and setting.age_to < 16)


def _judgement(
    rng: random.Random, setting: Setting, framework: str, start: datetime.date, n: int
) -> InspectionJudgement:
    if framework == Framework.SCCIF:
        grade = rng.choice(SCCIF)
        grades = {
            "overall_experiences_and_progress": grade,
            "helped_and_protected": grade if grade != "Outstanding" else "Good",
            "leaders_and_managers": grade,
        }
        remit = Remit.SOCIAL_CARE
    elif framework == Framework.OFSTED_REPORT_CARD:
        scale = [
            "Exceptional",
            "Strong standard",
            "Expected standard",
            "Expected standard",
            "Needs attention",
        ]
        grades = {
            k: rng.choice(scale)
            for k in (
                "inclusion",
                "curriculum_and_teaching",
                "achievement",
                "attendance_and_behaviour",
                "personal_development_and_wellbeing",
                "leadership_and_governance",
            )
        }
        grades["safeguarding"] = "Met" if rng.random() > 0.03 else "Not met"
        remit = Remit.EDUCATION
    else:
        grades = {"overall_effectiveness": rng.choice(FOUR_POINT)}
        remit = Remit.EDUCATION
    result = derive_band(framework, grades)
    return InspectionJudgement(
        setting=setting,
        framework=framework,
        remit=remit,
        inspection_number=f"9{n:08d}",
        inspection_start_date=start,
        publication_date=start + datetime.timedelta(days=rng.randint(20, 40)),
        grades=grades,
        source=JudgementSource.OFSTED_FILE,
        source_reference="Large demo data set",
        # Written in bulk as the import would write it, so it counts at once, as the import's does.
        check_status=CheckStatus.CONFIRMED,
        band=result.band,
        band_reasons=list(result.reasons),
        rule_version=result.rule_version,
    )


@transaction.atomic
def build_large_demo(
    *, providers: int = 600, settings: int = 2000, seed: int = 2026
) -> dict[str, int]:
    """Builds the data set unless it is there already; returns what it created."""
    require_demo_data_allowed()
    if large_demo_exists():
        return {"providers": 0, "settings": 0}
    rng = random.Random(seed)
    system = load_fps()
    lots = list(system.lots.order_by("display_order", "code"))
    districts = list(
        PostcodeDistrict.objects.filter(area__in=NORTH_WEST_AREAS).order_by("district")
    )
    places = list(AuthorityLocation.objects.select_related("authority"))
    needs = list(PrimaryNeed.objects.all())

    orgs = Organisation.objects.bulk_create(
        [
            Organisation(
                kind=OrganisationKind.PROVIDER,
                name=f"{PREFIX} {i:04d} {rng.choice(TOWNS)} Trust",
                legal_name=f"{PREFIX} {i:04d} Ltd",
                contact_email=f"office{i}@regional.example",
            )
            for i in range(1, providers + 1)
        ],
        batch_size=1000,
    )
    FpsMembership.objects.bulk_create(
        [
            FpsMembership(
                purchasing_system=system,
                provider=o,
                state=MembershipState.ACTIVE if rng.random() < 0.95 else MembershipState.SUSPENDED,
                joined_at=APPROVED_AT,
                state_changed_at=APPROVED_AT,
                # Every member signed the agreement to join (a suspended one too).
                agreement_signed_at=APPROVED_AT,
                agreement_signatory_name="Demo Signatory",
                agreement_signatory_role="Director",
            )
            for o in orgs
        ],
        batch_size=1000,
    )
    rows: list[Setting] = []
    for i in range(settings):
        district = rng.choice(districts)
        # A setting sits near its district's centre, not exactly on it, as real schools do.
        lat = district.latitude + rng.uniform(-0.01, 0.01)
        lon = district.longitude + rng.uniform(-0.015, 0.015)
        age_from = rng.choice([2, 4, 5, 7, 8, 10, 11, 14, 16])
        age_to = min(25, age_from + rng.choice([5, 8, 11, 12, 14]))
        capacity = rng.randint(12, 120)
        residential = rng.random() < 0.3
        inward = "".join(rng.choices(INWARD, k=2))
        rows.append(
            Setting(
                provider=orgs[i % providers],
                name=f"{rng.choice(TOWNS)} {rng.choice(KINDS)} {i + 1:04d}",
                urn=str(700000 + i),
                dfe_number=f"{800 + i % 100}{7000 + i % 1000:04d}"[:7],
                address=f"{rng.randint(1, 200)} {rng.choice(TOWNS)} Road",
                town=rng.choice(TOWNS),
                postcode=f"{district.district} {rng.randint(1, 9)}{inward}",
                postcode_district=district.district,
                latitude=lat,
                longitude=lon,
                host_authority=_nearest(lat, lon, places),
                age_from=age_from,
                age_to=age_to,
                gender=rng.choice(["mixed"] * 8 + ["boys", "girls"]),
                offers_day=not residential or rng.random() < 0.5,
                offers_residential=residential,
                capacity=capacity,
                vacancies=rng.choice([0, 0, 0, 1, 2, 3, 5]) if capacity > 5 else 0,
                public_summary="A specialist setting on the North West FPS.",
            )
        )
    created = Setting.objects.bulk_create(rows, batch_size=1000)

    offers: list[SettingLot] = []
    services: list[AdditionalService] = []
    judgements: list[InspectionJudgement] = []
    spec_links, need_links = [], []
    through_s, through_n = Setting.specialisms.through, Setting.primary_needs.through
    n = 0
    for setting in created:
        base = Decimal(rng.randint(2200, 4200))
        fitting = [lot for lot in lots if _lot_fits(lot, setting)]
        for lot in rng.sample(fitting, min(len(fitting), rng.randint(1, 4))):
            premium = Decimal("1.8") if lot.is_residential else Decimal(1)
            offers.append(
                SettingLot(
                    setting=setting,
                    lot=lot,
                    weekly_price=(base * premium + rng.randint(0, 99)).quantize(Decimal("0.01")),
                    price_effective_from=datetime.date(2025, 9, 1),
                    approved_at=APPROVED_AT if rng.random() < 0.97 else None,
                )
            )
        services.append(
            AdditionalService(
                setting=setting, name="1:1 support", unit="hour", rate=Decimal(rng.randint(18, 35))
            )
        )
        chosen = rng.sample(needs, rng.randint(1, 3))
        need_links += [through_n(setting_id=setting.pk, primaryneed_id=need.pk) for need in chosen]
        spec_links += [
            through_s(setting_id=setting.pk, specialism_id=s)
            for s in {need.specialism_id for need in chosen}
        ]
        history = []
        start = datetime.date(2016, 1, 1) + datetime.timedelta(days=rng.randint(0, 700))
        for _ in range(rng.randint(1, 3)):
            n += 1
            history.append(_judgement(rng, setting, Framework.OFSTED_4POINT, start, n))
            start += datetime.timedelta(days=rng.randint(700, 1300))
        if rng.random() < 0.15:
            n += 1
            history.append(
                _judgement(
                    rng, setting, Framework.OFSTED_REPORT_CARD, datetime.date(2025, 11, 20), n
                )
            )
        if setting.offers_residential:
            n += 1
            history.append(
                _judgement(
                    rng,
                    setting,
                    Framework.SCCIF,
                    datetime.date(2024, 1, 10) + datetime.timedelta(days=rng.randint(0, 600)),
                    n,
                )
            )
        judgements += history
        latest: dict[str, InspectionJudgement] = {}
        for judgement in sorted(history, key=lambda j: j.inspection_start_date):
            latest[judgement.remit] = judgement  # the latest in each remit wins
        current = list(latest.values())
        band = worst_band(j.band for j in current)
        deciding = max(
            (j for j in current if j.band == band), key=lambda j: j.inspection_start_date
        )
        setting.current_band = band
        setting.current_band_summary = band_summary(deciding)
        setting.current_band_as_at = deciding.publication_date
    SettingLot.objects.bulk_create(offers, batch_size=2000)
    AdditionalService.objects.bulk_create(services, batch_size=2000)
    InspectionJudgement.objects.bulk_create(judgements, batch_size=2000)
    through_s.objects.bulk_create(spec_links, batch_size=2000)
    through_n.objects.bulk_create(need_links, batch_size=2000)
    Setting.objects.bulk_update(
        created, ["current_band", "current_band_summary", "current_band_as_at"], batch_size=1000
    )
    # bulk_create sends no signals: derive "on the FPS" and the cheapest lot in one pass.
    settings_refresh_search_fields([s.pk for s in created])
    if connection.vendor == "postgresql":
        # Fresh planner statistics: without them PostgreSQL guesses one row per table and plans
        # the search's joins badly until autovacuum gets round to it.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {
        "providers": len(orgs),
        "settings": len(created),
        "judgements": len(judgements),
        "prices": len(offers),
    }
