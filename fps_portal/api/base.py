"""Base classes for API views: the queryset always comes through the scoping mechanism."""

from __future__ import annotations

from typing import Generic, TypeVar

from django.db import models
from rest_framework import mixins, viewsets
from rest_framework.parsers import BaseParser, MultiPartParser

from fps_portal.access import Access
from fps_portal.actors import Actor, actor_of
from fps_portal.api.permissions import AccessAllowed
from fps_portal.scoping import scoped

M = TypeVar("M", bound=models.Model)

#: Every body is JSON (REST_FRAMEWORK's DEFAULT_PARSER_CLASSES), except where a file is uploaded:
#: those operations (`parser_classes=UPLOAD_PARSERS` on the action or view) read
#: multipart/form-data only. The schema lists each operation's parsers, so every request body
#: has one media type, which is what a generated client can call (docs/api.md).
UPLOAD_PARSERS: list[type[BaseParser]] = [MultiPartParser]


class ScopedGenericViewSet(viewsets.GenericViewSet[M], Generic[M]):
    """`model` is read through `scoped(model, actor)`; `optimise` adds joins for the serializer.

    Set `access` (a `fps_portal.access` rule) to restrict the endpoint, `action_rules` to
    restrict an action (others get 403); objects outside the actor's scope are 404 whatever the
    role.
    """

    model: type[M]
    access: Access | None = None
    permission_classes = [AccessAllowed]
    action_rules: dict[str, Access] = {}

    @property
    def actor(self) -> Actor:
        actor = actor_of(self.request)
        assert actor is not None, "permission classes let no actor-less request through"
        return actor

    def optimise(self, queryset: models.QuerySet[M]) -> models.QuerySet[M]:
        return queryset

    def get_queryset(self) -> models.QuerySet[M]:
        if getattr(self, "swagger_fake_view", False):
            # The schema generator asks for a queryset with no request actor: an empty one,
            # which reads nothing, tells it the model.
            return self.model._default_manager.none()
        return self.optimise(scoped(self.model, actor_of(self.request)))


class ScopedReadOnlyViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedGenericViewSet[M]
):
    """List and retrieve what the actor may see."""
