"""Who sees improvement plans, their actions and history: the owning authority's QA officers,
commissioners and senior managers (`PLAN_READING_ROLES`), and the provider whose setting the
plan is about. Another authority, the lead authority as such, forums and the public see nothing
(fail closed). A plan holds no child: its sign-off origin names the award, whose referral only
the authority's own pages open."""

from __future__ import annotations

from django.db.models import QuerySet

from fps_portal.actors import Actor
from fps_portal.scoping import register_scope
from quality.models import ImprovementAction, ImprovementEvent, ImprovementPlan
from quality.plan_permissions import reads_plans_for_authority


def _plan_filter(actor: Actor, prefix: str) -> dict[str, int] | None:
    if actor.organisation_id is None:
        return None
    if reads_plans_for_authority(actor):
        return {f"{prefix}authority_id": actor.organisation_id}
    if actor.is_provider:
        return {f"{prefix}setting__provider_id": actor.organisation_id}
    return None


@register_scope(ImprovementPlan)
def _plans(qs: QuerySet[ImprovementPlan], actor: Actor) -> QuerySet[ImprovementPlan]:
    found = _plan_filter(actor, "")
    return qs.filter(**found) if found is not None else qs.none()


@register_scope(ImprovementAction)
def _actions(qs: QuerySet[ImprovementAction], actor: Actor) -> QuerySet[ImprovementAction]:
    found = _plan_filter(actor, "plan__")
    return qs.filter(**found) if found is not None else qs.none()


@register_scope(ImprovementEvent)
def _events(qs: QuerySet[ImprovementEvent], actor: Actor) -> QuerySet[ImprovementEvent]:
    found = _plan_filter(actor, "plan__")
    return qs.filter(**found) if found is not None else qs.none()
