"""The import's tasks: one import run in a worker, and the beat job watching the import folder.
Both are idempotent: an import runs only from queued (`inspection_import_run` claims it under its
row lock), and a file is accepted once by its SHA-256."""

from __future__ import annotations

from celery import shared_task

from quality.imports.folder import folder_import_new, imports_requeue_lost
from quality.imports.running import inspection_import_run


@shared_task(name="quality.run_inspection_import")
def run_inspection_import(import_id: int) -> str:
    return inspection_import_run(import_id=import_id).status


@shared_task(name="quality.import_ofsted_folder")
def import_ofsted_folder() -> int:
    requeued = imports_requeue_lost()
    return requeued + len(folder_import_new())
