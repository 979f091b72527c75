"""Taking an Ofsted file in: checked, kept privately with its SHA-256, queued for the worker.

The same bytes are imported once, whoever sends them and however: a file whose SHA-256 is on
record is refused with the import that already has it (`already_imported`), and two uploads of
one file at once make one import (the unique SHA-256 decides). The run itself is
`quality.imports.running.inspection_import_run`, in a worker (`quality.run_inspection_import`).
"""

from __future__ import annotations

import hashlib
import logging
import os

from celery import current_app
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record, snapshot
from fps_portal.errors import InvalidInput, NotAllowed, WrongState
from fps_portal.scoping import dangerously_unscoped
from quality.models import ImportOrigin, InspectionImport

logger = logging.getLogger(__name__)

RUN_TASK = "quality.run_inspection_import"
EXTENSIONS = (".csv", ".xlsx")
IMPORT_FIELDS = ["original_name", "sha256", "size", "origin", "status"]
_ZIP_MAGIC = b"PK\x03\x04"


def can_import(actor: Actor | None) -> bool:
    """The lead authority's evaluators, and the system (the command and the folder, None)."""
    return actor is None or actor.is_lead_evaluator


def sha256_of(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


class AlreadyImported(WrongState):
    """The file's SHA-256 is on record: `existing` is the import that has it."""

    def __init__(self, existing: InspectionImport) -> None:
        message = already_imported(existing)
        super().__init__(message, fields={"file": [message]})
        self.existing = existing


def already_imported(existing: InspectionImport) -> str:
    return (
        f"This file was already sent on {existing.created_at:%d %B %Y} as "
        f"{existing.original_name!r} (import {existing.pk}, "
        f"{existing.get_status_display().lower()}); the same file is never imported twice."
    )


def _refuse(message: str) -> InvalidInput:
    return InvalidInput(message, fields={"file": message})


def _check(raw: bytes, name: str) -> None:
    ext = os.path.splitext(name)[1].lower()
    if not raw:
        raise _refuse("The selected file is empty.")
    limit = settings.OFSTED_IMPORT_MAX_BYTES
    if len(raw) > limit:
        raise _refuse(f"The selected file must be smaller than {limit // (1024 * 1024)}MB.")
    if ext == ".ods":
        raise _refuse("Save the ODS file as XLSX or CSV and send that: ODS is not read.")
    if ext not in EXTENSIONS:
        raise _refuse("The selected file must be Ofsted's CSV or XLSX file.")
    if (ext == ".xlsx") != raw.startswith(_ZIP_MAGIC):
        kind = "an XLSX workbook" if ext == ".xlsx" else "a CSV file"
        raise _refuse(f"The selected file's name says {kind}, but its contents are not.")


def inspection_import_accept(
    *, actor: Actor | None, raw: bytes, name: str, origin: str, queue: bool = True
) -> InspectionImport:
    """Keeps the file and queues its import once the transaction commits (`queue=False`: the
    caller runs it itself, as the command does)."""
    if not can_import(actor):
        raise NotAllowed("Only the lead authority's evaluators can import Ofsted's files.")
    name = os.path.basename(name or "")[:255] or "ofsted.csv"
    _check(raw, name)
    digest = sha256_of(raw)
    existing = dangerously_unscoped(InspectionImport).filter(sha256=digest).first()
    if existing is not None:
        raise AlreadyImported(existing)
    job = InspectionImport(
        original_name=name,
        sha256=digest,
        size=len(raw),
        origin=origin if origin in ImportOrigin.values else ImportOrigin.UPLOAD,
        uploaded_by=actor.user if actor is not None and actor.user.pk else None,
    )
    job.file.save(name, ContentFile(raw), save=False)
    stored = job.file.name
    try:
        with transaction.atomic():
            job.save()
            audit_record(
                actor=actor,
                verb=AuditVerb.CREATED,
                obj=job,
                after=snapshot(job, IMPORT_FIELDS),
                reason="Ofsted file received for import.",
            )
    except IntegrityError:
        # Another upload of the same bytes committed first: that one is the import.
        job.file.storage.delete(stored)
        raise AlreadyImported(dangerously_unscoped(InspectionImport).get(sha256=digest)) from None
    import_id = job.pk
    if queue:
        transaction.on_commit(lambda: queue_import(import_id))
    return job


def queue_import(import_id: int) -> None:
    """Sends the run to a worker; a broker that is down leaves it queued for the sweep."""
    try:
        current_app.tasks[RUN_TASK].delay(import_id)
    except Exception:
        if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
            raise
        logger.exception("Ofsted import %s: left queued for the sweep", import_id)


@transaction.atomic
def import_file_downloaded(*, actor: Actor, job: InspectionImport) -> None:
    """Audits a download of the file as it was sent (the evidence behind every judgement the
    import recorded: a judgement's source names this file and its row)."""
    if not can_import(actor):
        raise NotAllowed("Only the lead authority's evaluators can download Ofsted's files.")
    audit_record(
        actor=actor,
        verb=AuditVerb.DOWNLOADED,
        obj=job,
        after={"sha256": job.sha256, "original_name": job.original_name},
        reason="Ofsted file downloaded as sent.",
    )
