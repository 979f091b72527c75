"""The one scoping mechanism: what an actor may see of each model.

Each app registers a rule per model (`register_scope`). Pages, API endpoints and selectors all
call `scoped(Model, actor)`; a model with no rule is invisible to everyone, so forgetting a rule
fails closed. The unscoped escape hatch is named to be noticed in review.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from django.db import models
from django.http import Http404

if TYPE_CHECKING:
    from fps_portal.actors import Actor

M = TypeVar("M", bound=models.Model)
ScopeRule = Callable[[models.QuerySet, "Actor"], models.QuerySet]

_rules: dict[type[models.Model], ScopeRule] = {}


def register_scope(model: type[M]) -> Callable[[ScopeRule], ScopeRule]:
    def decorator(rule: ScopeRule) -> ScopeRule:
        _rules[model] = rule
        return rule

    return decorator


def has_scope_rule(model: type[models.Model]) -> bool:
    return model in _rules


def scoped(
    model: type[M], actor: Actor | None, queryset: models.QuerySet[M] | None = None
) -> models.QuerySet[M]:
    """Objects of `model` that `actor` may see; none when there is no actor or no rule."""
    base = queryset if queryset is not None else model._default_manager.all()
    rule = _rules.get(model)
    if actor is None or rule is None:
        return base.none()
    return rule(base, actor)


def get_scoped_or_404(model: type[M], actor: Actor | None, **lookup: object) -> M:
    """One object the actor may see; another organisation's answers exactly like a missing one."""
    try:
        return scoped(model, actor).get(**lookup)
    except (model.DoesNotExist, ValueError, TypeError) as exc:  # type: ignore[attr-defined]
        raise Http404(f"No {model._meta.verbose_name} matches the given query.") from exc


def dangerously_unscoped(model: type[M]) -> models.QuerySet[M]:
    """Every row, whoever asks. Only for services, tasks and the back office, never for a view."""
    return model._default_manager.all()
