"""Completing a draft IPA (the placing authority's commissioners and senior managers): one page
per part of the terms, each saved through `draft_update` (the signatories through
`draft_signatories`, which also names `Agreement.authority_signatory`). Bad input shows the error
summary and the message on the field, and writes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from contracts.models import Agreement, AgreementVersion, VersionState
from contracts.selectors.signing import signatory_candidates
from contracts.services.drafting import draft_signatories
from contracts.services.reading import agreement_viewed
from contracts.services.versions import draft_update
from contracts.terms import Terms
from contracts.views.drafting_costs import CostsForm, FundingForm
from contracts.views.drafting_forms import PartiesForm, ProvisionForm, SignatoriesForm
from contracts.views.drafting_rows import RowsForm
from fps_portal.access import page_access
from fps_portal.actors import Actor
from fps_portal.errors import DomainError
from fps_portal.scoping import get_scoped_or_404, scoped
from fps_portal.web.pages import put_on_form
from referrals.permissions import PLACING


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    url_name: str
    form: type[forms.Form]


SECTIONS = (
    Section("parties", "Parties and purposes", "contracts:agreement-draft", PartiesForm),
    Section(
        "provision",
        "Provision, dates and the provider's contact",
        "contracts:agreement-draft-provision",
        ProvisionForm,
    ),
    Section("costs", "Costs and payments", "contracts:agreement-draft-costs", CostsForm),
    Section("funding", "Funding and documents", "contracts:agreement-draft-funding", FundingForm),
    Section("signatories", "Signatories", "contracts:agreement-draft-signatories", SignatoriesForm),
)
BY_KEY = {section.key: section for section in SECTIONS}


def _make_form(
    section: Section,
    data: Any,
    *,
    terms: Terms,
    agreement: Agreement,
    candidates: list[Any],
) -> forms.Form:
    cls: Any = section.form
    kwargs: dict[str, Any] = {
        "initial": cls.initial_from(terms, signatory_id=agreement.authority_signatory_id)
    }
    if hasattr(cls, "rows_from"):
        kwargs["rows"] = cls.rows_from(terms)
    if section.key == "signatories":
        kwargs["candidates"] = candidates
    form: forms.Form = cls(data, **kwargs)
    return form


def _save(actor: Actor, version: AgreementVersion, section: Section, form: Any) -> None:
    if section.key == "signatories":
        data = form.cleaned_data
        draft_signatories(
            actor=actor,
            version=version,
            authority_signatory_id=data["authority_signatory"],
            authority_position=data["authority_position"],
            provider_name=data["provider_name"],
            provider_position=data["provider_position"],
        )
        return
    draft_update(actor=actor, version=version, terms=form.apply(Terms.from_json(version.terms)))


def _draft_page(request: HttpRequest, actor: Actor, pk: int, key: str) -> HttpResponse:
    section = BY_KEY[key]
    agreement = get_scoped_or_404(
        Agreement, actor, select_related=("order", "authority_signatory"), pk=pk
    )
    version = (
        scoped(AgreementVersion, actor)
        .filter(agreement_id=agreement.pk, state=VersionState.DRAFT)
        .first()
    )
    context: dict[str, Any] = {
        "agreement": agreement,
        "sections": SECTIONS,
        "section": section,
        "version": version,
    }
    if version is None:
        return render(request, f"contracts/draft_{key}.html", context, status=409)
    terms = Terms.from_json(version.terms)
    candidates = list(signatory_candidates(agreement)) if key == "signatories" else []
    posted = request.method == "POST"
    form = _make_form(
        section,
        request.POST if posted else None,
        terms=terms,
        agreement=agreement,
        candidates=candidates,
    )
    status = 200
    prefixes = {r.prefix for r in getattr(form, "row_sets", ())}
    add = request.POST.get("add", "") if posted else ""
    if add in prefixes:
        # "Add another": the same answers with one more blank row, nothing saved or checked yet.
        data = request.POST.copy()
        assert isinstance(form, RowsForm)
        data[f"{add}_rows"] = str(form.row_counts[add] + 1)
        form = _make_form(section, data, terms=terms, agreement=agreement, candidates=candidates)
        assert isinstance(form, RowsForm)
        form.shown_unchecked()
        posted = False
    if posted:
        if form.is_valid():
            try:
                _save(actor, version, section, form)
            except DomainError as exc:
                put_on_form(form, exc)
                status = exc.http_status
            else:
                messages.success(request, f"{section.title}: saved.")
                following = SECTIONS.index(section) + 1
                if request.POST.get("next") and following < len(SECTIONS):
                    return redirect(SECTIONS[following].url_name, agreement.pk)
                return redirect("contracts:agreement", agreement.pk)
        else:
            status = 400
    elif not add:
        agreement_viewed(actor=actor, agreement=agreement, how=f"draft page: {section.title}")
    context |= {"form": form, "terms": terms, "has_next": section != SECTIONS[-1]}
    return render(request, f"contracts/draft_{key}.html", context, status=status)


def _page(key: str) -> Any:
    @page_access(PLACING)
    @require_http_methods(["GET", "POST"])
    def view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
        return _draft_page(request, actor, pk, key)

    view.__name__ = f"draft_{key}"
    view.__qualname__ = f"draft_{key}"
    return view


draft_parties = _page("parties")
draft_provision = _page("provision")
draft_costs = _page("costs")
draft_funding = _page("funding")
draft_signatories_page = _page("signatories")
