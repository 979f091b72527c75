"""Facet counts: how many of the current results have each filter value, in ONE query.

The filtered results become a common table expression that the database evaluates once; the
counts per lot, area of need and primary need join their link tables to it, and the counts per
host authority, band and gender group it directly. Nothing per setting travels to Python: at
most a few hundred group rows come back, however many settings match.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connections
from django.db.models import QuerySet

from providers.models import Setting, SettingLot
from providers.ratings import Band


@dataclass
class Facets:
    """How many of the current results have each filter value."""

    total: int = 0
    lots: dict[int, int] = field(default_factory=dict)
    specialisms: dict[int, int] = field(default_factory=dict)
    needs: dict[int, int] = field(default_factory=dict)
    host_authorities: dict[int, int] = field(default_factory=dict)
    bands: dict[str, int] = field(default_factory=dict)
    genders: dict[str, int] = field(default_factory=dict)
    with_vacancies: int = 0
    residential: int = 0
    day: int = 0


def _facet_sql(
    results: QuerySet[Setting], *, approved_only: bool
) -> tuple[str, tuple[object, ...]]:
    ops = connections[results.db].ops
    q = ops.quote_name
    inner, params = (
        results.order_by()
        .values_list(
            "pk",
            "current_band",
            "gender",
            "vacancies",
            "offers_residential",
            "offers_day",
            "host_authority_id",
        )
        .query.sql_with_params()
    )
    offers = SettingLot._meta.db_table
    specialisms = Setting.specialisms.through._meta.db_table
    needs = Setting.primary_needs.through._meta.db_table
    approved = f" WHERE o.{q('approved_at')} IS NOT NULL" if approved_only else ""
    sql = (
        # The CTE's columns are named here, so the compiled inner query's aliases do not matter.
        f"WITH r (id, band, gender, vacancies, residential, day, host) AS ({inner}) "
        "SELECT 'h', host, band, gender, COUNT(*), "
        "SUM(CASE WHEN vacancies > 0 THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN residential THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN day THEN 1 ELSE 0 END) "
        "FROM r GROUP BY host, band, gender "
        f"UNION ALL SELECT 'l', o.{q('lot_id')}, NULL, NULL, COUNT(*), 0, 0, 0 "
        f"FROM {q(offers)} o INNER JOIN r ON o.{q('setting_id')} = r.id{approved} "
        f"GROUP BY o.{q('lot_id')} "
        f"UNION ALL SELECT 's', t.{q('specialism_id')}, NULL, NULL, COUNT(*), 0, 0, 0 "
        f"FROM {q(specialisms)} t INNER JOIN r ON t.{q('setting_id')} = r.id "
        f"GROUP BY t.{q('specialism_id')} "
        f"UNION ALL SELECT 'n', t.{q('primaryneed_id')}, NULL, NULL, COUNT(*), 0, 0, 0 "
        f"FROM {q(needs)} t INNER JOIN r ON t.{q('setting_id')} = r.id "
        f"GROUP BY t.{q('primaryneed_id')}"
    )
    return sql, tuple(params)


def search_facets(results: QuerySet[Setting], *, approved_only: bool = True) -> Facets:
    """Counts per filter value over `results`, exact for the current result set, in one query.

    `approved_only` counts only approved offers per lot (everyone but a provider on its own list).
    """
    sql, params = _facet_sql(results, approved_only=approved_only)
    with connections[results.db].cursor() as cursor:
        cursor.execute(sql, list(params))  # type: ignore[arg-type]
        rows = cursor.fetchall()
    facets = Facets()
    facets.bands = {b: 0 for b in Band.values}
    genders = {"mixed": 0, "boys": 0, "girls": 0}
    by_kind = {"l": facets.lots, "s": facets.specialisms, "n": facets.needs}
    for kind, key, band, gender, n, vacancies, residential, day in rows:
        if kind != "h":
            by_kind[kind][key] = n
            continue
        facets.total += n
        facets.bands[band] = facets.bands.get(band, 0) + n
        genders[gender] = genders.get(gender, 0) + n
        facets.with_vacancies += vacancies
        facets.residential += residential
        facets.day += day
        if key is not None:
            facets.host_authorities[key] = facets.host_authorities.get(key, 0) + n
    facets.genders = {
        "boys": genders["mixed"] + genders["boys"],
        "girls": genders["mixed"] + genders["girls"],
        "mixed": genders["mixed"],
    }
    return facets
