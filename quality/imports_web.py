"""The lead evaluators' menu entry for Ofsted imports (loaded by the app's ready())."""

from __future__ import annotations

from fps_portal.context_processors import register_nav

register_nav(
    "Ofsted imports",
    "quality:import-list",
    lambda actor: actor is not None and actor.is_lead_evaluator,
)
