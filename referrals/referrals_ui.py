"""Navigation entries and dashboard panels of referrals and their routes (imported from the
app's ready()). The counts are the selectors' (`placing_counts`), one query a panel."""

from __future__ import annotations

from django.urls import reverse

from fps_portal.accounts.models import Role
from fps_portal.actors import Actor
from fps_portal.context_processors import register_nav
from fps_portal.web.dashboard import Panel, QueueItem, register_panel
from referrals.models import ReferralState
from referrals.permissions import is_senior_manager
from referrals.scope_rules import places_children
from referrals.selectors.referrals import placing_counts

register_nav(
    "Referrals",
    "referrals:referral-list",
    lambda actor: actor is not None and places_children(actor),
)
register_nav(
    "Authorisations",
    "referrals:authorisation-list",
    lambda actor: actor is not None and is_senior_manager(actor),
)
# Awards above the authority's threshold, and risk sign-offs, wait here for a senior manager.
register_nav(
    "Awards to decide",
    "referrals:award-approvals",
    lambda actor: actor is not None and is_senior_manager(actor),
)


@register_panel(roles={Role.COMMISSIONER, Role.SENIOR_MANAGER}, order=20)
def referrals_panel(actor: Actor) -> Panel:
    counts = placing_counts(actor)
    url = reverse("referrals:referral-list")
    awaiting_url = (
        reverse("referrals:authorisation-list")
        if is_senior_manager(actor)
        else f"{url}?state={ReferralState.AWAITING_AUTHORISATION}"
    )
    return Panel(
        title="Referrals",
        items=[
            QueueItem(
                "Responses to evaluate",
                counts.to_evaluate,
                f"{url}?state={ReferralState.CLOSED}",
                "Competitions closed: their responses are open.",
            ),
            QueueItem("Deadlines today", counts.deadlines_today, f"{url}?deadline=today"),
            QueueItem(
                "Direct awards and spot purchases awaiting authorisation",
                counts.awaiting_authorisation,
                awaiting_url,
            ),
            QueueItem(
                "Direct award reviews due",
                counts.reviews_due,
                f"{url}?route=direct_award",
                "The review date has come: the order may be opened to competition.",
            ),
        ],
    )
