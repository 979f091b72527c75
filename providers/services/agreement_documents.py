"""The agreement document: the lead authority publishes versions; providers read one and sign it.

Publishing is an upload: the new version becomes the current one at once, and every earlier version
is kept (signatures point at them). The upload must be a PDF, known by its first bytes, so every
provider can open what it signs.
"""

from __future__ import annotations

import uuid

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max

from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record, snapshot
from fps_portal.errors import InvalidInput
from fps_portal.once import already_made, create_once
from providers.models import AgreementDocument, PurchasingSystem
from providers.services._common import require_lead_evaluator
from providers.uploads import check_upload

AGREEMENT_FIELDS = [
    "purchasing_system_id",
    "version",
    "title",
    "summary_of_changes",
    "original_filename",
    "content_type",
    "size_bytes",
    "published_at",
]
NOT_A_PDF = "The agreement must be a PDF, so every provider can open it."


def not_published_blocker(document: AgreementDocument | None) -> str | None:
    """Why nothing can be signed yet, or None: the one definition the sign page and
    `agreement_sign` share."""
    if document is None:
        return (
            "The lead authority has not published the agreement yet, so there is nothing to "
            "read or sign. Contact the lead authority."
        )
    return None


def current_agreement_document(purchasing_system_id: int) -> AgreementDocument | None:
    """The version published last: the one a provider signs now (for services, unscoped)."""
    return (
        AgreementDocument.objects.filter(purchasing_system_id=purchasing_system_id)
        .order_by("-version")
        .first()
    )


def agreement_document_publish(
    *,
    actor: Actor,
    system: PurchasingSystem,
    title: str,
    upload: UploadedFile | None,
    summary_of_changes: str = "",
    submission_key: uuid.UUID | None = None,
) -> AgreementDocument:
    """Publish a new version of `system`'s agreement; it is current from now. The same form sent
    again answers with the version the first sending published."""
    require_lead_evaluator(actor)
    versions = AgreementDocument.objects.filter(purchasing_system_id=system.pk)
    if (earlier := already_made(versions, submission_key)) is not None:
        return earlier
    fields: dict[str, str | list[str]] = {}
    if not title.strip():
        fields["title"] = "Enter a title, like 'North West SEND FPS agreement 2026'."
    elif len(title.strip()) > 200:
        fields["title"] = "The title must be 200 characters or fewer."
    try:
        checked = check_upload(upload)
    except InvalidInput as exc:
        fields.update(exc.fields)
    else:
        if checked.content_type != "application/pdf":
            fields["file"] = NOT_A_PDF
    if fields:
        raise InvalidInput.on_fields(fields)
    assert upload is not None
    with transaction.atomic():
        # Locking the system numbers versions one at a time.
        PurchasingSystem.objects.select_for_update().get(pk=system.pk)
        latest = AgreementDocument.objects.filter(purchasing_system=system).aggregate(
            latest=Max("version")
        )["latest"]
        document = AgreementDocument(
            purchasing_system=system,
            version=(latest or 0) + 1,
            title=title.strip(),
            summary_of_changes=summary_of_changes.strip(),
            original_filename=checked.original_filename,
            content_type=checked.content_type,
            size_bytes=checked.size,
            published_by=actor.user,
            submission_key=submission_key,
        )
        document.file.save(checked.original_filename, upload, save=False)
        stored_name = document.file.name
        try:
            stored, created = create_once(
                earlier=versions, submission_key=submission_key, create=lambda: _saved(document)
            )
            if not created:  # a twin request published it first; this file is not needed
                document.file.storage.delete(stored_name)
                return stored
            audit_record(
                actor=actor,
                verb=AuditVerb.CREATED,
                obj=document,
                after=snapshot(document, AGREEMENT_FIELDS),
                reason=f"Published version {document.version} of the agreement of {system}",
            )
        except Exception:
            # If the transaction rolls back, do not leave an orphaned file behind.
            document.file.storage.delete(stored_name)
            raise
    return document


def _saved(document: AgreementDocument) -> AgreementDocument:
    document.save()
    return document


def agreement_document_record_download(*, actor: Actor, document: AgreementDocument) -> None:
    """Who read which version of the agreement, and when."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            verb=AuditVerb.DOWNLOADED,
            obj=document,
            reason=f"Version {document.version}: {document.original_filename}",
        )
