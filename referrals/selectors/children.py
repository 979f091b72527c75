"""Reads of children's records, given the actor (scoped: another authority's child is 404)."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from fps_portal.actors import Actor
from fps_portal.scoping import scoped
from referrals.models import Child, ChildDocument, EhcpOutcome, ParentCarer


def children_for(actor: Actor, search: str = "") -> QuerySet[Child]:
    """The actor's children, by family then given name; `search` matches any word of the name
    or the case number (all words must match)."""
    children = scoped(Child, actor).select_related("primary_need")
    for word in search.split()[:6]:
        children = children.filter(
            Q(given_name__icontains=word)
            | Q(family_name__icontains=word)
            | Q(case_number__icontains=word)
        )
    return children.order_by("family_name", "given_name", "id")


def with_whole_record(queryset: QuerySet[Child]) -> QuerySet[Child]:
    """What the API's record reads beside each child (its needs, outcomes and carers)."""
    return queryset.select_related("primary_need").prefetch_related(
        "other_needs",
        Prefetch("outcomes", queryset=EhcpOutcome.objects.order_by("position", "id")),
        Prefetch("parent_carers", queryset=ParentCarer.objects.order_by("id")),
    )


def child_record(actor: Actor, pk: int | str) -> Child:
    """One child with everything the record page, the API and the export show; 404 if unseen."""
    queryset = (
        scoped(Child, actor)
        .select_related("primary_need", "current_setting", "created_by")
        .prefetch_related(
            "other_needs",
            Prefetch("outcomes", queryset=EhcpOutcome.objects.order_by("position", "id")),
            Prefetch(
                "parent_carers",
                queryset=ParentCarer.objects.select_related("preferred_setting").order_by("id"),
            ),
            Prefetch(
                "documents",
                queryset=ChildDocument.objects.filter(removed_at__isnull=True).order_by(
                    "-uploaded_at", "-id"
                ),
                to_attr="current_documents",
            ),
        )
    )
    try:
        return queryset.get(pk=pk)
    except (Child.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No child matches the given query.") from exc


def documents_of(actor: Actor, child: Child) -> QuerySet[ChildDocument]:
    """The record's current documents the actor may read, newest first."""
    return scoped(ChildDocument, actor).filter(child=child).order_by("-uploaded_at", "-id")
