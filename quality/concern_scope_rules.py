"""Who sees concerns (quality.models.concerns).

- The placing authority that raised a concern: its commissioners, QA officers and senior
  managers (`quality.concern_permissions.handles_concerns`) see every concern of their own
  authority, and nothing of another's (404).
- The provider it is about: from stage 2, where its equivalent is engaged (seed 002, Stage 2),
  and never the authority's safeguarding advice or flags (`INTERNAL_ENTRY_KINDS`). Never another
  provider's. The child's identity only through its own placement's agreement (the pages read
  it there), never a stage 1 concern.
- Everyone else (the lead authority's evaluators as such, forums, administrators, the public):
  nothing.
"""

from __future__ import annotations

from django.db.models import QuerySet

from fps_portal.actors import Actor
from fps_portal.scoping import register_scope
from quality.concern_permissions import handles_concerns
from quality.models import (
    INTERNAL_ENTRY_KINDS,
    PROVIDER_SEES_FROM_STAGE,
    Concern,
    ConcernEntry,
    ConcernLetter,
    ConcernStage,
)


@register_scope(Concern)
def _concerns(qs: QuerySet[Concern], actor: Actor) -> QuerySet[Concern]:
    if handles_concerns(actor):
        return qs.filter(authority_id=actor.organisation_id)
    if actor.is_provider:
        return qs.filter(provider_id=actor.organisation_id, stage__gte=PROVIDER_SEES_FROM_STAGE)
    return qs.none()


@register_scope(ConcernStage)
def _stages(qs: QuerySet[ConcernStage], actor: Actor) -> QuerySet[ConcernStage]:
    if handles_concerns(actor):
        return qs.filter(concern__authority_id=actor.organisation_id)
    if actor.is_provider:
        return qs.filter(
            concern__provider_id=actor.organisation_id,
            concern__stage__gte=PROVIDER_SEES_FROM_STAGE,
        )
    return qs.none()


@register_scope(ConcernEntry)
def _entries(qs: QuerySet[ConcernEntry], actor: Actor) -> QuerySet[ConcernEntry]:
    if handles_concerns(actor):
        return qs.filter(concern__authority_id=actor.organisation_id)
    if actor.is_provider:
        return qs.filter(
            concern__provider_id=actor.organisation_id,
            concern__stage__gte=PROVIDER_SEES_FROM_STAGE,
        ).exclude(kind__in=INTERNAL_ENTRY_KINDS)
    return qs.none()


@register_scope(ConcernLetter)
def _letters(qs: QuerySet[ConcernLetter], actor: Actor) -> QuerySet[ConcernLetter]:
    if handles_concerns(actor):
        return qs.filter(stage__concern__authority_id=actor.organisation_id)
    if actor.is_provider:
        return qs.filter(stage__concern__provider_id=actor.organisation_id)
    return qs.none()
