"""Navigation entry of the regional uplifts (imported from the app's ready()): for providers,
who apply them to their agreements, and the lead authority's evaluators, who publish them.
Authority staff reach the list from an agreement's variations too."""

from __future__ import annotations

from fps_portal.actors import Actor
from fps_portal.context_processors import register_nav


def _uplift_users(actor: Actor | None) -> bool:
    return actor is not None and (actor.is_provider or actor.is_lead_evaluator)


register_nav("Regional uplifts", "contracts:regional-uplifts", _uplift_users)
