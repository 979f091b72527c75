"""The authority administrator's page for its placement rules (`AuthorityPlacementRules`): the
response deadlines, the reminder, the award approval threshold and the reference prefix."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from fps_portal.access import page_access
from fps_portal.actors import Actor
from fps_portal.errors import DomainError
from fps_portal.web.pages import put_on_form
from referrals.permissions import PLACEMENT_RULES_ADMINS
from referrals.selectors.placement_rules import placement_rules_of
from referrals.services.placement_rules import RULE_FIELDS, placement_rules_save
from referrals.views.children_forms import PlacementRulesForm, posted


@page_access(PLACEMENT_RULES_ADMINS)
@require_http_methods(["GET", "POST"])
def placement_rules(request: HttpRequest, actor: Actor) -> HttpResponse:
    rules = placement_rules_of(actor)
    form = PlacementRulesForm(
        posted(request), initial={name: getattr(rules, name) for name in RULE_FIELDS}
    )
    if request.method == "POST" and form.is_valid():
        try:
            placement_rules_save(actor=actor, **form.cleaned_data)
        except DomainError as exc:
            put_on_form(form, exc)
        else:
            messages.success(request, "Your authority's placement rules are saved.")
            return redirect("referrals:placement-rules")
    return render(
        request,
        "providers/onboarding/form.html",
        {
            "form": form,
            "title": "Placement rules",
            "caption": str(actor.organisation),
            "intro": "The defaults of your authority's referrals. A change applies to referrals "
            "published after it; deadlines already given to providers stay as they were.",
            "submit_label": "Save rules",
        },
        status=400 if form.errors else 200,
    )
