"""An Ofsted import's page keeps its progress current while the worker runs it, without
reloading (static/js/progress.mjs): the report takes the progress's place in the live region and
the page, and the reader's place in it, stay where they were."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from fps_portal.accounts.models import Role
from quality.imports.accepting import inspection_import_accept
from quality.models import ImportOrigin, ImportStatus, InspectionImport
from tests.factories import person
from tests.quality.imports_world import EIF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_report_replaces_the_progress_without_a_reload(
    open_signed_in: Any, live_server: Any
) -> None:
    job = inspection_import_accept(
        actor=None,
        raw=EIF.read_bytes(),
        name="ofsted.csv",
        origin=ImportOrigin.COMMAND,
        queue=False,
    )
    InspectionImport.objects.filter(pk=job.pk).update(
        status=ImportStatus.RUNNING, progress_phase="reading", progress_done=10, progress_total=40
    )
    page = open_signed_in(person(Role.LEAD_EVALUATOR)).new_page()
    errors: list[str] = []

    def collect(message: Any) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", collect)
    page.goto(live_server.url + reverse("quality:import-detail", args=[job.pk]))
    region = page.locator("#import-progress")
    assert region.get_attribute("aria-live") == "polite"
    assert "10 of about 40 (25%)" in region.inner_text()
    page.evaluate("window.sameDocument = true")

    InspectionImport.objects.filter(pk=job.pk).update(
        status=ImportStatus.DONE, rows_read=40, rows_matched=3, inspections_new=2
    )
    region.get_by_role("heading", name="Report").wait_for(timeout=10_000)
    assert page.evaluate("window.sameDocument") is True  # the page was not reloaded
    assert "Imported" in region.inner_text() and "Check its progress again" not in page.content()
    assert region.get_attribute("data-app-progress") is None  # and polling has stopped
    assert errors == []
