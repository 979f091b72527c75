"""Reads of a child's record on a concern's pages, audited: a concern about a placement names the
child to those who may read the child's record (the authority's commissioners and senior
managers, and the provider whose placement it is), one `VIEWED_CHILD_RECORD` row per view
(through the agreement's own audit)."""

from __future__ import annotations

from django.db import transaction

from contracts.models import Agreement
from contracts.services.reading import agreement_viewed
from fps_portal.actors import Actor


@transaction.atomic
def concern_placement_viewed(
    *, actor: Actor, agreement: Agreement, concern_id: int, how: str
) -> None:
    agreement_viewed(actor=actor, agreement=agreement, how=f"concern {concern_id} {how}")
