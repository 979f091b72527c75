"""Files on a child's record (EHC plan, a redacted plan for providers, care plan, reports).

Uploaded by the placing authority under the onboarding upload rules
(`providers.uploads.check_upload`: PDF, DOCX, PNG or JPEG by their content, within the size
limit). The same file twice on one record is refused with a message naming the earlier upload
(and the unique constraint refuses a race of two). A removed document leaves the record and every
reader's scope at once; its row and file are kept, since a published referral may have shared it
and what a provider was sent stays in the evidence base. Every download is audited.
"""

from __future__ import annotations

import hashlib
import uuid

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record
from fps_portal.dates import govuk_date
from fps_portal.errors import InvalidInput, NotAllowed, WrongState
from fps_portal.once import already_made, create_once
from fps_portal.transitions import lock
from providers.uploads import check_upload
from referrals.models import Child, ChildDocument, ChildDocumentKind
from referrals.scope_rules import places_children
from referrals.services.children import require_placing

DOCUMENT_TYPE = "referrals.childdocument"
TITLE_LIMIT = 200
ALREADY_REMOVED = "This document has already been removed from the record."


def content_sha256(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def same_document(*, child: Child, digest: str) -> ChildDocument | None:
    """The record's current document with exactly this content, if any."""
    return (
        ChildDocument.objects.filter(child=child, sha256=digest, removed_at__isnull=True)
        .order_by("uploaded_at", "id")
        .first()
    )


def duplicate_message(same: ChildDocument) -> str:
    return (
        f"This file is already on the record as '{same.title}', uploaded on "
        f"{govuk_date(same.uploaded_at)}. Select a different file, or remove that one first."
    )


def child_document_add(
    *,
    actor: Actor,
    child: Child,
    kind: str,
    title: str,
    upload: UploadedFile | None,
    submission_key: uuid.UUID | None = None,
) -> ChildDocument:
    """Store one document on the record. Every rule is checked before the file is saved."""
    require_placing(actor, child)
    mine = ChildDocument.objects.filter(child=child)
    if (earlier := already_made(mine, submission_key)) is not None:
        return earlier
    fields: dict[str, str | list[str]] = {}
    if kind not in ChildDocumentKind.values:
        fields["kind"] = "Select what kind of document this is."
    title = " ".join((title or "").split())
    if not title:
        fields["title"] = "Enter a title, like 'EHC plan, final, March 2026'."
    elif len(title) > TITLE_LIMIT:
        fields["title"] = f"Title must be {TITLE_LIMIT} characters or fewer."
    digest = ""
    try:
        checked = check_upload(upload)
    except InvalidInput as exc:
        fields.update(exc.fields)
    else:
        assert upload is not None
        digest = content_sha256(upload)
        if same := same_document(child=child, digest=digest):
            fields["file"] = duplicate_message(same)
    if fields:
        raise InvalidInput.on_fields(fields)
    assert upload is not None
    document = ChildDocument(
        child=child,
        kind=kind,
        title=title,
        original_filename=checked.original_filename,
        content_type=checked.content_type,
        size=checked.size,
        sha256=digest,
        uploaded_by=actor.user,
        submission_key=submission_key,
    )
    document.file.save(checked.original_filename, upload, save=False)
    stored_name, storage = document.file.name, document.file.storage
    try:
        with transaction.atomic():
            stored, created = create_once(
                earlier=mine, submission_key=submission_key, create=lambda: _saved(document)
            )
            if not created:  # a twin request stored it first; this copy of the file goes
                storage.delete(stored_name)
                return stored
            audit_record(
                actor=actor,
                verb=AuditVerb.CREATED,
                object_type=DOCUMENT_TYPE,
                object_id=str(document.pk),
                after={
                    "child": child.pk,
                    "kind": kind,
                    "content_type": checked.content_type,
                    "size": checked.size,
                    "sha256": digest,
                },
            )
    except IntegrityError as exc:
        storage.delete(stored_name)
        # The same file uploaded by a colleague a moment before (the unique constraint).
        if same := same_document(child=child, digest=digest):
            raise InvalidInput.on_fields({"file": duplicate_message(same)}) from exc
        raise
    except Exception:
        storage.delete(stored_name)
        raise
    return document


def _saved(document: ChildDocument) -> ChildDocument:
    document.save()
    return document


def child_document_remove(*, actor: Actor, document: ChildDocument) -> ChildDocument:
    """Takes the document off the record (and out of every reader's scope)."""
    require_placing(actor, document.child)
    with transaction.atomic():
        locked = lock(document)
        if locked.removed_at is not None:
            raise WrongState(ALREADY_REMOVED)
        locked.removed_at = timezone.now()
        locked.save(update_fields=["removed_at"])
        audit_record(
            actor=actor,
            verb=AuditVerb.DELETED,
            object_type=DOCUMENT_TYPE,
            object_id=str(locked.pk),
            before={"child": locked.child_id, "kind": locked.kind, "sha256": locked.sha256},
        )
    return locked


def child_document_record_download(*, actor: Actor, document: ChildDocument) -> None:
    """Who downloaded which of a child's documents, and when. The caller has read the document
    through its scope (the placing authority, or a provider it was shared with or awarded)."""
    if not (places_children(actor) or actor.is_provider):
        raise NotAllowed("Only the placing authority and the providers it shares with can do this.")
    with transaction.atomic():
        audit_record(
            actor=actor,
            verb=AuditVerb.DOWNLOADED,
            object_type=DOCUMENT_TYPE,
            object_id=str(document.pk),
            after={"child": document.child_id},
        )
