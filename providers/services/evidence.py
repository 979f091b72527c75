"""The provider's evidence library: uploaded once, offered to every application while valid."""

from __future__ import annotations

import datetime
import hashlib
import uuid
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import ProtectedError, Q, QuerySet
from django.utils import timezone

from fps_portal.accounts.models import Organisation
from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record, snapshot
from fps_portal.dates import govuk_date
from fps_portal.errors import InvalidInput, WrongState
from fps_portal.once import already_made, create_once
from fps_portal.transitions import lock
from providers.models import Evidence, EvidenceKind, Setting, SettingOverview
from providers.models.evidence import ORGANISATION_KINDS, SETTING_KINDS
from providers.services._common import require_provider
from providers.uploads import check_upload

# Far above any policy a special-school provider holds (employer's liability is usually £5m to
# £10m), so an extra zero or two is refused with a message; the column itself stops at £10^12.
MAX_COVER = Decimal("1000000000")
COVER_MISSING = "Enter the cover in pounds, like 5000000."
COVER_TOO_LARGE = "The cover must be £1,000,000,000 or less. Check for extra zeros."
COVER_PENCE = "Enter the cover in pounds, or pounds and pence, like 5000000 or 5000000.50."

KEPT_FOR_THE_LEAD = (
    "This document is part of the lead authority's checks (an annual re-check or expired "
    "evidence), so it is kept as they received it. Upload a new version to replace it instead."
)

EVIDENCE_FIELDS = [
    "kind",
    "title",
    "setting_id",
    "insurance_type",
    "insurer",
    "cover_amount",
    "valid_until",
    "original_filename",
    "content_type",
    "size_bytes",
]


def evidence_add(
    *,
    actor: Actor,
    provider: Organisation,
    kind: str,
    title: str,
    upload: UploadedFile | None,
    setting: Setting | None = None,
    reference: str = "",
    insurance_type: str = "",
    insurer: str = "",
    cover_amount: Decimal | None = None,
    valid_until: datetime.date | None = None,
    replaces: Evidence | None = None,
    submission_key: uuid.UUID | None = None,
) -> Evidence:
    """Store one evidence item. Every rule is checked before anything is written or saved to
    disk. The same form sent again (`submission_key`, see fps_portal.once) answers with the item
    the first sending stored and stores nothing."""
    require_provider(actor, provider.pk)
    mine = Evidence.objects.filter(provider_id=provider.pk)
    # Before the checks: the first sending may have made them fail (it replaced `replaces`).
    if (earlier := already_made(mine, submission_key)) is not None:
        return earlier
    fields: dict[str, str | list[str]] = {}
    if kind not in EvidenceKind.values:
        fields["kind"] = "Select what kind of evidence this is."
    elif kind in SETTING_KINDS and setting is None:
        fields["setting"] = "Select the setting this evidence is for."
    elif kind in ORGANISATION_KINDS and setting is not None:
        fields["setting"] = "This kind of evidence is for the whole organisation, not one setting."
    if setting is not None and setting.provider_id != provider.pk:
        fields["setting"] = "Select one of your own settings."
    if not title.strip():
        fields["title"] = "Enter a title, like 'Employer's liability certificate 2026'."
    if kind == EvidenceKind.INSURANCE:
        if not insurance_type:
            fields["insurance_type"] = "Select the type of insurance."
        if not insurer.strip():
            fields["insurer"] = "Enter the insurer's name."
        if cover_amount is None or not cover_amount.is_finite() or cover_amount <= 0:
            fields["cover_amount"] = COVER_MISSING
        elif cover_amount > MAX_COVER:
            fields["cover_amount"] = COVER_TOO_LARGE
        if valid_until is None:
            fields["valid_until"] = "Enter the date the insurance expires."
    if valid_until is not None and valid_until < timezone.localdate() and replaces is None:
        fields["valid_until"] = "The evidence has already expired. Upload current evidence."
    if replaces is not None and (
        replaces.provider_id != provider.pk or replaces.superseded_at is not None
    ):
        raise WrongState("That evidence has already been replaced.")
    digest = ""
    try:
        checked = check_upload(upload)
    except InvalidInput as exc:
        fields.update(exc.fields)
    else:
        assert upload is not None
        digest = content_sha256(upload)
        if same := same_document(provider_id=provider.pk, digest=digest):
            fields["file"] = duplicate_message(same)
    if fields:
        raise InvalidInput.on_fields(fields)
    assert upload is not None
    with transaction.atomic():
        evidence = Evidence(
            provider=provider,
            setting=setting,
            kind=kind,
            title=title.strip(),
            reference=reference.strip(),
            insurance_type=insurance_type if kind == EvidenceKind.INSURANCE else "",
            insurer=insurer.strip(),
            cover_amount=cover_amount if kind == EvidenceKind.INSURANCE else None,
            valid_until=valid_until,
            original_filename=checked.original_filename,
            content_type=checked.content_type,
            size_bytes=checked.size,
            content_sha256=digest,
            uploaded_by=actor.user,
            submission_key=submission_key,
        )
        evidence.file.save(checked.original_filename, upload, save=False)
        # If the transaction rolls back, do not leave an orphaned file behind.
        stored_name = evidence.file.name
        try:
            stored, created = create_once(
                earlier=mine, submission_key=submission_key, create=lambda: _saved(evidence)
            )
            if not created:  # a twin request stored it first; this file is not needed
                evidence.file.storage.delete(stored_name)
                return stored
            if replaces is not None:
                Evidence.objects.filter(pk=replaces.pk).update(superseded_at=timezone.now())
            audit_record(
                actor=actor,
                verb=AuditVerb.CREATED,
                obj=evidence,
                after=snapshot(evidence, EVIDENCE_FIELDS),
                reason=f"Replaces evidence {replaces.pk}" if replaces else "",
            )
        except Exception:
            evidence.file.storage.delete(stored_name)
            raise
    return evidence


def content_sha256(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def same_document(*, provider_id: int, digest: str) -> Evidence | None:
    """The provider's current evidence item with exactly this content, if any. Replaced items
    are not counted: going back to an older version of a document is a real change."""
    return (
        Evidence.objects.filter(
            provider_id=provider_id, content_sha256=digest, superseded_at__isnull=True
        )
        .order_by("uploaded_at")
        .first()
    )


def duplicate_message(same: Evidence) -> str:
    return (
        f"You already uploaded this file as '{same.title}' on {govuk_date(same.uploaded_at)}. "
        "Use that one, or select a different file."
    )


def evidence_remove_blocker(evidence: Evidence) -> str:
    """Why this item cannot be removed; empty when it can (the page asks the same)."""
    if evidence.applications.filter(submitted_at__isnull=False).exists():
        return (
            "This document is part of a submitted application, so it is kept as the lead "
            "authority received it. Upload a new version to replace it instead."
        )
    return ""


def evidence_remove(*, actor: Actor, evidence: Evidence) -> None:
    """Removes an item never sent in a submitted application: from the library, from the
    provider's draft applications, and its stored file.

    Files are kept only while a row needs them: a replaced item keeps its file because a
    submitted application may name it, and every other path that leaves a file without a row
    deletes it (evidence_add). The file goes once the deletion commits, so a rollback leaves
    row and file together.
    """
    require_provider(actor, evidence.provider_id)
    with transaction.atomic():
        locked = lock(evidence)
        if blocker := evidence_remove_blocker(locked):
            raise WrongState(blocker)
        before = snapshot(locked, EVIDENCE_FIELDS)
        before["content_sha256"] = locked.content_sha256
        before["draft_applications"] = sorted(locked.applications.values_list("pk", flat=True))
        audit_record(actor=actor, verb=AuditVerb.DELETED, obj=locked, before=before)
        stored_name, storage = locked.file.name, locked.file.storage
        locked.applications.clear()
        try:
            with transaction.atomic():
                locked.delete()
        except ProtectedError as exc:
            # Another record the lead authority keeps names it (an annual re-check's item, an
            # expired-evidence flag): the document stays as they saw it.
            raise WrongState(KEPT_FOR_THE_LEAD) from exc
        transaction.on_commit(lambda: storage.delete(stored_name))


def _saved(evidence: Evidence) -> Evidence:
    evidence.save()
    return evidence


def evidence_current(*, provider_id: int, on: datetime.date | None = None) -> QuerySet[Evidence]:
    """The provider's evidence still valid on `on` (today by default): what is offered again."""
    on = on or timezone.localdate()
    return (
        Evidence.objects.filter(provider_id=provider_id, superseded_at__isnull=True)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
        .select_related("setting")
    )


def evidence_record_download(*, actor: Actor, evidence: Evidence) -> None:
    """Downloads of evidence are written to the audit log (who saw which document, when)."""
    with transaction.atomic():
        audit_record(
            actor=actor, verb=AuditVerb.DOWNLOADED, obj=evidence, reason=evidence.original_filename
        )


def setting_overview_save(
    *,
    actor: Actor,
    setting: Setting,
    services_overview: str,
    working_with_parents: str,
    learner_voice: str,
) -> SettingOverview:
    require_provider(actor, setting.provider_id)
    fields = {
        name: message
        for name, value, message in [
            ("services_overview", services_overview, "Describe the services the setting offers."),
            (
                "working_with_parents",
                working_with_parents,
                "Describe how the setting works with parents and carers.",
            ),
            ("learner_voice", learner_voice, "Describe how the setting hears the learner's voice."),
        ]
        if not value.strip()
    }
    if fields:
        raise InvalidInput.on_fields(fields)
    with transaction.atomic():
        overview, created = SettingOverview.objects.select_for_update().get_or_create(
            setting=setting,
            defaults={
                "services_overview": services_overview,
                "working_with_parents": working_with_parents,
                "learner_voice": learner_voice,
                "updated_by": actor.user,
            },
        )
        if not created:
            overview.services_overview, overview.working_with_parents = (
                services_overview,
                working_with_parents,
            )
            overview.learner_voice, overview.updated_by, overview.updated_at = (
                learner_voice,
                actor.user,
                timezone.now(),
            )
            overview.save()
        audit_record(
            actor=actor, verb=AuditVerb.CREATED if created else AuditVerb.UPDATED, obj=overview
        )
    return overview
