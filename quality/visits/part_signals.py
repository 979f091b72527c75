"""What the other parts of quality tell the visit programme (`quality.visits.risk`): counts per
setting, each in one query for all the settings at once. They live here, beside the programme,
rather than in the parts' selectors, because the selectors read the programme (a cycle
otherwise); the parts' selectors import `overdue_q` from here.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, IntegerField, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from fps_portal.accounts.models import Organisation
from fps_portal.scoping import dangerously_unscoped
from providers.models import Setting
from quality.models import ActionState, Concern, ConcernState, ImprovementAction


def overdue_q(prefix: str = "") -> Q:
    return Q(
        **{
            f"{prefix}state": ActionState.OPEN,
            f"{prefix}due_on__lt": timezone.localdate(),
        }
    )


def overdue_actions_by_setting(
    authority: Organisation | int, setting_ids: Iterable[int]
) -> dict[int, int]:
    """setting id -> how many open actions of the authority's plans about it are past their
    due date (settings with none are left out), in one query: the visit programme ranks
    settings by it. Reads counts only, so it takes the authority, not an actor."""
    authority_id = authority if isinstance(authority, int) else authority.pk
    rows = (
        dangerously_unscoped(ImprovementAction)
        .filter(
            overdue_q(), plan__authority_id=authority_id, plan__setting_id__in=list(setting_ids)
        )
        .values("plan__setting_id")
        .annotate(overdue=Count("id"))
        .values_list("plan__setting_id", "overdue")
    )
    return {setting_id: count for setting_id, count in rows}


def open_concerns_by_setting(
    authority: Organisation | int, setting_ids: Iterable[int]
) -> dict[int, tuple[int, int]]:
    """setting id -> (open concerns, highest stage among them), for the authority's visit
    programme: its own concerns about the setting, and about the setting's provider as a whole
    (no setting named), which weigh on each of its settings. Settings without an open concern
    are left out. One query (two correlated subqueries on the settings)."""
    authority_id = authority if isinstance(authority, int) else authority.pk
    ids = list(setting_ids)
    if not ids:
        return {}
    # The authority's own rows, read for a ranking the caller scoped already (its own settings).
    open_rows = dangerously_unscoped(Concern).filter(
        Q(setting_id=OuterRef("pk")) | Q(setting__isnull=True, provider_id=OuterRef("provider_id")),
        authority_id=authority_id,
        state=ConcernState.OPEN,
    )

    def per_setting(aggregate: Count | Max) -> Coalesce:
        grouped = open_rows.order_by().values("authority_id").annotate(v=aggregate).values("v")[:1]
        return Coalesce(Subquery(grouped, output_field=IntegerField()), 0)

    rows = (
        dangerously_unscoped(Setting)
        .filter(pk__in=ids)
        .annotate(open_count=per_setting(Count("pk")), top_stage=per_setting(Max("stage")))
        .filter(open_count__gt=0)
        .values_list("pk", "open_count", "top_stage")
    )
    return {pk: (count, top) for pk, count, top in rows}
