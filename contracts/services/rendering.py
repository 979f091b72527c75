"""Asking for the PDFs of the Order and the IPA (issue 12): the services that make an Order, issue
a version, or bring a signed version into force call `pdf_requested`, which queues the render
task once their transaction commits. The request never renders: a worker does
(`contracts.tasks`), and the page says the PDF is being prepared until it is stored.

If the broker cannot take the task at commit, the change still stands and the sweep
(`contracts.render_missing_pdfs`, on the beat) queues it later.
"""

from __future__ import annotations

import logging

from celery import Task, current_app
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef

from contracts.models import (
    AgreementVersion,
    Order,
    RenderedPdf,
    RenderKind,
    VersionState,
)
from fps_portal.scoping import dangerously_unscoped

logger = logging.getLogger(__name__)

RENDER_ORDER = "contracts.render_order_pdf"
RENDER_AGREEMENT = "contracts.render_agreement_pdf"


#: How many missing PDFs one sweep queues at most (oldest first): a backlog drains over runs.
SWEEP_BATCH = 200


def pdf_requested(
    *, version: AgreementVersion | None = None, order: Order | None = None, signed: bool = False
) -> None:
    """Queue, on commit, the PDF of an Order (`order=`), or of a version (`version=`): the IPA as
    issued, or with `signed=True` the signed copy with its signatures page."""
    if order is not None:
        order_id = order.pk
        transaction.on_commit(lambda: _queue_order(order_id))
    if version is not None:
        version_id = version.pk
        kind = RenderKind.SIGNED_AGREEMENT if signed else RenderKind.AGREEMENT
        transaction.on_commit(lambda: _queue_version(version_id, kind))


def _task(name: str) -> Task:
    """The registered task (contracts.tasks, loaded by the app's ready()): by name, since the
    tasks call these services and services may not import them back."""
    return current_app.tasks[name]


def _queue_order(order_id: int) -> None:
    try:
        _task(RENDER_ORDER).delay(order_id)
    except Exception:
        if _eager():
            raise
        logger.exception("Order %s: its PDF is left for the sweep", order_id)


def _queue_version(version_id: int, kind: str) -> None:
    try:
        _task(RENDER_AGREEMENT).delay(version_id, kind)
    except Exception:
        if _eager():
            raise
        logger.exception("Version %s: its %s PDF is left for the sweep", version_id, kind)


def _eager() -> bool:
    return bool(getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False))


def pdfs_missing_requested() -> int:
    """Queue every PDF that should be stored and is not: an Order's, an issued version's, a
    signed version's signed copy. Returns how many were queued."""
    pdfs = dangerously_unscoped(RenderedPdf)
    orders = (
        dangerously_unscoped(Order)
        .filter(~Exists(pdfs.filter(order_id=OuterRef("pk"), kind=RenderKind.ORDER)))
        .order_by("pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    issued = (
        dangerously_unscoped(AgreementVersion)
        .exclude(state=VersionState.DRAFT)
        .exclude(content_sha256="")
        .filter(~Exists(pdfs.filter(version_id=OuterRef("pk"), kind=RenderKind.AGREEMENT)))
        .order_by("pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    signed = (
        dangerously_unscoped(AgreementVersion)
        .filter(state=VersionState.SIGNED)
        .filter(~Exists(pdfs.filter(version_id=OuterRef("pk"), kind=RenderKind.SIGNED_AGREEMENT)))
        .order_by("pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    queued = 0
    for order_id in orders:
        _queue_order(order_id)
        queued += 1
    for version_id in issued:
        _queue_version(version_id, RenderKind.AGREEMENT)
        queued += 1
    for version_id in signed:
        _queue_version(version_id, RenderKind.SIGNED_AGREEMENT)
        queued += 1
    return queued
