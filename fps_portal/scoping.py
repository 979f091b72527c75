"""The one scoping mechanism: what an actor, or the public, may see of each model.

Each app registers a rule per model (`register_scope`). Pages, API endpoints and selectors all
call `scoped(Model, actor)`; a model with no rule is invisible to everyone, so forgetting a rule
fails closed. The unscoped escape hatch is named to be noticed in review.

The public pages (the forum's directory, open to anyone, signed in or not) read as `PUBLIC`, an
audience with rules of its own (`register_public_scope`): a model is public only where a rule
says so, however widely signed-in actors may see it (ADR 0005). Reference data that everyone may
read, signed in or not, is registered once for both with `register_reference_data`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from django.db import models
from django.http import Http404

if TYPE_CHECKING:
    from fps_portal.actors import Actor

M = TypeVar("M", bound=models.Model)
ScopeRule = Callable[[models.QuerySet, "Actor"], models.QuerySet]
PublicRule = Callable[[models.QuerySet], models.QuerySet]


@dataclass(frozen=True)
class PublicAudience:
    """Anyone at all, signed in or not: who the public pages are for. Not an actor: it has no
    user and no organisation, and no rule written for actors applies to it."""


PUBLIC = PublicAudience()

_rules: dict[type[models.Model], ScopeRule] = {}
_public_rules: dict[type[models.Model], PublicRule] = {}


def register_scope(model: type[M]) -> Callable[[ScopeRule], ScopeRule]:
    def decorator(rule: ScopeRule) -> ScopeRule:
        _rules[model] = rule
        return rule

    return decorator


def register_public_scope(model: type[M]) -> Callable[[PublicRule], PublicRule]:
    """What the public may see of `model`: a function `(queryset) -> queryset`."""

    def decorator(rule: PublicRule) -> PublicRule:
        _public_rules[model] = rule
        return rule

    return decorator


def _everything(qs: models.QuerySet, actor: Actor | None = None) -> models.QuerySet:
    return qs


def register_reference_data(*reference_models: type[models.Model]) -> None:
    """Lookup tables (lots, areas of need, ...) that every actor and the public may read whole."""
    for model in reference_models:
        _rules[model] = _everything
        _public_rules[model] = _everything


def has_scope_rule(model: type[models.Model]) -> bool:
    return model in _rules


def has_public_scope_rule(model: type[models.Model]) -> bool:
    return model in _public_rules


def scoped(
    model: type[M],
    actor: Actor | PublicAudience | None,
    queryset: models.QuerySet[M] | None = None,
) -> models.QuerySet[M]:
    """Objects of `model` that `actor` (or the public) may see; none without an actor or a rule."""
    base = queryset if queryset is not None else model._default_manager.all()
    if isinstance(actor, PublicAudience):
        public_rule = _public_rules.get(model)
        return base.none() if public_rule is None else public_rule(base)
    rule = _rules.get(model)
    if actor is None or rule is None:
        return base.none()
    return rule(base, actor)


def get_scoped_or_404(
    model: type[M],
    actor: Actor | PublicAudience | None,
    *,
    select_related: Sequence[str] = (),
    prefetch_related: Sequence[str] = (),
    **lookup: object,
) -> M:
    """One object the actor may see; another organisation's answers exactly like a missing one.

    `select_related` and `prefetch_related` load what the page shows with it, in the same query
    count as a hand-built queryset, without the caller touching the model's manager.
    """
    qs = scoped(model, actor)
    if select_related:
        qs = qs.select_related(*select_related)
    if prefetch_related:
        qs = qs.prefetch_related(*prefetch_related)
    try:
        return qs.get(**lookup)
    except (model.DoesNotExist, ValueError, TypeError) as exc:  # type: ignore[attr-defined]
        raise Http404(f"No {model._meta.verbose_name} matches the given query.") from exc


def dangerously_unscoped(model: type[M]) -> models.QuerySet[M]:
    """Every row, whoever asks. Only for services, tasks and the back office, never for a view."""
    return model._default_manager.all()
