"""Facet counts: how many settings each filter value would give, in ONE query.

Each filter's counts leave that filter itself out (but keep every other one), so they answer the
question the user has at that drop-down: "if I chose this instead, how many would I get?". With
lot A1 chosen, the other lots still show their numbers rather than a row of zeros.

The filtered results become a common table expression that the database evaluates once; a filter
that is in use gets one more, the results without it. The counts per lot, area of need and primary
need join their link tables to the right one; the counts per host authority, band, gender,
vacancies and day/residential group it directly. Nothing per setting travels to Python: at most a
few hundred group rows come back, however many settings match.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connections
from django.db.models import QuerySet

from providers.models import Setting, SettingLot
from providers.ratings import Band

# Each facet, and the columns its counts read from its results (see COLUMNS).
FACETS = ("lot", "specialism", "need", "host", "band", "gender", "vacancies", "residential")
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


def _compiled(results: QuerySet[Setting]) -> tuple[str, tuple[object, ...]]:
    return (
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


def _facet_sql(
    results: QuerySet[Setting],
    without: Mapping[str, QuerySet[Setting]],
    *,
    approved_only: bool,
    lot_price_at_most: Decimal | None,
) -> tuple[str, list[object]]:
    q = connections[results.db].ops.quote_name
    params: list[object] = []
    ctes = []
    source = {}
    # The CTEs' columns are named here, so the compiled inner queries' aliases do not matter.
    for name, qs in [("r", results), *((f"r_{f}", without[f]) for f in FACETS if f in without)]:
        inner, inner_params = _compiled(qs)
        ctes.append(f"{name} ({', '.join(COLUMNS)}) AS ({inner})")
        params.extend(inner_params)
        source[name.removeprefix("r_")] = name
    of = {f: source.get(f, "r") for f in FACETS}

    offers = q(SettingLot._meta.db_table)
    specialisms = q(Setting.specialisms.through._meta.db_table)
    needs = q(Setting.primary_needs.through._meta.db_table)
    lot_conditions = []
    if approved_only:
        lot_conditions.append(f"o.{q('approved_at')} IS NOT NULL")
    if lot_price_at_most is not None:
        # "If I chose this lot": its own price must be within the maximum.
        lot_conditions.append(f"o.{q('weekly_price')} <= %s")
    lot_where = f" WHERE {' AND '.join(lot_conditions)}" if lot_conditions else ""
    # Columns: kind, numeric key, text key, two counts.
    branches = [
        "SELECT 'total', NULL, NULL, COUNT(*), 0 FROM r",
        f"SELECT 'host', host, NULL, COUNT(*), 0 FROM {of['host']} GROUP BY host",
        f"SELECT 'band', NULL, band, COUNT(*), 0 FROM {of['band']} GROUP BY band",
        f"SELECT 'gender', NULL, gender, COUNT(*), 0 FROM {of['gender']} GROUP BY gender",
        "SELECT 'vacancies', NULL, NULL, "
        "COALESCE(SUM(CASE WHEN vacancies > 0 THEN 1 ELSE 0 END), 0), "
        f"COALESCE(SUM(CASE WHEN vacancies > 0 THEN 0 ELSE 1 END), 0) FROM {of['vacancies']}",
        "SELECT 'residential', NULL, NULL, "
        "COALESCE(SUM(CASE WHEN residential THEN 1 ELSE 0 END), 0), "
        f"COALESCE(SUM(CASE WHEN day THEN 1 ELSE 0 END), 0) FROM {of['residential']}",
        f"SELECT 'lot', o.{q('lot_id')}, NULL, COUNT(*), 0 FROM {offers} o "
        f"INNER JOIN {of['lot']} ON o.{q('setting_id')} = {of['lot']}.id{lot_where} "
        f"GROUP BY o.{q('lot_id')}",
        f"SELECT 'specialism', t.{q('specialism_id')}, NULL, COUNT(*), 0 FROM {specialisms} t "
        f"INNER JOIN {of['specialism']} ON t.{q('setting_id')} = {of['specialism']}.id "
        f"GROUP BY t.{q('specialism_id')}",
        f"SELECT 'need', t.{q('primaryneed_id')}, NULL, COUNT(*), 0 FROM {needs} t "
        f"INNER JOIN {of['need']} ON t.{q('setting_id')} = {of['need']}.id "
        f"GROUP BY t.{q('primaryneed_id')}",
    ]
    if lot_price_at_most is not None:
        params.append(lot_price_at_most)
    sql = f"WITH {', '.join(ctes)} " + " UNION ALL ".join(branches)
    return sql, params


def search_facets(
    results: QuerySet[Setting],
    *,
    without: Mapping[str, QuerySet[Setting]] | None = None,
    approved_only: bool = True,
    lot_price_at_most: Decimal | None = None,
) -> Facets:
    """Counts per filter value, exact for the current filters, in one query.

    `without` holds, for each facet whose filter is in use, the results without that filter (the
    lot's without the maximum price too, which `lot_price_at_most` then applies to each lot's own
    price). `approved_only` counts only approved offers per lot (everyone but a provider on its
    own list).
    """
    sql, params = _facet_sql(
        results,
        without or {},
        approved_only=approved_only,
        lot_price_at_most=lot_price_at_most,
    )
    with connections[results.db].cursor() as cursor:
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
