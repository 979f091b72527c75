"""The authority administrator's pages for API clients: register one, see its credential once,
rotate and revoke it. The credential travels from the POST to the page that shows it in the
session, and that page removes it as it shows it (Post/Redirect/Get, and a reload shows it no
more)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from fps_portal.accounts.models import ApiClient
from fps_portal.accounts.services.api_clients import (
    IssuedCredential,
    api_client_create,
    api_client_revoke,
    api_client_rotate,
)
from fps_portal.actors import Actor
from fps_portal.errors import DomainError
from fps_portal.scoping import get_scoped_or_404, scoped
from fps_portal.web.people import FORM, admin_only, posted, show_error
from fps_portal.web.people_forms import ApiClientForm
from fps_portal.web.reasons import ReasonForm

_SHOW_ONCE_KEY = "fps_api_credential_once"


def _client(actor: Actor, pk: int) -> ApiClient:
    return get_scoped_or_404(ApiClient, actor, pk=pk, select_related=["membership", "created_by"])


def _show_once(request: HttpRequest, issued: IssuedCredential) -> HttpResponse:
    if issued.credential:
        request.session[_SHOW_ONCE_KEY] = {
            "client": issued.client.pk,
            "credential": issued.credential,
        }
    return redirect("api-client-credential", pk=issued.client.pk)


@admin_only
@require_http_methods(["GET"])
def api_client_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    clients = scoped(ApiClient, actor).select_related("membership").order_by("name", "pk")
    return render(request, "portal/api_clients/list.html", {"clients": clients})


@admin_only
@require_http_methods(["GET", "POST"])
def api_client_new(request: HttpRequest, actor: Actor) -> HttpResponse:
    form = ApiClientForm(posted(request), organisation=actor.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            issued = api_client_create(actor=actor, **form.cleaned_data)
        except DomainError as error:
            show_error(form, error)
        else:
            return _show_once(request, issued)
    return render(
        request,
        FORM,
        {
            "form": form,
            "title": "Register an API client",
            "intro": "Another system (your case management system, say) uses the API with a "
            "credential you give it. You see the credential once, when it is made.",
            "submit_label": "Register and show the credential",
            "back_url": "/account/api-clients/",
        },
        status=400 if form.errors else 200,
    )


@admin_only
@require_http_methods(["GET"])
def api_client_detail(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    return render(request, "portal/api_clients/detail.html", {"client": _client(actor, pk)})


@admin_only
@require_http_methods(["GET"])
def api_client_credential(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    client = _client(actor, pk)
    once = request.session.get(_SHOW_ONCE_KEY)
    credential = ""
    if isinstance(once, dict) and once.get("client") == client.pk:
        credential = str(once.get("credential", ""))
        del request.session[_SHOW_ONCE_KEY]
    return render(
        request,
        "portal/api_clients/credential.html",
        {"client": client, "credential": credential},
    )


def _reason_page(
    request: HttpRequest, form: ReasonForm, client: ApiClient, *, title: str, intro: str, label: str
) -> HttpResponse:
    return render(
        request,
        FORM,
        {
            "form": form,
            "title": title,
            "intro": intro,
            "submit_label": label,
            "submit_class": "govuk-button--warning",
            "back_url": f"/account/api-clients/{client.pk}/",
        },
        status=400 if form.errors else 200,
    )


@admin_only
@require_http_methods(["GET", "POST"])
def api_client_rotate_page(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    client = _client(actor, pk)
    form = ReasonForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            issued = api_client_rotate(
                actor=actor, client=client, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            show_error(form, error)
        else:
            return _show_once(request, issued)
    return _reason_page(
        request,
        form,
        client,
        title=f"Rotate the credential of {client.name}",
        intro="The system gets a new credential; the old one stops working at once.",
        label="Rotate and show the new credential",
    )


@admin_only
@require_http_methods(["GET", "POST"])
def api_client_revoke_page(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    client = _client(actor, pk)
    form = ReasonForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            api_client_revoke(actor=actor, client=client, reason=form.cleaned_data["reason"])
        except DomainError as error:
            show_error(form, error)
        else:
            messages.success(request, f"{client.name} can no longer use the API.")
            return redirect("api-client-detail", pk=client.pk)
    return _reason_page(
        request,
        form,
        client,
        title=f"Revoke {client.name}",
        intro="The system can no longer use the API. This cannot be undone; register a new "
        "client if it needs access again.",
        label="Revoke",
    )
