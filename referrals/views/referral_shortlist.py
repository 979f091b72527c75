"""The preselected competition's shortlist page: settings chosen from the find-a-setting search
(its filters saved with the referral), each with the grounds for choosing it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from fps_portal.access import page_access
from fps_portal.actors import Actor
from fps_portal.errors import DomainError
from fps_portal.scoping import scoped
from providers.postcodes import POSTCODE_ATTRIBUTION
from providers.selectors.search.run import run_search
from referrals.models import (
    PreselectionGround,
    Referral,
    ReferralState,
    Route,
    ShortlistEntry,
)
from referrals.permissions import PLACING
from referrals.services.shortlist import NOT_FILTERS, ShortlistChoice, shortlist_save
from referrals.views.referrals import form_status, placing_referral

# -- the shortlist ------------------------------------------------------------------------


class ShortlistForm(forms.Form):
    """A choose box, grounds and words for each setting shown."""

    def __init__(self, *args: Any, setting_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for pk in setting_ids:
            self.fields[f"choose_{pk}"] = forms.BooleanField(
                label="Invite this setting", required=False
            )
            self.fields[f"grounds_{pk}"] = forms.MultipleChoiceField(
                label="Grounds for choosing it",
                choices=PreselectionGround.choices,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
            self.fields[f"note_{pk}"] = forms.CharField(
                label="In your own words", required=False, max_length=2000
            )

    def choices(self, setting_ids: list[int]) -> list[ShortlistChoice]:
        data = self.cleaned_data
        return [
            ShortlistChoice(
                setting_id=pk,
                grounds=tuple(data.get(f"grounds_{pk}") or ()),
                note=data.get(f"note_{pk}") or "",
            )
            for pk in setting_ids
            if data.get(f"choose_{pk}")
        ]


def _search_params(request: HttpRequest, referral: Referral) -> QueryDict:
    if request.method == "POST":
        params = QueryDict(request.POST.get("search", ""), mutable=True)
    elif request.GET:
        params = request.GET.copy()
    else:
        params = QueryDict(mutable=True)
        params.update(referral.search_filters or {"lot": referral.lot.code})
    return params


@page_access(PLACING)
@require_http_methods(["GET", "POST"])
def referral_shortlist_page(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    referral = placing_referral(actor, pk)
    if referral.route != Route.PRESELECTED_COMPETITION:
        return render(
            request,
            "referrals/referrals/refused.html",
            {
                "referral": referral,
                "message": "Only a preselected competition has a shortlist: change the route "
                "on the referral's details to build one.",
            },
            status=409 if request.method == "POST" else 200,
        )
    params = _search_params(request, referral)
    try:
        outcome = run_search(actor, params, facets=False)
    except DomainError:
        params = QueryDict(mutable=True)
        outcome = run_search(actor, params, facets=False)
    entries = list(
        scoped(ShortlistEntry, actor).filter(referral=referral).select_related("setting__provider")
    )
    on_list = {e.setting_id: e for e in entries}
    found = list(outcome.page.rows) if outcome.page is not None else []
    settings_shown = [e.setting for e in entries] + [s for s in found if s.pk not in on_list]
    ids = [s.pk for s in settings_shown]
    initial: dict[str, Any] = {}
    for entry in entries:
        initial[f"choose_{entry.setting_id}"] = True
        initial[f"grounds_{entry.setting_id}"] = entry.grounds
        initial[f"note_{entry.setting_id}"] = entry.grounds_note
    form = ShortlistForm(
        request.POST if request.method == "POST" else None, setting_ids=ids, initial=initial
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            shortlist_save(
                actor=actor,
                referral=referral,
                search_filters={k: v for k, v in params.items() if k not in NOT_FILTERS},
                choices=form.choices(ids),
            )
        except DomainError as exc:
            for name, texts in exc.fields.items():
                target = name if name in form.fields else None
                if name.startswith("setting_"):
                    target = f"choose_{name.removeprefix('setting_')}"
                for text in texts:
                    form.add_error(target if target in form.fields else None, text)
            status = exc.http_status
        else:
            messages.success(request, "Shortlist saved, with the search it came from.")
            return redirect("referrals:referral-detail", pk=referral.pk)
    rows = [
        {
            "setting": s,
            "on_list": s.pk in on_list,
            "choose": form[f"choose_{s.pk}"],
            "grounds": form[f"grounds_{s.pk}"],
            "note": form[f"note_{s.pk}"],
        }
        for s in settings_shown
    ]
    query = params.copy()
    for name in NOT_FILTERS:
        query.pop(name, None)
    return render(
        request,
        "referrals/referrals/shortlist.html",
        {
            "referral": referral,
            "search_form": outcome.form,
            "form": form,
            "rows": rows,
            "search": query.urlencode(),
            "attribution": POSTCODE_ATTRIBUTION,
            "editable": referral.state in (ReferralState.DRAFT, ReferralState.RETURNED),
        },
        status=form_status(form, status),
    )
