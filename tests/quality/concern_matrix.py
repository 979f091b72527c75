"""The concerns' part of the authorisation matrix's world (tests/portal/matrix_world.py): for
each side, a concern at stage 3 (so the provider sees it) with its letter of escalation, written
as the rows they are: on side X raised by authority A about provider X's setting, on side Y by
authority B about provider Y's.
"""

from __future__ import annotations

import datetime
import hashlib

from django.core.files.base import ContentFile
from django.utils import timezone

from fps_portal.accounts.models import Organisation, User
from providers.models import Setting
from quality.models import Concern, ConcernEntry, ConcernLetter, ConcernStage

KINDS = ("concern", "concern_letter")


def concern_rows(*, authority: Organisation, setting: Setting, by: User) -> dict[str, int]:
    concern = Concern.objects.create(
        authority=authority,
        provider_id=setting.provider_id,
        setting=setting,
        category="care_welfare",
        summary="Matrix concern",
        description="Matrix.",
        raised_by=by,
        recorded_by=by,
        stage=3,
    )
    today = timezone.localdate()
    stages = ConcernStage.objects.bulk_create(
        ConcernStage(
            concern=concern,
            number=n,
            due_on=today + datetime.timedelta(days=14),
            closed_at=None if n == 3 else timezone.now(),
        )
        for n in (1, 2, 3)
    )
    ConcernEntry.objects.create(concern=concern, stage=stages[0], kind="raised", text="Matrix.")
    body = b"%PDF-1.4\n% matrix letter\n%%EOF\n"
    letter = ConcernLetter(
        stage=stages[2], sha256=hashlib.sha256(body).hexdigest(), size_bytes=len(body), pages=1
    )
    letter.file.save("letter.pdf", ContentFile(body), save=False)
    letter.save()
    return {"concern": concern.pk, "concern_letter": letter.pk}


def build_concern_world(
    *,
    authority_a: Organisation,
    authority_b: Organisation,
    setting_x: Setting,
    setting_y: Setting,
    by_a: User,
    by_b: User,
) -> tuple[dict[str, int], dict[str, int]]:
    return (
        concern_rows(authority=authority_a, setting=setting_x, by=by_a),
        concern_rows(authority=authority_b, setting=setting_y, by=by_b),
    )
