"""The provider's side of an award: its placements (after an award to it completes, the child's
record and documents, every read audited) and the outcome letters of invitations it did not win
(its own scores, the winning scores, the reasons; never the child)."""

from __future__ import annotations

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render

from fps_portal.access import PROVIDERS, page_access
from fps_portal.actors import Actor
from fps_portal.scoping import get_scoped_or_404, scoped
from referrals.models import (
    Award,
    AwardState,
    Child,
    ChildDocument,
    EhcpOutcome,
    Invitation,
    Outcome,
)
from referrals.selectors.awards import awarded_placements, outcomes_told
from referrals.services.placements import (
    placement_document_downloaded,
    placement_record_viewed,
    placements_listed,
)


@page_access(PROVIDERS)
def awarded_placement_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The provider's placements, each with its child's name (read through the child's scope,
    as the placement's page does), and the outcomes of referrals it did not win. Showing the
    names is one audit event naming every child listed."""
    awards = list(awarded_placements(actor))
    children = {
        c.pk: c
        for c in scoped(Child, actor)
        .filter(pk__in={a.referral.child_id for a in awards if a.referral.child_id})
        .only("pk", "given_name", "family_name")
    }
    rows = [(award, children.get(award.referral.child_id or 0)) for award in awards]
    placements_listed(actor=actor, child_ids=[child.pk for _a, child in rows if child], how="page")
    return render(
        request,
        "referrals/awards/placement_list.html",
        {"rows": rows, "outcomes": list(outcomes_told(actor))},
    )


@page_access(PROVIDERS)
def awarded_placement(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    award = get_scoped_or_404(
        Award,
        actor,
        select_related=("referral", "referral__lot", "setting", "provider", "response"),
        pk=pk,
        state=AwardState.COMPLETE,
    )
    child_id = award.referral.child_id or 0  # a block purchase names no child: none matches
    child = (
        scoped(Child, actor)
        .filter(pk=child_id)
        .select_related("primary_need")
        .prefetch_related("other_needs")
        .first()
    )
    documents = list(scoped(ChildDocument, actor).filter(child_id=child_id))
    outcomes = list(scoped(EhcpOutcome, actor).filter(child_id=child_id))
    if child is not None:
        placement_record_viewed(actor=actor, award=award)
    return render(
        request,
        "referrals/awards/placement.html",
        {
            "award": award,
            "referral": award.referral,
            "child": child,
            "documents": documents,
            "outcomes": outcomes,
            "services": list(award.services.all()),
        },
    )


@page_access(PROVIDERS)
def awarded_document(request: HttpRequest, actor: Actor, pk: int) -> FileResponse:
    # Only the documents of a child awarded to this provider: not those shared with invitees.
    document = get_scoped_or_404(
        ChildDocument,
        actor,
        pk=pk,
        child__referrals__awards__provider_id=actor.organisation_id,
        child__referrals__awards__state=AwardState.COMPLETE,
    )
    placement_document_downloaded(actor=actor, document=document)
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_filename,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@page_access(PROVIDERS)
def invitation_outcome(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    invitation = get_scoped_or_404(
        Invitation, actor, select_related=("referral", "referral__lot"), pk=pk
    )
    return render(
        request,
        "referrals/awards/outcome.html",
        {
            "invitation": invitation,
            "referral": invitation.referral,
            "told": invitation.outcome == Outcome.UNSUCCESSFUL
            and invitation.outcome_notified_at is not None,
            "feedback": invitation.outcome_feedback,
        },
    )
