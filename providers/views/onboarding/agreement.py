"""The agreement document: the lead authority publishes versions; anyone who may read it
downloads one (the scope rule decides who)."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from fps_portal.access import ANY_ACTOR, LEAD_EVALUATORS, page_access
from fps_portal.actors import Actor
from fps_portal.errors import DomainError
from fps_portal.scoping import get_scoped_or_404, scoped
from providers.models import AgreementDocument, PurchasingSystem
from providers.services.agreement_documents import (
    agreement_document_publish,
    agreement_document_record_download,
)
from providers.views.onboarding.agreement_forms import AgreementDocumentForm
from providers.views.onboarding.forms import apply_domain_error


@page_access(LEAD_EVALUATORS)
@require_http_methods(["GET", "POST"])
def agreement_documents(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """Every published version, newest (current) first, and the form to publish the next."""
    system = get_scoped_or_404(PurchasingSystem, actor, pk=pk)
    form = AgreementDocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            document = agreement_document_publish(
                actor=actor,
                system=system,
                title=form.cleaned_data["title"],
                summary_of_changes=form.cleaned_data["summary_of_changes"],
                upload=form.cleaned_data["file"],
                submission_key=form.cleaned_data["submission_key"],
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, f"Version {document.version} of the agreement is published.")
            # Post/Redirect/Get: Back after publishing never sends the file again.
            return redirect("providers:agreement-documents", pk=system.pk)
    versions = list(
        scoped(AgreementDocument, actor)
        .filter(purchasing_system=system)
        .select_related("published_by")
        .order_by("-version")
    )
    return render(
        request,
        "providers/onboarding/agreement_documents.html",
        {
            "system": system,
            "versions": versions,
            "form": form,
            "back_url": reverse("providers:fps-manage"),
        },
        status=400 if form.errors else 200,
    )


@page_access(ANY_ACTOR)
def agreement_document_download(request: HttpRequest, actor: Actor, pk: int) -> FileResponse:
    document = get_scoped_or_404(AgreementDocument, actor, pk=pk)
    agreement_document_record_download(actor=actor, document=document)
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_filename,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
