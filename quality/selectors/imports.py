"""Reads of Ofsted imports, through the scope rule (the lead authority's evaluators see them)."""

from __future__ import annotations

from django.db.models import QuerySet

from fps_portal.actors import Actor
from fps_portal.scoping import scoped
from quality.models import InspectionImport

RECENT = 50


def recent_imports(actor: Actor) -> list[InspectionImport]:
    """The latest imports, newest first, with who sent each."""
    return list(imports_for(actor).select_related("uploaded_by")[:RECENT])


def imports_for(actor: Actor) -> QuerySet[InspectionImport]:
    return scoped(InspectionImport, actor).order_by("-created_at", "-id")
