"""`{% agreement_signing_panel view as panel %}`: the signing panel for the actor reading the
agreement page (contracts.views.signing_panel), from what the page already read."""

from __future__ import annotations

from typing import Any

from django import template

from contracts.selectors.agreements import AgreementView
from contracts.views.signing_panel import SigningPanel, signing_panel
from fps_portal.actors import actor_of

register = template.Library()


@register.simple_tag(takes_context=True)
def agreement_signing_panel(context: dict[str, Any], view: AgreementView) -> SigningPanel:
    request = context.get("request")
    return signing_panel(actor_of(request) if request is not None else None, view)
