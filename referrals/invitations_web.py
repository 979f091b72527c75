"""The provider's navigation item for the referrals it is invited to (imported by the app's
`ready`, as `providers/onboarding_web.py` is)."""

from fps_portal.context_processors import register_nav

register_nav(
    "Invitations",
    "referrals:invitation-list",
    lambda actor: actor is not None and actor.is_provider,
)
