"""The stage 3 letter of escalation (seed 002, Stage 3: "Letter of escalation issued to provider
from commissioning manager"), generated from the concern's record as an accessible PDF.

Escalating to stage 3 asks for it (`concern_letter_requested`, queued when the escalation
commits); a worker renders it (`quality.render_concern_letter`) with the contracts app's PDF
pattern: WeasyPrint, PDF/UA-1 (tagged, titled, in British English, running footer), stored
privately with its SHA-256. One letter per stage: a letter already stored is returned, and two
renders racing meet at the stage's one-to-one, the loser dropping its file. The sweep
(`quality.render_missing_concern_letters`) queues any whose task was lost.

The letter names the placement by its agreement's reference, never the child: whoever reads it
(the provider, the authority's QA officer) reads no child's record. Each download is audited.
"""

from __future__ import annotations

import hashlib
import logging

from celery import current_app
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.template.loader import render_to_string

from contracts.services.pdf_documents import SERVICE_NAME, render_html
from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record
from fps_portal.scoping import dangerously_unscoped
from quality.models import (
    INTERNAL_ENTRY_KINDS,
    LETTER_STAGE,
    ConcernEntry,
    ConcernLetter,
    ConcernStage,
    ConcernState,
    EntryKind,
)
from quality.services.concern_recipients import commissioning_managers

logger = logging.getLogger(__name__)

RENDER_LETTER = "quality.render_concern_letter"
SWEEP_BATCH = 100


def concern_letter_requested(*, stage: ConcernStage) -> None:
    """Queue, on commit, the render of a stage 3's letter."""
    stage_id = stage.pk
    transaction.on_commit(lambda: _queue(stage_id))


def _queue(stage_id: int) -> None:
    try:
        current_app.tasks[RENDER_LETTER].delay(stage_id)
    except Exception:
        if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
            raise
        logger.exception("Concern stage %s: its letter is left for the sweep", stage_id)


def letter_html(stage: ConcernStage) -> str:
    concern = stage.concern
    entries = list(
        dangerously_unscoped(ConcernEntry)
        .filter(concern=concern, stage__number__lt=LETTER_STAGE)
        .exclude(kind__in=[*INTERNAL_ENTRY_KINDS, EntryKind.INFORMED])
        .select_related("stage")
        .order_by("at", "pk")
    )
    managers = commissioning_managers(concern.authority_id)
    return render_to_string(
        "quality/pdf/concern_letter.html",
        {
            "title": f"Letter of escalation: concern {concern.pk}",
            "service_name": SERVICE_NAME,
            "concern": concern,
            "stage": stage,
            "entries": entries,
            "signatory": managers[0] if managers else None,
        },
    )


def concern_letter_render(*, stage_id: int) -> ConcernLetter | None:
    """The stage's letter: the stored one, else rendered and stored now; None for a stage that
    has none (not stage 3)."""
    existing = dangerously_unscoped(ConcernLetter).filter(stage_id=stage_id).first()
    if existing is not None:
        return existing
    stage = (
        dangerously_unscoped(ConcernStage)
        .select_related(
            "concern__authority", "concern__provider", "concern__setting", "concern__agreement"
        )
        .filter(pk=stage_id, number=LETTER_STAGE)
        .first()
    )
    if stage is None:
        return None
    rendered = render_html(letter_html(stage))
    letter = ConcernLetter(
        stage=stage,
        sha256=hashlib.sha256(rendered.pdf).hexdigest(),
        size_bytes=len(rendered.pdf),
        pages=rendered.pages,
    )
    letter.file.save(
        f"concern-{stage.concern_id}-letter.pdf", ContentFile(rendered.pdf), save=False
    )
    try:
        with transaction.atomic():
            letter.save()
            ConcernEntry.objects.create(
                concern=stage.concern,
                stage=stage,
                kind=EntryKind.LETTER,
                text=f"Letter of escalation generated ({rendered.pages} pages, SHA-256 "
                f"{letter.sha256}).",
            )
    except IntegrityError:
        letter.file.storage.delete(letter.file.name)
        return dangerously_unscoped(ConcernLetter).get(stage_id=stage_id)
    return letter


def _missing() -> QuerySet[ConcernStage]:
    return (
        dangerously_unscoped(ConcernStage)
        .filter(number=LETTER_STAGE, concern__state=ConcernState.OPEN)
        .filter(~Exists(dangerously_unscoped(ConcernLetter).filter(stage_id=OuterRef("pk"))))
    )


def concerns_letters_missing() -> int:
    """How many stage 3 letters of open concerns are not stored yet."""
    return _missing().count()


def concern_letters_missing_requested() -> int:
    """Queue every stage 3 letter not stored yet (of open concerns). Returns how many."""
    missing = _missing().order_by("pk").values_list("pk", flat=True)[:SWEEP_BATCH]
    queued = 0
    for stage_id in missing:
        _queue(stage_id)
        queued += 1
    return queued


@transaction.atomic
def concern_letter_downloaded(*, actor: Actor, letter: ConcernLetter) -> None:
    audit_record(
        actor=actor,
        verb=AuditVerb.DOWNLOADED,
        obj=letter,
        after={"sha256": letter.sha256, "size_bytes": letter.size_bytes},
        reason=f"Letter of escalation PDF, SHA-256 {letter.sha256}.",
    )
