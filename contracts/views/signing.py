"""Issuing, signing, countersigning and withdrawing a version of an IPA, and the queue of
agreements waiting for the actor. The pages call `contracts.services.versions`; a signature
carries the SHA-256 of the exact version the page showed, so a page left open while the version
changed is refused (409, "the version has changed")."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from contracts.models import Agreement, AgreementVersion, Party, VersionState
from contracts.permissions import AGREEMENT_PARTIES
from contracts.selectors.signing import versions_waiting
from contracts.services.reading import agreement_viewed
from contracts.services.signing_rules import is_authority_party, signing_turn
from contracts.services.versions import (
    version_issue,
    version_sign,
    version_withdraw,
)
from contracts.terms import VARIATION_TEMPLATE, Terms, problems
from contracts.views.signing_forms import SignForm, WithdrawForm
from contracts.views.signing_panel import missing_items
from fps_portal.access import page_access
from fps_portal.actors import Actor
from fps_portal.errors import DomainError, WrongState
from fps_portal.scoping import get_scoped_or_404, scoped
from fps_portal.web.pages import put_on_form
from referrals.permissions import PLACING

AGREEMENT_JOINS = ("order", "authority", "provider", "authority_signatory")


def _agreement(actor: Actor, pk: int) -> Agreement:
    return get_scoped_or_404(Agreement, actor, select_related=AGREEMENT_JOINS, pk=pk)


def _open_version(actor: Actor, agreement: Agreement, state: str) -> AgreementVersion | None:
    return scoped(AgreementVersion, actor).filter(agreement_id=agreement.pk, state=state).first()


@page_access(PLACING)
@require_http_methods(["GET", "POST"])
def agreement_issue(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    agreement = _agreement(actor, pk)
    version = _open_version(actor, agreement, VersionState.DRAFT)
    status = 200
    error = ""
    if version is None:
        status, error = 409, "There is no draft to issue: the agreement has been issued."
    missing = (
        missing_items(agreement, problems(Terms.from_json(version.terms)))
        if version is not None
        else []
    )
    if request.method == "POST" and version is not None:
        try:
            version_issue(actor=actor, version=version)
        except DomainError as exc:
            status, error = exc.http_status, exc.message
        else:
            messages.success(
                request, f"Version {version.number} is issued to the provider to sign."
            )
            return redirect("contracts:agreement", agreement.pk)
    return render(
        request,
        "contracts/issue.html",
        {"agreement": agreement, "version": version, "missing": missing, "error": error},
        status=status,
    )


def _awaiting(actor: Actor, agreement: Agreement) -> tuple[AgreementVersion | None, str]:
    """The version waiting for this actor's signature (`signing_turn`, the service's rule), or
    why there is none."""
    turn = signing_turn(actor, agreement)
    if turn.refusal:
        signatory = agreement.authority_signatory
        if turn.party == "" and signatory is not None and is_authority_party(actor, agreement):
            return None, f"Only {signatory.full_name} can countersign this agreement."
        return None, turn.refusal
    version = _open_version(actor, agreement, turn.awaits)
    if version is not None:
        return version, ""
    if turn.party == Party.PROVIDER:
        return None, "No version of this agreement is waiting for you."
    return None, "No version is waiting for your countersignature."


@page_access(AGREEMENT_PARTIES)
@require_http_methods(["GET", "POST"])
def agreement_sign(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    agreement = _agreement(actor, pk)
    version, why_not = _awaiting(actor, agreement)
    posted = request.method == "POST"
    initial: dict[str, Any] = {}
    if version is not None:
        initial = {"version": version.number, "content_sha256": version.content_sha256}
    form = SignForm(request.POST if posted else None, initial=initial)
    status = 200
    if posted:
        if not form.is_valid():
            status = 400
        else:
            data = form.cleaned_data
            try:
                signed = (
                    scoped(AgreementVersion, actor)
                    .filter(agreement_id=agreement.pk, number=data["version"])
                    .first()
                )
                if signed is None:
                    raise WrongState("The version has changed: read the agreement again.")
                version_sign(
                    actor=actor,
                    version=signed,
                    content_sha256=data["content_sha256"],
                    name=data["name"],
                    position=data["position"],
                )
            except DomainError as exc:
                status = exc.http_status
                # A stale page comes back with the version now waiting and its own hash.
                version, why_not = _awaiting(actor, agreement)
                if version is not None:
                    fresh = request.POST.copy()
                    fresh["version"] = str(version.number)
                    fresh["content_sha256"] = version.content_sha256
                    form = SignForm(fresh)
                    form.is_valid()
                put_on_form(form, exc)
            else:
                messages.success(request, f"You signed version {signed.number}.")
                return redirect("contracts:agreement", agreement.pk)
    terms = Terms.from_json(version.terms) if version is not None else None
    if version is not None:
        agreement_viewed(actor=actor, agreement=agreement, how="signing page")
    return render(
        request,
        "contracts/sign.html",
        {
            "agreement": agreement,
            "version": version,
            "terms": terms,
            "why_not": why_not,
            "form": form,
            "countersign": is_authority_party(actor, agreement),
            "variation_template": VARIATION_TEMPLATE,
        },
        status=status,
    )


@page_access(PLACING)
@require_http_methods(["GET", "POST"])
def version_withdraw_page(request: HttpRequest, actor: Actor, pk: int, number: int) -> HttpResponse:
    agreement = _agreement(actor, pk)
    version = get_scoped_or_404(AgreementVersion, actor, agreement_id=agreement.pk, number=number)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if not form.is_valid():
            status = 400
        else:
            try:
                version_withdraw(actor=actor, version=version, reason=form.cleaned_data["reason"])
            except DomainError as exc:
                put_on_form(form, exc)
                status = exc.http_status
            else:
                messages.success(request, f"Version {version.number} is withdrawn.")
                return redirect("contracts:agreement", agreement.pk)
    return render(
        request,
        "contracts/withdraw.html",
        {
            "agreement": agreement,
            "version": version,
            "form": form,
            "open": version.state in {VersionState.ISSUED, VersionState.PROVIDER_SIGNED},
        },
        status=status,
    )


@page_access(AGREEMENT_PARTIES)
def agreements_waiting(request: HttpRequest, actor: Actor) -> HttpResponse:
    return render(
        request,
        "contracts/waiting.html",
        {"versions": versions_waiting(actor), "provider": actor.is_provider},
    )
