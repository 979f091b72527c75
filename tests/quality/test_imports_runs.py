"""Running imports: the same file twice changes nothing, two at once leave one consistent result,
the beat's folder job imports a new file once however often it runs, and the command."""

from __future__ import annotations

import datetime
import os
import threading
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections
from django.test import override_settings

from fps_portal.audit.models import AuditEvent
from fps_portal.errors import WrongState
from providers.inspections.models import InspectionJudgement
from quality.imports.accepting import inspection_import_accept
from quality.models import ImportOrigin, ImportStatus, InspectionImport
from quality.tasks import import_ofsted_folder
from tests.quality.imports_world import (
    EIF,
    FPS_URNS,
    INDEPENDENT,
    REPORT_CARDS,
    changed,
    run_bytes,
    run_file,
    settings_for,
)


def _judgement_audits() -> int:
    return AuditEvent.objects.filter(object_type="providers.inspectionjudgement").count()


@pytest.mark.django_db
def test_the_same_file_twice_is_refused_at_the_door_and_changes_nothing() -> None:
    settings_for(*FPS_URNS)
    run_file(REPORT_CARDS)
    before = (_judgement_audits(), InspectionJudgement.objects.count())
    with pytest.raises(WrongState, match="already sent"):
        run_file(REPORT_CARDS)
    assert (_judgement_audits(), InspectionJudgement.objects.count()) == before
    assert InspectionImport.objects.count() == 1


@pytest.mark.django_db
def test_the_same_inspections_in_another_file_change_nothing() -> None:
    # Next month's file (other bytes: a school's pupil count moved) with the same inspections.
    settings_for(*FPS_URNS)
    run_file(REPORT_CARDS)
    stored = {j.pk: (j.source_reference, j.grades) for j in InspectionJudgement.objects.all()}
    audits = _judgement_audits()
    job = run_bytes(changed(REPORT_CARDS, 2, "Total number of pupils", "121"), "next-month.csv")
    assert job.status == ImportStatus.DONE
    assert (job.inspections_new, job.inspections_updated, job.bands_changed) == (0, 0, 0)
    assert job.inspections_unchanged == 6
    assert _judgement_audits() == audits
    # Each keeps the file and row it was first published in.
    assert {j.pk: (j.source_reference, j.grades) for j in InspectionJudgement.objects.all()} == (
        stored
    )


@pytest.mark.django_db
def test_a_re_graded_inspection_is_corrected_and_counted() -> None:
    settings = settings_for(*FPS_URNS)
    run_file(REPORT_CARDS)
    raw = changed(REPORT_CARDS, 2, "Latest OEIF overall effectiveness", "3")
    job = run_bytes(raw, "corrected.csv")
    assert (job.inspections_updated, job.inspections_new) == (1, 0)
    judgement = InspectionJudgement.objects.get(inspection_number="10200001")
    assert judgement.grades["overall_effectiveness"] == "3"
    assert judgement.source_reference == "corrected.csv, row 2"
    # The report card of 02/12/2025 is still the latest in the education remit: the band stays.
    settings["100001"].refresh_from_db()
    assert settings["100001"].current_band == "pass"
    assert job.bands_changed == 0


@pytest.mark.django_db
def test_an_inspection_a_provider_reported_is_confirmed_by_the_import() -> None:
    from providers.inspections.models import CheckStatus
    from tests.providers.factories import ReportedJudgementFactory

    settings = settings_for(*FPS_URNS)
    reported = ReportedJudgementFactory(
        setting=settings["100004"],
        inspection_number="10200004",
        inspection_start_date=datetime.date(2023, 2, 7),
        grades={"overall_effectiveness": "2"},  # the provider said Good; Ofsted says 4
    )
    job = run_file(EIF)
    reported.refresh_from_db()
    assert reported.check_status == CheckStatus.CONFIRMED
    assert reported.grades["overall_effectiveness"] == "4"
    assert job.inspections_updated == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a real race needs PostgreSQL")
def test_two_imports_at_once_leave_one_consistent_result() -> None:
    settings_for(*FPS_URNS)
    first = inspection_import_accept(
        actor=None, raw=REPORT_CARDS.read_bytes(), name="a.csv", origin="command", queue=False
    )
    second = inspection_import_accept(
        actor=None, raw=EIF.read_bytes(), name="b.csv", origin="command", queue=False
    )
    from quality.imports.running import inspection_import_run

    errors: list[BaseException] = []

    def run(pk: int) -> None:
        try:
            inspection_import_run(import_id=pk)
        except BaseException as exc:  # a thread's exception is otherwise lost
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(pk,)) for pk in (first.pk, second.pk)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    jobs = {j.original_name: j for j in InspectionImport.objects.all()}
    assert {j.status for j in jobs.values()} == {ImportStatus.DONE}
    # Whichever ran first, each inspection is stored once and the total is the union.
    assert InspectionJudgement.objects.count() == 7
    assert InspectionJudgement.objects.filter(inspection_number="10200001").count() == 1
    assert sum(j.inspections_new for j in jobs.values()) == 7


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a real race needs PostgreSQL")
def test_the_same_file_sent_twice_at_once_makes_one_import() -> None:
    raw = REPORT_CARDS.read_bytes()
    outcomes: list[object] = []

    def send() -> None:
        try:
            outcomes.append(
                inspection_import_accept(
                    actor=None, raw=raw, name="same.csv", origin="upload", queue=False
                )
            )
        except WrongState as exc:
            outcomes.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert InspectionImport.objects.count() == 1
    assert sum(isinstance(o, WrongState) for o in outcomes) == 1


def _settled(path: Path) -> None:
    old = datetime.datetime.now().timestamp() - 3600
    os.utime(path, (old, old))


@pytest.mark.django_db
def test_the_beat_imports_a_new_file_in_the_folder_once(
    tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    settings_for(*FPS_URNS)
    (tmp_path / "state.csv").write_bytes(REPORT_CARDS.read_bytes())
    (tmp_path / "independent.xlsx.part").write_bytes(b"still copying")
    (tmp_path / "notes.txt").write_text("not a file of Ofsted's")
    _settled(tmp_path / "state.csv")
    with (
        override_settings(OFSTED_IMPORT_DIR=str(tmp_path)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert import_ofsted_folder() == 1
        assert import_ofsted_folder() == 0  # the beat run twice: nothing more
        # The same bytes under another name are the same file.
        (tmp_path / "copy.csv").write_bytes(REPORT_CARDS.read_bytes())
        _settled(tmp_path / "copy.csv")
        assert import_ofsted_folder() == 0
        # A file still being written waits for a later run.
        (tmp_path / "independent.csv").write_bytes(INDEPENDENT.read_bytes())
        assert import_ofsted_folder() == 0
        _settled(tmp_path / "independent.csv")
        assert import_ofsted_folder() == 1
    jobs = InspectionImport.objects.order_by("pk")
    assert [(j.original_name, j.origin, j.status) for j in jobs] == [
        ("state.csv", ImportOrigin.FOLDER, ImportStatus.DONE),
        ("independent.csv", ImportOrigin.FOLDER, ImportStatus.DONE),
    ]
    assert InspectionJudgement.objects.filter(inspection_number="10300001").count() == 1


@pytest.mark.django_db
def test_without_a_folder_the_beat_does_nothing() -> None:
    with override_settings(OFSTED_IMPORT_DIR=""):
        assert import_ofsted_folder() == 0


@pytest.mark.django_db
def test_an_import_whose_task_was_lost_is_queued_again() -> None:
    settings_for(*FPS_URNS)
    job = inspection_import_accept(
        actor=None, raw=EIF.read_bytes(), name="lost.csv", origin="upload", queue=False
    )
    InspectionImport.objects.filter(pk=job.pk).update(
        created_at=job.created_at - datetime.timedelta(hours=1)
    )
    assert import_ofsted_folder() == 1  # requeued, and run (tasks are eager in the suite)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert import_ofsted_folder() == 0


@pytest.mark.django_db
def test_the_command_imports_and_reports(capsys: pytest.CaptureFixture[str]) -> None:
    settings_for(*FPS_URNS)
    call_command("import_ofsted", str(REPORT_CARDS), str(INDEPENDENT))
    out = capsys.readouterr().out
    assert "state_funded_report_cards_2026.csv: imported." in out
    assert "Rows read: 6" in out and "Skipped: URN not on the FPS: 1" in out
    assert "independent_schools_2025.csv: imported." in out
    call_command("import_ofsted", str(REPORT_CARDS))
    assert "already sent" in capsys.readouterr().out


@pytest.mark.django_db
def test_the_command_fails_on_a_refused_file(tmp_path: Path) -> None:
    broken = tmp_path / "broken.csv"
    broken.write_bytes(changed(EIF, 3, "Overall effectiveness", "7"))
    with pytest.raises(CommandError, match="1 file"):
        call_command("import_ofsted", str(broken))
    assert InspectionImport.objects.get().refusal["row"] == 3
