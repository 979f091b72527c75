"""A provider's own settings: list, add (pre-filled from GIAS by URN), edit, prices, services.

Recording an inspection judgement is `providers.inspections.views.record`."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from fps_portal.access import PROVIDERS, page_access
from fps_portal.actors import Actor
from fps_portal.errors import DomainError
from fps_portal.once import address_with_new_key, key_in_address
from fps_portal.phones import phone_for_display
from fps_portal.scoping import get_scoped_or_404, scoped
from fps_portal.web.pages import put_on_form
from providers.models import (
    AdditionalService,
    Lot,
    PriceChange,
    PriceChangeState,
    Setting,
    SettingLot,
)
from providers.services.gias import gias_prefill
from providers.services.setting_prices import (
    additional_service_add,
    additional_service_remove,
    setting_set_prices,
)
from providers.services.settings import setting_added_by, setting_create, setting_update
from providers.views.directory.forms import (
    AdditionalServiceForm,
    PricesForm,
    SettingForm,
    UrnLookupForm,
)


def _own_setting(actor: Actor, pk: int) -> Setting:
    """The actor's own setting; another provider's answers 404, like a missing one."""
    return get_scoped_or_404(Setting, actor, pk=pk, provider_id=actor.organisation_id)


@page_access(PROVIDERS)
def setting_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    settings = (
        scoped(Setting, actor)
        .select_related("host_authority")
        .annotate(
            lots_priced=Count("lot_offers", distinct=True),
            lots_approved=Count(
                "lot_offers", filter=Q(lot_offers__approved_at__isnull=False), distinct=True
            ),
            judgement_count=Count("judgements", distinct=True),
        )
        .order_by("name")
    )
    # One query for both lists: the withdrawn are listed apart, under their own heading.
    rows = list(settings)
    return render(
        request,
        "providers/directory/setting_list.html",
        {"settings": rows, "withdrawn": [s for s in rows if s.withdrawn_at]},
    )


@page_access(PROVIDERS)
@require_http_methods(["GET", "POST"])
def setting_create_view(request: HttpRequest, actor: Actor) -> HttpResponse:
    key = key_in_address(request)
    if request.method == "GET" and key is None:
        # The key lives in the address, so Back then Save sends the same one (fps_portal.once).
        return redirect(address_with_new_key(request))
    lookup = UrnLookupForm(request.GET if "urn" in request.GET else None)
    initial: dict[str, object] = {"gender": "mixed", "offers_day": True, "submission_key": key}
    if (
        request.method == "GET"
        and lookup.is_bound
        and lookup.is_valid()
        and lookup.cleaned_data["urn"]
    ):
        try:
            initial.update(gias_prefill(lookup.cleaned_data["urn"]))
        except DomainError as exc:
            put_on_form(lookup, exc)
    form = SettingForm(request.POST or None, initial=initial, setting=None)
    if form.is_bound and (earlier := setting_added_by(actor=actor, submission_key=form.sent_key())):
        # The same form sent again: the form's checks would now refuse the URN the first sending
        # took, so answer as the first sending did (fps_portal.once).
        return redirect("providers:setting-prices", pk=earlier.pk)
    if request.method == "POST" and form.is_valid():
        try:
            setting = setting_create(
                actor=actor,
                data=form.to_data(),
                submission_key=form.cleaned_data.get("submission_key"),
            )
        except DomainError as exc:
            put_on_form(form, exc)
        else:
            messages.success(
                request, f"{setting.name} added. Now set its weekly price for each lot."
            )
            return redirect("providers:setting-prices", pk=setting.pk)
    status = 400 if (form.errors or lookup.errors) else 200
    return render(
        request,
        "providers/directory/setting_form.html",
        {
            "form": form,
            "lookup": lookup,
            "creating": True,
            "prefilled": bool(initial.get("urn")),
            "once_key": key,
        },
        status=status,
    )


@page_access(PROVIDERS)
@require_http_methods(["GET", "POST"])
def setting_edit(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    setting = _own_setting(actor, pk)
    initial = {
        "name": setting.name,
        "urn": setting.urn or "",
        "dfe_number": setting.dfe_number,
        "address": setting.address,
        "town": setting.town,
        "postcode": setting.postcode,
        "host_authority": setting.host_authority_id,
        "age_from": setting.age_from,
        "age_to": setting.age_to,
        "gender": setting.gender,
        "offers_day": setting.offers_day,
        "offers_residential": setting.offers_residential,
        "specialisms": list(setting.specialisms.values_list("pk", flat=True)),
        "primary_needs": list(setting.primary_needs.values_list("pk", flat=True)),
        "capacity": setting.capacity,
        "vacancies": setting.vacancies,
        "phone": phone_for_display(setting.phone),
        "email": setting.email,
        "website": setting.website,
        "public_summary": setting.public_summary,
    }
    form = SettingForm(request.POST or None, initial=initial, setting=setting)
    if request.method == "POST" and form.is_valid():
        try:
            setting_update(actor=actor, setting=setting, data=form.to_data())
        except DomainError as exc:
            put_on_form(form, exc)
        else:
            messages.success(request, f"{setting.name} updated.")
            return redirect("providers:setting-detail", pk=setting.pk)
    return render(
        request,
        "providers/directory/setting_form.html",
        {"form": form, "setting": setting, "creating": False},
        status=400 if form.errors else 200,
    )


def _offers_and_pending(
    actor: Actor, setting: Setting
) -> tuple[dict[int, SettingLot], dict[int, PriceChange]]:
    """The setting's offers and its changes waiting for the lead authority, by lot id."""
    offers = {o.lot_id: o for o in scoped(SettingLot, actor).filter(setting=setting)}
    pending = {
        c.offer.lot_id: c
        for c in scoped(PriceChange, actor)
        .filter(offer__setting=setting, state=PriceChangeState.PENDING)
        .select_related("offer")
    }
    return offers, pending


def _saved_message(actor: Actor, setting: Setting) -> str:
    if (
        scoped(PriceChange, actor)
        .filter(offer__setting=setting, state=PriceChangeState.PENDING)
        .exists()
    ):
        return (
            "Prices saved. A change to an approved price goes live when the lead authority "
            "accepts it; until then commissioners see the approved price."
        )
    return "Prices saved."


@page_access(PROVIDERS)
@require_http_methods(["GET", "POST"])
def setting_prices(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    setting = _own_setting(actor, pk)
    lots = list(
        scoped(Lot, actor).select_related("purchasing_system").order_by("display_order", "code")
    )
    offers, pending = _offers_and_pending(actor, setting)
    form = PricesForm(
        request.POST or None, setting=setting, lots=lots, offers=offers, pending=pending
    )
    service_form = AdditionalServiceForm(prefix="service")
    # The form has checked every lot already; the service checks again under the setting's lock
    # and writes every lot in one transaction, so a refusal leaves all of them as they were.
    if request.method == "POST" and form.is_valid():
        try:
            setting_set_prices(
                actor=actor,
                setting=setting,
                prices=form.prices(),
                change_reason=form.cleaned_data.get("change_reason") or "",
            )
        except DomainError as exc:
            put_on_form(form, exc)
        else:
            messages.success(request, _saved_message(actor, setting))
            return redirect("providers:setting-prices", pk=setting.pk)
    return render(
        request,
        "providers/directory/setting_prices.html",
        {
            "setting": setting,
            "form": form,
            "offers": offers,
            "pending": pending,
            "service_form": service_form,
            "services": scoped(AdditionalService, actor).filter(setting=setting),
        },
        status=400 if form.errors else 200,
    )


@page_access(PROVIDERS)
@require_POST
def service_add(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    setting = _own_setting(actor, pk)
    form = AdditionalServiceForm(request.POST, prefix="service")
    if form.is_valid():
        try:
            additional_service_add(actor=actor, setting=setting, **form.cleaned_data)
        except DomainError as exc:
            put_on_form(form, exc)
        else:
            messages.success(request, f"{form.cleaned_data['name']} added.")
            return redirect("providers:setting-prices", pk=setting.pk)
    lots = list(scoped(Lot, actor).order_by("display_order", "code"))
    offers, pending = _offers_and_pending(actor, setting)
    return render(
        request,
        "providers/directory/setting_prices.html",
        {
            "setting": setting,
            "form": PricesForm(setting=setting, lots=lots, offers=offers, pending=pending),
            "offers": offers,
            "pending": pending,
            "service_form": form,
            "services": scoped(AdditionalService, actor).filter(setting=setting),
        },
        status=400,
    )


@page_access(PROVIDERS)
@require_POST
def service_remove(request: HttpRequest, actor: Actor, pk: int, service_pk: int) -> HttpResponse:
    setting = _own_setting(actor, pk)
    service = get_scoped_or_404(AdditionalService, actor, pk=service_pk, setting=setting)
    additional_service_remove(actor=actor, service=service)
    messages.success(request, f"{service.name} removed.")
    return redirect("providers:setting-prices", pk=setting.pk)
