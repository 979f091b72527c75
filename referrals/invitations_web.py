"""The provider's navigation items: the referrals it is invited to and the placements it won
(imported by the app's `ready`, as `providers/onboarding_web.py` is)."""

from fps_portal.context_processors import register_nav

register_nav(
    "Invitations",
    "referrals:invitation-list",
    lambda actor: actor is not None and actor.is_provider,
)
register_nav(
    "Placements",
    "referrals:awarded-placement-list",
    lambda actor: actor is not None and actor.is_provider,
)
