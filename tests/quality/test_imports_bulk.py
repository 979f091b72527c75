"""The import records set-based (`providers.inspections.services.bulk`): what it leaves is what
recording each inspection through `judgement_record` in turn left (the path it replaced, kept in
`per_row_import`): the same judgements, bands, audit entries, alerts and report; a row that breaks
a rule refuses the file and writes nothing; and its queries do not grow with the file."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from fps_portal.audit.models import AuditEvent
from fps_portal.notifications.models import Notification
from providers.inspections.models import InspectionJudgement
from providers.inspections.services.setting_band import BAND_REASON
from providers.models import Setting
from quality.imports import running
from quality.models import AlertRecipient, ImportStatus, InspectionImport, RatingAlert
from tests.quality.imports_world import (
    FPS_URNS,
    REPORT_CARDS,
    csv_bytes,
    rows_of,
    run_bytes,
    settings_for,
)
from tests.quality.per_row_import import record_row_by_row

pytestmark = pytest.mark.django_db

REPORT_FIELDS = (
    "status", "rows_read", "rows_matched", "inspections_new", "inspections_updated",
    "inspections_unchanged", "predecessor_inspections", "bands_changed", "skipped", "refusal",
)  # fmt: skip
BUDGET_FIRST = 19  # on SQLite (row by row); PostgreSQL reads through COPY
BUDGET_AGAIN = 12
# Taking the file in, claiming, reading, recording, finishing; and COPY's own on PostgreSQL.
_OWN_SAVEPOINTS = 5 + (connection.vendor == "postgresql")
# On PostgreSQL the file is read through COPY (the table dropped and made, one scan, the FPS
# rows) and the import takes its advisory lock.
_COPY_QUERIES = 5 if connection.vendor == "postgresql" else 0
OEIF_NUMBER = "Inspection number of latest OEIF graded inspection"
OEIF_START = "Inspection start date of latest OEIF graded inspection"
OEIF_PUBLISHED = "Publication date of latest OEIF graded inspection"
OEIF_OVERALL = "Latest OEIF overall effectiveness"


def _next_month() -> bytes:
    """REPORT_CARDS a month on: 100001's graded inspection re-graded (a correction of an older
    one) and its report card's safeguarding now not met (an alert); two new graded inspections
    of 100004 on rows of their own, a better one and then a worse, newer one (three changes of
    one setting in one remit: the bands move twice, the last alerts); the rest the same."""
    rows = rows_of(REPORT_CARDS)
    at = {name: n for n, name in enumerate(rows[0])}
    rows[1][at[OEIF_OVERALL]] = "3"
    rows[1][at["Safeguarding standards"]] = "Not met"
    for number, start, published, grade in (
        ("10200044", "10/01/2025", "20/02/2025", "1"),
        ("10200045", "10/06/2025", "20/07/2025", "4"),
    ):
        extra = list(rows[4])  # 100004's row
        extra[at[OEIF_NUMBER]], extra[at[OEIF_START]] = number, start
        extra[at[OEIF_PUBLISHED]], extra[at[OEIF_OVERALL]] = published, grade
        rows.append(extra)
    return csv_bytes(rows)


def _natural(object_type: str, object_id: str) -> object:
    if object_type == "providers.inspectionjudgement":
        j = InspectionJudgement.objects.select_related("setting").get(pk=object_id)
        return (j.setting.urn, j.framework, j.inspection_number)
    if object_type == "providers.setting":
        return Setting.objects.get(pk=object_id).urn
    return object_type


def _left(since: int) -> dict[str, Any]:
    """What the imports left, without ids or times."""
    ours = Q(object_type="providers.inspectionjudgement") | Q(reason=BAND_REASON)
    audits = [
        (e.verb, e.object_type, _natural(e.object_type, e.object_id), e.before, e.after, e.reason)
        for e in AuditEvent.objects.filter(ours, pk__gt=since).order_by("pk")
    ]
    # The alerts' own (the handler's): their ids and times differ from run to run.
    others = sorted(
        (e.object_type, e.verb, _natural(e.object_type, e.object_id), re.sub(r"\d+", "#", e.reason))
        for e in AuditEvent.objects.filter(pk__gt=since).exclude(ours)
    )
    return {
        "judgements": sorted(
            InspectionJudgement.objects.values_list(
                "setting__urn",
                "framework",
                "remit",
                "inspection_number",
                "inspection_start_date",
                "publication_date",
                "grades",
                "category_of_concern",
                "relates_to_current_urn",
                "source",
                "source_reference",
                "band",
                "band_reasons",
                "rule_version",
                "check_status",
            )
        ),
        "bands": sorted(
            Setting.objects.values_list(
                "urn", "current_band", "current_band_summary", "current_band_as_at"
            )
        ),
        "under_review": sorted(
            Setting.objects.filter(under_review_since__isnull=False).values_list("urn", flat=True)
        ),
        # The band audits as a sequence per setting; the judgement audits as a set (the
        # set-based path writes a wave's judgements before their settings' bands).
        "band_audits": [a for a in audits if a[1] == "providers.setting"],
        "judgement_audits": sorted(map(repr, (a for a in audits if a[1] != "providers.setting"))),
        "other_audits": others,
        "alerts": sorted(
            RatingAlert.objects.values_list(
                "setting__urn",
                "judgement__inspection_number",
                "previous_judgement__inspection_number",
                "previous_band",
                "previous_summary",
                "previous_inspected_on",
                "new_band",
                "new_summary",
                "new_inspected_on",
                "reasons",
                "decision_state",
            )
        ),
        "recipients": AlertRecipient.objects.count(),
        "notifications": sorted(Notification.objects.values_list("recipient_id", "subject")),
    }


def _both_imports() -> tuple[list[dict[str, object]], dict[str, Any]]:
    since = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    jobs = [run_bytes(REPORT_CARDS.read_bytes(), "first.csv"), run_bytes(_next_month(), "next.csv")]
    return [{f: getattr(job, f) for f in REPORT_FIELDS} for job in jobs], _left(since)


def _forget() -> None:
    InspectionImport.objects.all().delete()
    AlertRecipient.objects.all().delete()
    RatingAlert.objects.all().delete()
    Notification.objects.all().delete()
    InspectionJudgement.objects.all().delete()
    Setting.objects.update(
        current_band="unknown",
        current_band_summary="",
        current_band_as_at=None,
        under_review_since=None,
    )


def test_the_set_based_path_leaves_what_recording_row_by_row_left(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings_for(*FPS_URNS)
    reports, left = _both_imports()
    _forget()
    with monkeypatch.context() as patched:
        patched.setattr(running, "_record", record_row_by_row)
        reports_before, left_before = _both_imports()
    assert reports == reports_before
    assert left == left_before
    # What the scenario holds, so the comparison is of something.
    first, second = reports
    assert first["inspections_new"] == 6 and first["predecessor_inspections"] == 1
    assert (second["inspections_new"], second["inspections_updated"]) == (2, 2)
    assert second["bands_changed"] == 1  # 100001 (100004 stays a fail)
    # 100004's band is refreshed after each of its new inspections, as it was row by row (its
    # safeguarding and category of concern keep it a fail; what decides it moves).
    assert [a[4]["current_band_as_at"] for a in left["band_audits"] if a[2] == "100004"] == [
        "2023-03-15",
        "2025-02-20",
        "2025-07-20",
    ]
    # 100001's safeguarding became not met; 100004 was a fail already, with safeguarding not met
    # and in special measures, so its new inspections raise no second alert.
    assert {a[:2] for a in left["alerts"]} == {
        ("100001", "10300001"),
        ("100002", "10300002"),
        ("100004", "10200004"),
    }


def test_the_same_file_again_writes_and_alerts_nothing() -> None:
    settings_for(*FPS_URNS)
    run_bytes(_next_month(), "next.csv")
    alerts, audits = RatingAlert.objects.count(), AuditEvent.objects.count()
    job = run_bytes(_next_month().replace(b"\r\n", b"\n"), "next-again.csv")
    assert job.status == ImportStatus.DONE
    assert (job.inspections_new, job.inspections_updated, job.bands_changed) == (0, 0, 0)
    assert RatingAlert.objects.count() == alerts
    assert AuditEvent.objects.count() == audits + 2  # the import's own: received, done


def test_a_row_that_breaks_a_recording_rule_refuses_the_file_and_writes_nothing() -> None:
    settings_for(*FPS_URNS)
    rows = rows_of(REPORT_CARDS)
    at = {name: n for n, name in enumerate(rows[0])}
    rows[3][at["Inspection start date"]] = "01/01/2099"  # 100003's report card: in the future
    job = run_bytes(csv_bytes(rows), "future.csv")
    assert job.status == ImportStatus.REFUSED
    assert (job.refusal["row"], job.refusal["column"], job.refusal["value"]) == (
        4,
        "Inspection start date",
        "01/01/2099",
    )
    assert not InspectionJudgement.objects.exists()
    assert not AuditEvent.objects.filter(
        object_type__in=["providers.inspectionjudgement", "providers.setting"]
    ).exists()
    assert not RatingAlert.objects.exists()
    assert set(Setting.objects.values_list("current_band", flat=True)) == {"unknown"}


def _file_of(schools: int) -> bytes:
    """`schools` rows like 100001's, each its own school on the FPS (a report card and a graded
    inspection each)."""
    rows = rows_of(REPORT_CARDS)
    at = {name: n for n, name in enumerate(rows[0])}
    body = []
    for n in range(schools):
        row = list(rows[1])
        row[at["URN"]] = str(200_000 + n)
        row[at["Inspection number of latest full inspection"]] = str(30_000_000 + n)
        row[at[OEIF_NUMBER]] = str(20_000_000 + n)
        body.append(row)
    return csv_bytes([rows[0], *body])


def _import_queries(schools: int, *, again: bool) -> int:
    raw = _file_of(schools)
    if again:
        run_bytes(raw, f"first-{schools}.csv")
    with CaptureQueriesContext(connection) as captured:
        job = run_bytes(raw.replace(b"\r\n", b"\n"), f"{schools}.csv")
    assert job.status == ImportStatus.DONE, job.refusal
    # The import's own savepoints and their releases, the same as before; the rating alerts'
    # handler, told of each wave's judgements at once, opens none when none alerts. Everything
    # else is counted.
    savepoints = [q for q in captured.captured_queries if "SAVEPOINT" in q["sql"]]
    assert len(savepoints) == 2 * _OWN_SAVEPOINTS
    return len(captured) - len(savepoints)


@pytest.mark.parametrize("again", [False, True], ids=["first import", "the same again"])
def test_the_queries_of_an_import_do_not_grow_with_its_rows(again: bool) -> None:
    settings_for(*(str(200_000 + n) for n in range(40)))
    small = _import_queries(5, again=again)
    InspectionImport.objects.all().delete()
    InspectionJudgement.objects.all().delete()
    large = _import_queries(40, again=again)
    assert not RatingAlert.objects.exists()  # good schools: the handlers read nothing
    assert large == small
    # Taking the file in and claiming it, reading it and the FPS's URNs, the lock and the
    # judgements on file, finishing; a first import also locks the settings, and per wave (a
    # report card, then the older graded inspection) inserts, audits and updates the bands.
    assert small <= (BUDGET_AGAIN if again else BUDGET_FIRST) + _COPY_QUERIES, small
