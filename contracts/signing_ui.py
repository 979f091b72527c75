"""The navigation entry and dashboard panels of signing IPAs (imported from the app's ready()).
Counts are the selector's (`signing_counts`), one query a panel."""

from __future__ import annotations

from django.urls import reverse

from contracts.selectors.signing import signing_counts
from fps_portal.accounts.models import Role
from fps_portal.actors import Actor
from fps_portal.context_processors import register_nav
from fps_portal.web.dashboard import Panel, QueueItem, register_panel
from referrals.scope_rules import places_children

register_nav(
    "Agreements",
    "contracts:agreements-waiting",
    lambda actor: actor is not None and (places_children(actor) or actor.is_provider),
)


@register_panel(roles={Role.COMMISSIONER, Role.SENIOR_MANAGER}, order=30)
def agreements_to_complete_panel(actor: Actor) -> Panel | None:
    if not places_children(actor):
        return None
    counts = signing_counts(actor)
    url = reverse("contracts:agreements-waiting")
    return Panel(
        title="Agreements to complete or countersign",
        items=[
            QueueItem(
                "Draft agreements to complete and issue",
                counts.to_complete,
                url,
                "Awarded placements whose Individual Placement Agreement is still a draft.",
            ),
            QueueItem(
                "Agreements waiting for your countersignature",
                counts.to_countersign,
                url,
                "Signed by the provider; you are the authority's named signatory.",
            ),
        ],
    )


@register_panel(roles={Role.PROVIDER_USER}, order=30)
def agreements_to_sign_panel(actor: Actor) -> Panel | None:
    if not actor.is_provider:
        return None
    counts = signing_counts(actor)
    return Panel(
        title="Agreements to sign",
        items=[
            QueueItem(
                "Individual Placement Agreements waiting for your signature",
                counts.to_sign,
                reverse("contracts:agreements-waiting"),
            )
        ],
    )
