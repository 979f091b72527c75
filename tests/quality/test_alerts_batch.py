"""The rating alerts' handler told of many judgements at once (`alerts_for_judgements`, given each
wave of the Ofsted import's events in one call): the same alerts, recipients, notifications,
e-mails, audit entries and settings under review as recording the judgements one by one (each
call told of one), in queries that do not grow with the alerts; and when another transaction
raised one of the same alerts meanwhile, the others are still raised, each on its own."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fps_portal.accounts.models import Role
from fps_portal.audit.models import AuditEvent
from fps_portal.notifications.models import Notification
from providers.inspections.models import InspectionJudgement
from providers.inspections.services import judgement_record
from providers.inspections.services.hooks import confirmed_event, current_in_remit
from providers.models import Setting
from quality.imports import running
from quality.models import (
    AlertRecipient,
    DecisionState,
    ImportStatus,
    InspectionImport,
    RatingAlert,
)
from quality.services import alerts
from tests.factories import person
from tests.providers.factories import FpsMembershipFactory, LotFactory, SettingFactory
from tests.quality.imports_world import REPORT_CARDS, csv_bytes, rows_of, run_bytes
from tests.quality.per_row_import import record_row_by_row
from tests.quality.world import AlertWorld, _placement, build, import_inadequate, ofsted

pytestmark = pytest.mark.django_db

OEIF_NUMBER = "Inspection number of latest OEIF graded inspection"


@pytest.fixture
def world() -> AlertWorld:
    return build()


def _placed_at(world: AlertWorld, count: int, first_urn: int) -> list[Setting]:
    """`count` more settings, URNs from `first_urn`: Sefton places a child at each, Wirral at
    every other one and Knowsley at every third; none is judged yet."""
    lot = LotFactory()
    commissioners = {a.pk: person(Role.COMMISSIONER, a) for a in (world.sefton, world.wirral)}
    commissioners[world.knowsley.pk] = person(Role.COMMISSIONER, world.knowsley)
    made = []
    for n in range(count):
        setting = SettingFactory(name=f"School {n}", urn=str(first_urn + n))
        FpsMembershipFactory(purchasing_system=lot.purchasing_system, provider=setting.provider)
        placing = [world.sefton] + [world.wirral] * (n % 2 == 0) + [world.knowsley] * (n % 3 == 0)
        for authority in placing:
            _placement(authority, setting, commissioners[authority.pk], lot, active=True)
        made.append(setting)
    return made


def _alerting_file(settings: list[Setting]) -> bytes:
    """A row like Bootle Park School's for each setting (a report card and an older graded
    inspection): every other report card has safeguarding not met (a fail band, under review),
    the rest an area that needs attention (a concern)."""
    rows = rows_of(REPORT_CARDS)
    at = {name: n for n, name in enumerate(rows[0])}
    body = []
    for n, setting in enumerate(settings):
        row = list(rows[1])
        row[at["URN"]] = setting.urn
        row[at["Inspection number of latest full inspection"]] = str(30_000_000 + n)
        row[at[OEIF_NUMBER]] = str(20_000_000 + n)
        if n % 2 == 0:
            row[at["Safeguarding standards"]] = "Not met"
        else:
            row[at["Attendance and behaviour"]] = "Needs attention"
        body.append(row)
    return csv_bytes([rows[0], *body])


def _left(since: int) -> dict[str, Any]:
    """What the alerts left, alert and judgement ids named by their setting and inspection."""
    names = {
        j.pk: f"{j.setting.urn}/{j.inspection_number}"
        for j in InspectionJudgement.objects.select_related("setting")
    }
    alert_names = {a.pk: names[a.judgement_id] for a in RatingAlert.objects.all()}

    def plain(text: str) -> str:
        return re.sub(
            r"(rating_alert\.|/alerts/|rating alert )(\d+)",
            lambda m: m.group(1) + alert_names[int(m.group(2))],
            text,
        )

    def named(after: dict[str, Any] | None) -> dict[str, Any] | None:
        if after is None or "judgement" not in after:
            return after
        return {
            **after,
            "judgement": names[after["judgement"]],
            "previous_judgement": names.get(after["previous_judgement"]),
        }

    audits = AuditEvent.objects.filter(pk__gt=since, object_type="quality.ratingalert") | (
        AuditEvent.objects.filter(
            pk__gt=since, object_type="providers.setting", reason__startswith="Under review"
        )
    )
    return {
        "alerts": sorted(
            (
                alert_names[a.pk],
                a.setting_id,
                names.get(a.previous_judgement_id),
                a.previous_band,
                a.previous_summary,
                a.previous_inspected_on,
                a.previous_published_on,
                a.new_band,
                a.new_summary,
                a.new_inspected_on,
                a.new_published_on,
                a.reasons,
                a.decision_state,
            )
            for a in RatingAlert.objects.all()
        ),
        "recipients": sorted(
            (alert_names[r.alert_id], r.user_id, r.authority_id, r.acknowledged_at)
            for r in AlertRecipient.objects.all()
        ),
        "notifications": sorted(
            (n.recipient_id, plain(n.event_key), n.subject, n.body, plain(n.url), n.send_email)
            for n in Notification.objects.filter(event_key__startswith="quality.rating_alert.")
        ),
        "mail": sorted((m.to[0], m.subject) for m in mail.outbox),
        # In the order written: each alert's entry, then its setting's if it put it under review.
        "audits": [
            (
                e.verb,
                e.object_type,
                alert_names[int(e.object_id)] if e.object_type == "quality.ratingalert" else "",
                e.object_id if e.object_type == "providers.setting" else "",
                e.actor_label,
                e.before,
                named(e.after) if e.object_type == "quality.ratingalert" else e.after.keys(),
                plain(e.reason),
            )
            for e in audits.order_by("pk")
        ],
        "under_review": sorted(
            Setting.objects.filter(under_review_since__isnull=False).values_list("urn", flat=True)
        ),
    }


def _import(raw: bytes, capture: Any) -> dict[str, Any]:
    since = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with capture(execute=True):
        job = run_bytes(raw, "alerting.csv")
    assert job.status == ImportStatus.DONE, job.refusal
    return _left(since)


def _forget(judgements: set[int], settings: dict[int, dict[str, Any]]) -> None:
    """Back to before the import, but for the audit log (which is only appended to)."""
    InspectionImport.objects.all().delete()
    AlertRecipient.objects.all().delete()
    RatingAlert.objects.all().delete()
    Notification.objects.all().delete()
    InspectionJudgement.objects.exclude(pk__in=judgements).delete()
    for pk, values in settings.items():
        Setting.objects.filter(pk=pk).update(**values)
    mail.outbox.clear()


def test_a_first_import_alerts_as_recording_each_judgement_one_by_one(
    world: AlertWorld,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    Setting.objects.filter(pk=world.setting.pk).update(urn="300000")
    world.setting.urn = "300000"
    schools = [world.setting, *_placed_at(world, 5, 300_001)]
    raw = _alerting_file(schools)
    judgements = set(InspectionJudgement.objects.values_list("pk", flat=True))
    settings = {
        s["pk"]: {k: v for k, v in s.items() if k != "pk"}
        for s in Setting.objects.values(
            "pk", "current_band", "current_band_summary", "current_band_as_at", "under_review_since"
        )
    }
    batched = _import(raw, django_capture_on_commit_callbacks)
    _forget(judgements, settings)
    with monkeypatch.context() as patched:
        patched.setattr(running, "_record", record_row_by_row)
        one_by_one = _import(raw, django_capture_on_commit_callbacks)
    for part, left in batched.items():
        assert left == one_by_one[part], part
    # What the scenario holds, so the comparison is of something: each school's report card
    # alerts (its older graded inspection does not), the fails put three under review, each
    # authority is told of the schools where it places a child and the lead authority of all.
    assert len(batched["alerts"]) == 6
    assert [a[12] for a in batched["alerts"]].count(DecisionState.PENDING) == 3
    assert batched["under_review"] == ["300000", "300002", "300004"]
    assert len(batched["audits"]) == 6 + 3
    authorities_told = {(a, r[2]) for r in batched["recipients"] for a in [r[0]]}
    assert len(authorities_told) == 6 + 6 + 4 + 2  # the lead, Sefton, Wirral, Knowsley
    assert len(batched["notifications"]) == len(batched["recipients"]) == len(batched["mail"])
    assert "previous_judgement" in batched["audits"][0][6]
    assert batched["alerts"][0][2] == "300000/10000001"  # Marsh Lane's Good of 2022


def _alerting_import_queries(world: AlertWorld, count: int, first_urn: int) -> int:
    raw = _alerting_file(_placed_at(world, count, first_urn))
    alerts_before = RatingAlert.objects.count()
    with CaptureQueriesContext(connection) as captured:
        job = run_bytes(raw, f"alerting-{count}.csv")
    assert job.status == ImportStatus.DONE, job.refusal
    assert RatingAlert.objects.count() == alerts_before + count
    return len(captured)


def test_alerts_for_many_settings_take_the_queries_of_alerts_for_two(
    world: AlertWorld, django_assert_max_num_queries: Any
) -> None:
    two = _alerting_import_queries(world, 2, 400_000)
    raw = _alerting_file(_placed_at(world, 12, 500_000))
    with django_assert_max_num_queries(two):
        job = run_bytes(raw, "alerting-12.csv")
    assert job.status == ImportStatus.DONE, job.refusal
    assert RatingAlert.objects.filter(setting__urn__startswith="5").count() == 12
    # At each: Sefton's two senior posts and the lead authority's DCS and evaluator; Wirral's
    # head of service at every other one, Knowsley's DCS at every third.
    assert AlertRecipient.objects.filter(alert__setting__urn__startswith="5").count() == sum(
        4 + (n % 2 == 0) + (n % 3 == 0) for n in range(12)
    )


def test_an_alert_raised_meanwhile_elsewhere_leaves_the_others_raised_each_on_its_own(
    world: AlertWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    remit = world.good.remit
    befores = [
        current_in_remit(setting_id=s.pk, remit=remit) for s in (world.setting, world.other_setting)
    ]
    first = import_inadequate(world)  # Marsh Lane: Good in 2022, inadequate now
    second, _ = judgement_record(
        actor=None,
        setting=world.other_setting,  # Hill Top, where Knowsley places a child: first judged
        data=ofsted({"overall_effectiveness": "4", "safeguarding_is_effective": "No"}),
    )
    events = [
        confirmed_event(judgement=judgement, before=before, actor=None)
        for judgement, before in zip((first, second), befores, strict=True)
    ]
    # Marsh Lane's alert stands (as if another transaction had raised it); Hill Top's is not
    # raised yet.
    RatingAlert.objects.filter(judgement=second).delete()
    kept = RatingAlert.objects.get(judgement=first)
    notifications = Notification.objects.count()
    alert_audits = AuditEvent.objects.filter(object_type="quality.ratingalert").count()
    # Neither is raised when the handler asks, as when the other transaction commits just after.
    monkeypatch.setattr(alerts, "_raised_already", lambda fingerprints: set())
    raised = alerts.alerts_for_judgements(events)
    assert [a.judgement_id for a in raised] == [second.pk]
    assert set(RatingAlert.objects.values_list("pk", flat=True)) == {kept.pk, raised[0].pk}
    assert AlertRecipient.objects.filter(alert=kept).count() == 5  # as it was
    assert set(
        AlertRecipient.objects.filter(alert=raised[0]).values_list("user_id", "authority_id")
    ) == {
        (world.knowsley_dcs.pk, world.knowsley.pk),
        (world.lead_dcs.pk, world.lead.pk),
        (world.lead_evaluator.pk, world.lead.pk),
    }
    assert Notification.objects.count() == notifications + 3
    assert (
        Notification.objects.filter(
            event_key__startswith=f"quality.rating_alert.{raised[0].pk}."
        ).count()
        == 3
    )
    assert AuditEvent.objects.filter(object_type="quality.ratingalert").count() == alert_audits + 1
