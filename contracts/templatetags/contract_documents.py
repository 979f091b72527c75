"""Template filters of the contracts documents panel."""

from __future__ import annotations

from collections.abc import Iterable

from django import template

from contracts.models import RenderedPdf

register = template.Library()


@register.filter
def pdf_of_kind(pdfs: Iterable[RenderedPdf], kind: str) -> RenderedPdf | None:
    """{{ version.pdfs.all|pdf_of_kind:"agreement" }}: the one of that kind among those already
    read (no query of its own)."""
    return next((pdf for pdf in pdfs if pdf.kind == kind), None)
