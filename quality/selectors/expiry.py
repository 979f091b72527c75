"""Reads of expired evidence (lapses) and the clocks' notices, through the scope rules."""

from __future__ import annotations

from django.db.models import QuerySet

from fps_portal.actors import Actor
from fps_portal.scoping import get_scoped_or_404, scoped
from quality.models import OPEN_LAPSE_STATES, EvidenceLapse


def lapses_for(actor: Actor, *, open_only: bool = True) -> QuerySet[EvidenceLapse]:
    qs = scoped(EvidenceLapse, actor).select_related("evidence__setting", "provider", "renewal")
    if open_only:
        qs = qs.filter(state__in=OPEN_LAPSE_STATES)
    return qs.order_by("expired_on", "id")


def lapse_detail(actor: Actor, pk: int) -> EvidenceLapse:
    return get_scoped_or_404(
        EvidenceLapse,
        actor,
        select_related=("evidence__setting", "provider", "renewal", "resolved_by"),
        pk=pk,
    )
