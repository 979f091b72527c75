"""Reads of children's records on the rating alerts' pages, audited: the alert's page names the
viewer's own authority's children placed at the setting, so each view is one
`VIEWED_CHILD_RECORD` row per child (through the agreement's own audit)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from contracts.models import Agreement
from contracts.services.reading import agreement_viewed
from fps_portal.actors import Actor


@transaction.atomic
def alert_placements_viewed(
    *, actor: Actor, placements: Iterable[Agreement], alert_id: int
) -> None:
    for agreement in placements:
        agreement_viewed(actor=actor, agreement=agreement, how=f"rating alert {alert_id} page")
