"""Who sees Ofsted imports: the lead authority's evaluators, who import them (every import, by
whoever or whatever sent it); nobody else, and not the public."""

from __future__ import annotations

from django.db.models import QuerySet

from fps_portal.actors import Actor
from fps_portal.scoping import register_scope
from quality.models import InspectionImport


@register_scope(InspectionImport)
def _inspection_imports(
    queryset: QuerySet[InspectionImport], actor: Actor
) -> QuerySet[InspectionImport]:
    return queryset if actor.is_lead_evaluator else queryset.none()
