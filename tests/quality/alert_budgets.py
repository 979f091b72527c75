"""Query budgets of the rating alerts' routes, for tests/portal/test_query_budgets.py (route,
who, build, queries), each query named. The scene: tests/quality/world.py with two alerts (a
Requires improvement, then an Inadequate) told to Sefton, Wirral and the lead authority."""

from __future__ import annotations

from collections.abc import Callable

from providers.inspections.services import judgement_record
from tests.portal.query_budget_scenes import Call, api, page
from tests.quality.world import AlertWorld, build, import_inadequate, ofsted


def _alerted(make: Callable[[AlertWorld], Call]) -> Callable[[], Call]:
    def built() -> Call:
        world = build()
        judgement_record(
            actor=None,
            setting=world.setting,
            data=ofsted({"overall_effectiveness": "3"}, number="111", start="2026-06-01"),
        )
        import_inadequate(world)
        return make(world)

    return built


def _last_alert() -> int:
    from quality.models import RatingAlert

    return RatingAlert.objects.order_by("-pk").values_list("pk", flat=True)[0]


# Pages: 1-4 are always the session, the user, the otp device and the actor's memberships.
# The alerts list: 5: the alerts told to the actor's authority with their counts of recipients
# and acknowledgements, setting and provider, in one query.
# An alert: 5: the alert with its setting, provider, judgements and decider; 6: the actor's
# authority's recipients with their users; 7: the authority's ACTIVE agreements at the setting
# with their children; 8-15: the audited view of the two children's records (savepoint; then
# savepoint, insert, release for each child; release).
# The decision queue: 5: the pending fail bands with their settings and providers.
# API: 1: the token with its user, 2: the actor's memberships; list: 3: the page of alerts
# with their counts, 4: their recipients of the actor's authority; detail: 3-4: the alert and
# its recipients of the actor's authority, 5: the authority's ACTIVE agreements at the setting.
QUALITY_BUDGETS: list[tuple[str, str, Callable[[], Call], int]] = [
    (
        "quality:alert-list",
        "Sefton's DCS",
        _alerted(lambda w: page("/quality/alerts/", w.sefton_dcs)),
        5,
    ),
    (
        "quality:alert",
        "Sefton's DCS",
        _alerted(lambda w: page(f"/quality/alerts/{_last_alert()}/", w.sefton_dcs)),
        15,
    ),
    (
        "quality:decision-list",
        "lead evaluator",
        _alerted(lambda w: page("/quality/decisions/", w.lead_evaluator)),
        5,
    ),
    (
        "rating-alert-list",
        "Sefton's DCS",
        _alerted(lambda w: api("/api/v1/alerts/", w.sefton_dcs)),
        4,
    ),
    (
        "rating-alert-detail",
        "Sefton's DCS",
        _alerted(lambda w: api(f"/api/v1/alerts/{_last_alert()}/", w.sefton_dcs)),
        5,
    ),
]
