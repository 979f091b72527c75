"""What providers are told about windows: when one opens or closes, and which comes next.

Apart from `services/windows.py` because applications and outcomes tell providers about the next
window too, and window closing starts evaluation: with the messages here, `windows` ->
`evaluation` -> `outcomes` -> `window_messages` has no cycle.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from fps_portal.dates import govuk_datetime
from providers.models import EvaluationWindow, PurchasingSystem, WindowState


def window_time(moment: datetime.datetime) -> str:
    """A window's time as providers read it: "1 March 2027 at 9am", in UK time."""
    return govuk_datetime(moment)


def window_next_opening(
    *, system: PurchasingSystem, now: datetime.datetime | None = None
) -> EvaluationWindow | None:
    """The window open for applications now, else the next scheduled one; None when neither.

    A scheduled window whose opening time has passed counts: beat opens it within the minute.
    """
    now = now or timezone.now()
    return (
        EvaluationWindow.objects.filter(
            purchasing_system=system,
            state__in=[WindowState.OPEN, WindowState.SCHEDULED],
            closes_at__gt=now,
        )
        .order_by("opens_at", "pk")
        .first()
    )


def next_window_message(*, system: PurchasingSystem, now: datetime.datetime | None = None) -> str:
    if not system.admits_by_windows:
        return (
            "This purchasing system admits providers on a rolling basis: you can apply at any time."
        )
    now = now or timezone.now()
    upcoming = window_next_opening(system=system, now=now)
    if upcoming is None:
        return (
            "No window is open and the next one has not been scheduled yet. We will tell you "
            "when it is."
        )
    if upcoming.state == WindowState.OPEN or upcoming.opens_at <= now:
        return f"{upcoming.name} is open for applications until {window_time(upcoming.closes_at)}."
    return f"The next window, {upcoming.name}, opens on {window_time(upcoming.opens_at)}."
