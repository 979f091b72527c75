"""The beat job's import folder: every new CSV or XLSX placed in `settings.OFSTED_IMPORT_DIR` is
imported once. A file is known by its SHA-256, so one seen before (under any name, by any route)
is never imported again, and running the job twice, or two at once, imports each file once.

A file changed in the last minute may still be being copied in: it waits for the next run.
The same job queues again an import whose task was lost (the broker down when it was accepted)
and one whose worker died mid-run (its transaction rolled back, so nothing of it was written).
"""

from __future__ import annotations

import datetime
import logging
import time
from pathlib import Path

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from fps_portal.errors import DomainError
from fps_portal.scoping import dangerously_unscoped
from quality.imports.accepting import EXTENSIONS, inspection_import_accept, queue_import, sha256_of
from quality.models import ImportOrigin, ImportStatus, InspectionImport

logger = logging.getLogger(__name__)

SETTLE_SECONDS = 60
LOST_AFTER = datetime.timedelta(minutes=10)
# Past the run task's hard time limit (quality.run_inspection_import, 1860 s): the worker is gone.
DIED_AFTER = datetime.timedelta(hours=1)


def _candidates(folder: Path) -> list[Path]:
    settled_before = time.time() - SETTLE_SECONDS
    return sorted(
        path
        for path in folder.iterdir()
        if path.is_file()
        and path.suffix.lower() in EXTENSIONS
        and not path.name.startswith(".")
        and path.stat().st_mtime <= settled_before
    )


def folder_import_new() -> list[InspectionImport]:
    """Accepts (and queues) each file in the folder not seen before; the imports made."""
    if not settings.OFSTED_IMPORT_DIR:
        return []
    folder = Path(settings.OFSTED_IMPORT_DIR)
    if not folder.is_dir():
        logger.warning("OFSTED_IMPORT_DIR %s is not a folder", folder)
        return []
    made: list[InspectionImport] = []
    for path in _candidates(folder):
        raw = path.read_bytes()
        if dangerously_unscoped(InspectionImport).filter(sha256=sha256_of(raw)).exists():
            continue
        try:
            made.append(
                inspection_import_accept(
                    actor=None, raw=raw, name=path.name, origin=ImportOrigin.FOLDER
                )
            )
        except DomainError as exc:  # empty, too large, or accepted by another run just now
            logger.warning("Ofsted import folder: %s not imported: %s", path.name, exc.message)
    return made


def imports_requeue_lost() -> int:
    """Queues again the imports left queued or running too long; how many."""
    now = timezone.now()
    stale = dangerously_unscoped(InspectionImport).filter(
        Q(status=ImportStatus.QUEUED, created_at__lt=now - LOST_AFTER)
        | Q(status=ImportStatus.RUNNING, started_at__lt=now - DIED_AFTER)
    )
    ids = list(stale.values_list("pk", flat=True))
    dangerously_unscoped(InspectionImport).filter(pk__in=ids, status=ImportStatus.RUNNING).update(
        status=ImportStatus.QUEUED, progress_phase="", progress_done=0
    )
    for import_id in ids:
        queue_import(import_id)
    return len(ids)
