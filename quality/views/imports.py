"""The lead authority's Ofsted imports: send a file (CSV or XLSX), watch it run, read its report.

The import runs in a worker. While it is queued or running its page says how far it has got and
links to itself to look again (a page that reloads itself would move a screen reader's place, and
fails WCAG 2.2.1), then shows the report or the refusal.
"""

from __future__ import annotations

import os

from django import forms
from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from fps_portal.access import LEAD_EVALUATORS, page_access
from fps_portal.actors import Actor
from fps_portal.errors import DomainError, InvalidInput
from fps_portal.scoping import get_scoped_or_404
from fps_portal.web.pages import put_on_form
from quality.imports.accepting import (
    AlreadyImported,
    import_file_downloaded,
    inspection_import_accept,
)
from quality.imports.report import format_label, report_rows
from quality.models import ImportOrigin, ImportStatus, InspectionImport
from quality.selectors.imports import recent_imports

NO_FILE = "Select Ofsted's file to import."


class OfstedFileForm(forms.Form):
    use_required_attribute = False

    file = forms.FileField(
        label="Ofsted's file",
        help_text=(
            "The management information on school inspections as Ofsted publishes it, CSV or "
            "XLSX: state-funded schools (report cards, or the earlier formats) or "
            "non-association independent schools."
        ),
        required=False,
        allow_empty_file=True,  # the service says what is wrong with an empty file
    )


@page_access(LEAD_EVALUATORS)
@require_http_methods(["GET", "POST"])
def import_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    posted = request.method == "POST"
    form = OfstedFileForm(request.POST, request.FILES) if posted else OfstedFileForm()
    if posted and form.is_valid():
        upload: UploadedFile | None = form.cleaned_data["file"]
        try:
            if upload is None:
                raise InvalidInput(NO_FILE, fields={"file": NO_FILE})
            job = inspection_import_accept(
                actor=actor, raw=upload.read(), name=upload.name or "", origin=ImportOrigin.UPLOAD
            )
        except AlreadyImported as exc:
            # The same file sent again (or twice by a double click) is the import already made.
            messages.info(request, exc.message)
            return redirect("quality:import-detail", pk=exc.existing.pk)
        except DomainError as exc:
            put_on_form(form, exc)
        else:
            messages.success(request, f"{job.original_name} is queued for import.")
            return redirect("quality:import-detail", pk=job.pk)
    return render(
        request,
        "quality/imports/list.html",
        {"form": form, "imports": recent_imports(actor)},
        status=400 if form.errors else 200,
    )


@page_access(LEAD_EVALUATORS)
def import_detail(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    job = get_scoped_or_404(InspectionImport, actor, pk=pk, select_related=["uploaded_by"])
    running = job.status in (ImportStatus.QUEUED, ImportStatus.RUNNING)
    return render(
        request,
        "quality/imports/detail.html",
        {
            "job": job,
            "running": running,
            "format_label": format_label(job),
            "report": report_rows(job) if job.is_finished else [],
            "percent": _percent(job),
        },
    )


#: What each kind of file the import takes is served as.
_CONTENT_TYPES = {
    ".csv": "text/csv",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@page_access(LEAD_EVALUATORS)
@require_http_methods(["GET"])
def import_file(request: HttpRequest, actor: Actor, pk: int) -> FileResponse:
    """The file exactly as it was sent (its SHA-256 is on the page), audited."""
    job = get_scoped_or_404(InspectionImport, actor, pk=pk)
    import_file_downloaded(actor=actor, job=job)
    extension = os.path.splitext(job.original_name)[1].lower()
    response = FileResponse(
        job.file.open("rb"),
        as_attachment=True,
        filename=job.original_name,
        content_type=_CONTENT_TYPES.get(extension, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _percent(job: InspectionImport) -> int | None:
    if job.progress_phase != "reading" or not job.progress_total:
        return None
    return min(100, round(100 * job.progress_done / job.progress_total))
