"""The IPA's page: its state, the terms of the version shown (the same partial the PDF renders),
every version with its signatures, and the fee history. Each view is audited (it names the
child)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from contracts.permissions import AGREEMENT_PARTIES
from contracts.selectors.agreements import agreement_view
from contracts.services.reading import agreement_viewed
from fps_portal.access import page_access
from fps_portal.actors import Actor


@page_access(AGREEMENT_PARTIES)
def agreement_detail(
    request: HttpRequest, actor: Actor, pk: int, number: int | None = None
) -> HttpResponse:
    view = agreement_view(actor, pk, version_number=number)
    agreement_viewed(actor=actor, agreement=view.agreement, how="agreement page")
    return render(
        request,
        "contracts/agreement.html",
        {
            "view": view,
            "agreement": view.agreement,
            "terms": view.terms,
            "variation_template": view.variation_template,
        },
    )
