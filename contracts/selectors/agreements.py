"""Reads of Orders and IPAs, given the actor (scoped: only the two parties see one)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from contracts.models import (
    Agreement,
    AgreementVersion,
    FeePeriod,
    Signature,
    VersionState,
)
from contracts.terms import VARIATION_TEMPLATE, Terms
from fps_portal.actors import Actor
from fps_portal.scoping import get_scoped_or_404, scoped


@dataclass(frozen=True)
class AgreementView:
    agreement: Agreement
    shown: AgreementVersion  # the version the page shows: the one asked for, else the latest
    terms: Terms
    versions: list[AgreementVersion]
    fee_periods: list[FeePeriod]

    @property
    def variation_template(self) -> tuple[str, ...]:
        return VARIATION_TEMPLATE


def agreements_for(actor: Actor) -> QuerySet[Agreement]:
    return scoped(Agreement, actor).select_related("order", "setting", "authority", "provider")


def agreement_view(actor: Actor, pk: int, *, version_number: int | None = None) -> AgreementView:
    """The agreement with every version and its signatures, and the fee history, in a fixed
    number of queries."""
    agreement = get_scoped_or_404(
        Agreement,
        actor,
        select_related=("order", "setting", "authority", "provider", "authority_signatory"),
        pk=pk,
    )
    versions = list(
        scoped(AgreementVersion, actor)
        .filter(agreement_id=agreement.pk)
        .prefetch_related(Prefetch("signatures", queryset=Signature.objects.order_by("signed_at")))
        .order_by("-number")
    )
    if version_number is not None:
        shown = next((v for v in versions if v.number == version_number), None)
        if shown is None:
            raise Http404("No such version")
    else:
        live = [v for v in versions if v.state != VersionState.WITHDRAWN]
        shown = live[0] if live else versions[0]
    fee_periods = list(
        scoped(FeePeriod, actor).filter(agreement_id=agreement.pk).order_by("starts")
    )
    return AgreementView(
        agreement=agreement,
        shown=shown,
        terms=Terms.from_json(shown.terms),
        versions=versions,
        fee_periods=fee_periods,
    )
