"""The provider's navigation item (the referrals it is invited to) and its dashboard panel of
invitations awaiting its answer (imported by the app's `ready`, as `providers/onboarding_web.py`
is)."""

from __future__ import annotations

from django.urls import reverse

from fps_portal.accounts.models import Role
from fps_portal.actors import Actor
from fps_portal.context_processors import register_nav
from fps_portal.dates import govuk_datetime
from fps_portal.web.dashboard import Panel, QueueItem, register_panel
from referrals.selectors.invitations import awaiting_response

register_nav(
    "Invitations",
    "referrals:invitation-list",
    lambda actor: actor is not None and actor.is_provider,
)
# The provider's "Placements" entry is the contracts app's placements list, which links to the
# awarded referrals and outcome letters (referrals:awarded-placement-list).


@register_panel(roles={Role.PROVIDER_USER}, order=20)
def invitations_panel(actor: Actor) -> Panel:
    queue = awaiting_response(actor)
    url = reverse("referrals:invitation-list")
    nearest = (
        f"The nearest deadline is {govuk_datetime(queue.nearest_deadline)}."
        if queue.nearest_deadline is not None
        else ""
    )
    return Panel(
        title="Referrals you are invited to",
        items=[
            QueueItem("Invitations awaiting your response", queue.invitations, url, nearest),
            QueueItem(
                "Responses in draft",
                queue.drafts,
                url,
                "A draft is not part of your bid until you submit it, before the deadline.",
            ),
        ],
    )
