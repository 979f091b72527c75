"""The PDFs of the Order and the IPA, and the Order's page (issue 12). Only the two parties reach
them (another authority's or provider's is 404); each download is audited. A PDF is rendered by
a worker, never here: until it is stored the page says it is being prepared."""

from __future__ import annotations

from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.urls import reverse

from contracts.models import RenderedPdf, RenderKind, VersionState
from contracts.permissions import AGREEMENT_PARTIES
from contracts.selectors.documents import order_view, version_pdf
from contracts.services.downloads import pdf_downloaded
from contracts.services.pdf_documents import order_context
from fps_portal.access import page_access
from fps_portal.actors import Actor


def _file(pdf: RenderedPdf, filename: str) -> FileResponse:
    response = FileResponse(
        pdf.file.open("rb"), as_attachment=True, filename=filename, content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _pending(
    request: HttpRequest, *, title: str, message: str, back: str, status: int
) -> HttpResponse:
    return render(
        request,
        "contracts/pdf_pending.html",
        {"title": title, "message": message, "back_url": back, "ready": status == 200},
        status=status,
    )


def _version_pdf(
    request: HttpRequest, actor: Actor, pk: int, number: int, kind: str
) -> HttpResponseBase:
    found = version_pdf(actor, pk, number, kind)
    agreement, version = found.agreement, found.version
    signed = kind == RenderKind.SIGNED_AGREEMENT
    if found.pdf is not None:
        pdf_downloaded(actor=actor, pdf=found.pdf, agreement=agreement)
        label = "signed-" if signed else ""
        return _file(found.pdf, f"{agreement.reference}-v{version.number}-{label}ipa.pdf")
    back = reverse("contracts:agreement-version", args=[agreement.pk, version.number])
    what = "signed copy" if signed else "PDF"
    title = f"The {what} of version {version.number} of {agreement.reference}"
    if version.state == VersionState.DRAFT or (signed and version.state != VersionState.SIGNED):
        message = (
            f"Version {version.number} has no signed copy yet: it is made when both parties "
            "have signed it."
            if signed
            else f"Version {version.number} is a draft: its PDF is made when it is issued."
        )
        return _pending(request, title=title, message=message, back=back, status=409)
    message = (
        f"The {what} is being prepared. It is usually ready within a minute: refresh this page "
        "to download it."
    )
    return _pending(request, title=title, message=message, back=back, status=200)


@page_access(AGREEMENT_PARTIES)
def agreement_pdf(request: HttpRequest, actor: Actor, pk: int, number: int) -> HttpResponseBase:
    return _version_pdf(request, actor, pk, number, RenderKind.AGREEMENT)


@page_access(AGREEMENT_PARTIES)
def agreement_signed_pdf(
    request: HttpRequest, actor: Actor, pk: int, number: int
) -> HttpResponseBase:
    return _version_pdf(request, actor, pk, number, RenderKind.SIGNED_AGREEMENT)


@page_access(AGREEMENT_PARTIES)
def order_detail(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    view = order_view(actor, pk)
    return render(
        request,
        "contracts/order.html",
        {"view": view, **order_context(view.order), "order_pdf": view.pdf},
    )


@page_access(AGREEMENT_PARTIES)
def order_pdf(request: HttpRequest, actor: Actor, pk: int) -> HttpResponseBase:
    view = order_view(actor, pk)
    if view.pdf is not None:
        pdf_downloaded(actor=actor, pdf=view.pdf, agreement=None)
        return _file(view.pdf, f"{view.order.number}.pdf")
    return _pending(
        request,
        title=f"The PDF of Order {view.order.number}",
        message=(
            "The Order's PDF is being prepared. It is usually ready within a minute: refresh "
            "this page to download it."
        ),
        back=reverse("contracts:order", args=[view.order.pk]),
        status=200,
    )
