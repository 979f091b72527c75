"""Facet counts: how many settings each filter value would give, in ONE query.

Each filter's counts leave that filter itself out (but keep every other one), so they answer the
question the user has at that drop-down: "if I chose this instead, how many would I get?". With
lot A1 chosen, the other lots still show their numbers rather than a row of zeros.

The settings the non-facet filters leave (age, distance) become a common table expression that the
database evaluates once, with a true/false flag per facet filter in use
(`query.facet_conditions`, the same conditions the search applies). Each facet's counts read the
rows whose other flags are all true; the counts per lot, area of need and primary need join their
link tables to them. Nothing per setting travels to Python: at most a few hundred group rows come
back, however many settings match.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connections
from django.db.models import QuerySet

from providers.inspections.bands import Band
from providers.models import Setting, SettingLot

# The columns of each setting the counts read, before its facet flags.
COLUMNS = ("id", "band", "gender", "vacancies", "residential", "day", "host")


@dataclass
class Facets:
    """How many settings each filter value would give, the other filters staying as they are."""

    total: int = 0
    lots: dict[int, int] = field(default_factory=dict)
    specialisms: dict[int, int] = field(default_factory=dict)
    needs: dict[int, int] = field(default_factory=dict)
    host_authorities: dict[int, int] = field(default_factory=dict)
    bands: dict[str, int] = field(default_factory=dict)
    genders: dict[str, int] = field(default_factory=dict)
    with_vacancies: int = 0
    without_vacancies: int = 0
    residential: int = 0
    day: int = 0


def _compiled(base: QuerySet[Setting], flags: list[str]) -> tuple[str, tuple[object, ...]]:
    return (
        base.order_by()
        .values_list(
            "pk",
            "current_band",
            "gender",
            "vacancies",
            "offers_residential",
            "offers_day",
            "host_authority_id",
            *(f"m_{facet}" for facet in flags),
        )
        .query.sql_with_params()
    )


def _facet_sql(
    base: QuerySet[Setting],
    flags: list[str],
    *,
    approved_only: bool,
    lot_price_at_most: Decimal | None,
) -> tuple[str, list[object]]:
    q = connections[base.db].ops.quote_name
    inner, inner_params = _compiled(base, flags)
    params: list[object] = list(inner_params)
    columns = [*COLUMNS, *(f"m_{facet}" for facet in flags)]

    def kept(leaving_out: str = "") -> str:
        """The rows every facet filter in use keeps, but the one left out."""
        others = [f"b.m_{facet}" for facet in flags if facet != leaving_out]
        return " AND ".join(others) if others else "1 = 1"

    offers = q(SettingLot._meta.db_table)
    specialisms = q(Setting.specialisms.through._meta.db_table)
    needs = q(Setting.primary_needs.through._meta.db_table)
    lot_conditions = [kept("lot")]
    if approved_only:
        lot_conditions.append(f"o.{q('approved_at')} IS NOT NULL")
    if lot_price_at_most is not None:
        # "If I chose this lot": its own price must be within the maximum.
        lot_conditions.append(f"o.{q('weekly_price')} <= %s")
    # Columns: kind, numeric key, text key, two counts.
    branches = [
        f"SELECT 'total', NULL, NULL, COUNT(*), 0 FROM b WHERE {kept()}",
        f"SELECT 'host', host, NULL, COUNT(*), 0 FROM b WHERE {kept('host')} GROUP BY host",
        f"SELECT 'band', NULL, band, COUNT(*), 0 FROM b WHERE {kept('band')} GROUP BY band",
        f"SELECT 'gender', NULL, gender, COUNT(*), 0 FROM b WHERE {kept('gender')} GROUP BY gender",
        "SELECT 'vacancies', NULL, NULL, "
        "COALESCE(SUM(CASE WHEN vacancies > 0 THEN 1 ELSE 0 END), 0), "
        "COALESCE(SUM(CASE WHEN vacancies > 0 THEN 0 ELSE 1 END), 0) "
        f"FROM b WHERE {kept('vacancies')}",
        "SELECT 'residential', NULL, NULL, "
        "COALESCE(SUM(CASE WHEN residential THEN 1 ELSE 0 END), 0), "
        "COALESCE(SUM(CASE WHEN day THEN 1 ELSE 0 END), 0) "
        f"FROM b WHERE {kept('residential')}",
        f"SELECT 'lot', o.{q('lot_id')}, NULL, COUNT(*), 0 FROM {offers} o "
        f"INNER JOIN b ON o.{q('setting_id')} = b.id WHERE {' AND '.join(lot_conditions)} "
        f"GROUP BY o.{q('lot_id')}",
        f"SELECT 'specialism', t.{q('specialism_id')}, NULL, COUNT(*), 0 FROM {specialisms} t "
        f"INNER JOIN b ON t.{q('setting_id')} = b.id WHERE {kept('specialism')} "
        f"GROUP BY t.{q('specialism_id')}",
        f"SELECT 'need', t.{q('primaryneed_id')}, NULL, COUNT(*), 0 FROM {needs} t "
        f"INNER JOIN b ON t.{q('setting_id')} = b.id WHERE {kept('need')} "
        f"GROUP BY t.{q('primaryneed_id')}",
    ]
    if lot_price_at_most is not None:
        params.append(lot_price_at_most)
    # The CTE's columns are named here, so the compiled inner query's aliases do not matter.
    sql = f"WITH b ({', '.join(columns)}) AS ({inner}) " + " UNION ALL ".join(branches)
    return sql, params


def search_facets(
    base: QuerySet[Setting],
    flags: list[str],
    *,
    approved_only: bool = True,
    lot_price_at_most: Decimal | None = None,
) -> Facets:
    """Counts per filter value, exact for the current filters, in one query.

    `base` and `flags` come from `query.facet_base`. `lot_price_at_most` is the maximum weekly
    price, which the lot counts check against each lot's own price. `approved_only` counts only
    approved offers per lot (everyone but a provider on its own list).
    """
    sql, params = _facet_sql(
        base, flags, approved_only=approved_only, lot_price_at_most=lot_price_at_most
    )
    with connections[base.db].cursor() as cursor:
        cursor.execute(sql, params)  # type: ignore[arg-type]
        rows = cursor.fetchall()
    facets = Facets()
    facets.bands = {b: 0 for b in Band.values}
    genders = {"mixed": 0, "boys": 0, "girls": 0}
    by_id = {
        "lot": facets.lots,
        "specialism": facets.specialisms,
        "need": facets.needs,
        "host": facets.host_authorities,
    }
    for kind, key, text, n, m in rows:
        if kind == "total":
            facets.total = n
        elif kind in by_id:
            if key is not None:
                by_id[kind][key] = n
        elif kind == "band":
            facets.bands[text] = n
        elif kind == "gender":
            genders[text] = n
        elif kind == "vacancies":
            facets.with_vacancies, facets.without_vacancies = int(n), int(m)
        elif kind == "residential":
            facets.residential, facets.day = int(n), int(m)
    # The gender filter is about the child: boys may go to boys-only or mixed settings.
    facets.genders = {
        "boys": genders["mixed"] + genders["boys"],
        "girls": genders["mixed"] + genders["girls"],
        "mixed": genders["mixed"],
    }
    return facets
