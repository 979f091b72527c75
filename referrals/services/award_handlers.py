"""What happens to a complete award outside this app: each handler named in
`settings.AWARD_COMPLETED_HANDLERS` runs inside the award's transaction (ADR 0017).

`referrals` sits below `contracts` and may not import it, yet an award must never stand without
its Order. A Django signal would hide who acts on an award; a setting names them, in one place,
and they run in order in the same transaction, so a handler that fails rolls the award back."""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

from fps_portal.actors import Actor
from referrals.models import Award


def award_completed(*, award: Award, actor: Actor) -> None:
    for path in settings.AWARD_COMPLETED_HANDLERS:
        import_string(path)(award=award, actor=actor)
