"""Documents on a child's record: upload (the onboarding upload rules; the same file twice is
refused), remove (a confirmation), and download (streamed after the scope check, audited)."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from fps_portal.access import page_access
from fps_portal.actors import Actor
from fps_portal.errors import DomainError
from fps_portal.once import address_with_new_key, key_in_address
from fps_portal.scoping import get_scoped_or_404
from fps_portal.web.pages import put_on_form
from referrals.models import ChildDocument
from referrals.permissions import PLACING
from referrals.selectors.children import child_record
from referrals.services.child_documents import (
    child_document_add,
    child_document_record_download,
    child_document_remove,
)
from referrals.views.children_forms import ChildDocumentForm, RemoveDocumentForm, posted

FORM = "providers/onboarding/form.html"


@page_access(PLACING)
@require_http_methods(["GET", "POST"])
def child_document_upload(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    child = child_record(actor, pk)
    key = key_in_address(request)
    if request.method == "GET" and key is None:
        return redirect(address_with_new_key(request))
    form = ChildDocumentForm(
        posted(request),
        request.FILES if request.method == "POST" else None,
        initial={"submission_key": key},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document = child_document_add(
                actor=actor,
                child=child,
                kind=data["kind"],
                title=data.get("title") or "",
                upload=data.get("file"),
                submission_key=data.get("submission_key"),
            )
        except DomainError as exc:
            put_on_form(form, exc)
        else:
            messages.success(request, f"'{document.title}' is added to the record.")
            return redirect("referrals:child-detail", pk=child.pk)
    return render(
        request,
        FORM,
        {
            "form": form,
            "title": "Add a document",
            "caption": "Child's record",
            "intro": "Only your authority can read it, unless a referral shares it with the "
            "providers it invites. Share a redacted EHC plan, not the full one.",
            "submit_label": "Upload",
            "multipart": True,
            "back_url": f"/children/{child.pk}/",
        },
        status=400 if form.errors else 200,
    )


@page_access(PLACING)
@require_http_methods(["GET", "POST"])
def child_document_remove_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    document = get_scoped_or_404(ChildDocument, actor, pk=pk, select_related=["child"])
    form = RemoveDocumentForm(posted(request))
    refused = ""
    if request.method == "POST":
        try:
            child_document_remove(actor=actor, document=document)
        except DomainError as exc:
            refused = exc.message
        else:
            messages.success(request, f"'{document.title}' is removed from the record.")
            return redirect("referrals:child-detail", pk=document.child_id)
    return render(
        request,
        FORM,
        {
            "form": form,
            "title": f"Remove '{document.title}'?",
            "caption": "Child's record",
            "intro": "It is taken off the record, and providers a referral shared it with can no "
            "longer download it. The audit log keeps that it was there.",
            "submit_label": "Remove document",
            "submit_class": "govuk-button--warning",
            "back_url": f"/children/{document.child_id}/",
            "refused": refused,
        },
        status=409 if refused else 200,
    )


@page_access(PLACING)
@require_http_methods(["GET"])
def child_document_download(request: HttpRequest, actor: Actor, pk: int) -> FileResponse:
    document = get_scoped_or_404(ChildDocument, actor, pk=pk)
    child_document_record_download(actor=actor, document=document)
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_filename,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
