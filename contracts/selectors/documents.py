"""Reads of the PDFs of Orders and IPAs, given the actor (scoped: only the two parties see one;
another authority's or provider's is 404)."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from contracts.models import Agreement, AgreementVersion, Order, RenderedPdf, RenderKind
from fps_portal.actors import Actor
from fps_portal.scoping import get_scoped_or_404, scoped


@dataclass(frozen=True)
class VersionPdf:
    agreement: Agreement
    version: AgreementVersion
    pdf: RenderedPdf | None  # None while it is being prepared (or for a draft: never)


@dataclass(frozen=True)
class OrderView:
    order: Order
    agreement: Agreement | None
    pdf: RenderedPdf | None


def version_pdf(actor: Actor, pk: int, number: int, kind: str) -> VersionPdf:
    agreement = get_scoped_or_404(Agreement, actor, select_related=("order",), pk=pk)
    version = scoped(AgreementVersion, actor).filter(agreement_id=agreement.pk, number=number)
    found = version.first()
    if found is None:
        raise Http404("No such version")
    pdf = scoped(RenderedPdf, actor).filter(version_id=found.pk, kind=kind).first()
    return VersionPdf(agreement=agreement, version=found, pdf=pdf)


def order_view(actor: Actor, pk: int) -> OrderView:
    order = get_scoped_or_404(
        Order, actor, select_related=("authority", "setting", "referral"), pk=pk
    )
    agreement = scoped(Agreement, actor).filter(order_id=order.pk).only("pk", "reference").first()
    pdf = scoped(RenderedPdf, actor).filter(order_id=order.pk, kind=RenderKind.ORDER).first()
    return OrderView(order=order, agreement=agreement, pdf=pdf)
