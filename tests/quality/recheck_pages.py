"""The re-check and expiry pages' objects for the accessibility gate (tests/browser/pages.py),
each page in its fullest state for each persona: the demo provider (Northshore) is a member of a
second purchasing system (so the demo's first system, its rounds and Northshore's agreement to
sign stay as they are), with this year's re-check open (the provider's answer form) and last
year's sent (the lead authority's review form); one expired item waiting for its renewal (the
provider's upload form) and one whose renewal waits for the lead authority (its decision form);
a suspension proposal on the lead authority's queue."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from fps_portal.accounts.models import Organisation
from providers.models import (
    Evidence,
    EvidenceKind,
    FpsMembership,
    MembershipState,
    PurchasingSystem,
)
from quality.models import (
    EvidenceLapse,
    ItemResponse,
    LapseState,
    Recheck,
    RecheckEvent,
    RecheckItem,
    RecheckState,
    SuspensionProposal,
)
from tests.providers.factories import PurchasingSystemFactory


def _document(provider: Organisation, kind: str, title: str, until: datetime.date) -> Evidence:
    body = b"%PDF-1.4\n% " + uuid.uuid4().hex.encode()
    insurance = kind == EvidenceKind.INSURANCE
    return Evidence.objects.create(
        provider=provider,
        kind=kind,
        title=title,
        insurance_type="public_liability" if insurance else "",
        insurer="Northern Mutual" if insurance else "",
        cover_amount=Decimal("10000000") if insurance else None,
        valid_until=until,
        file=ContentFile(body, name="document.pdf"),
        original_filename="document.pdf",
        content_type="application/pdf",
        size_bytes=len(body),
    )


def build_recheck_pages(provider: Organisation) -> dict[str, int]:
    today = timezone.localdate()
    system: PurchasingSystem = PurchasingSystemFactory(name="North West SEND DPS pilot")  # type: ignore[assignment]
    membership = FpsMembership.objects.create(
        purchasing_system=system,
        provider=provider,
        state=MembershipState.ACTIVE,
        joined_at=timezone.now() - datetime.timedelta(days=800),
        agreement_signed_at=timezone.now() - datetime.timedelta(days=800),
        agreement_signatory_name="Pilot Signatory",
        agreement_signatory_role="Director",
    )
    held = list(
        Evidence.objects.filter(provider=provider, superseded_at__isnull=True).order_by("pk")[:3]
    )
    current = Recheck.objects.create(
        membership=membership, cycle=today.year, due_on=today + datetime.timedelta(days=20)
    )
    sent = Recheck.objects.create(
        membership=membership,
        cycle=today.year - 1,
        due_on=today - datetime.timedelta(days=340),
        state=RecheckState.SUBMITTED,
        submitted_at=timezone.now() - datetime.timedelta(days=350),
    )
    for recheck in (current, sent):
        RecheckEvent.objects.create(recheck=recheck, kind="opened", detail="Pages.")
    open_items = RecheckItem.objects.bulk_create(
        RecheckItem(recheck=current, evidence=evidence) for evidence in held
    )
    sent_items = RecheckItem.objects.bulk_create(
        RecheckItem(recheck=sent, evidence=evidence, response=ItemResponse.CONFIRMED)
        for evidence in held
    )
    waiting = _document(
        provider, EvidenceKind.INSURANCE, "Public liability 2025", today - datetime.timedelta(3)
    )
    renewed = _document(
        provider, EvidenceKind.POLICY, "Health and safety policy", today - datetime.timedelta(9)
    )
    renewal = _document(
        provider,
        EvidenceKind.POLICY,
        "Health and safety policy 2027",
        today.replace(year=today.year + 1),
    )
    expired = EvidenceLapse.objects.create(
        evidence=waiting, provider=provider, expired_on=waiting.valid_until or today
    )
    renewal_sent = EvidenceLapse.objects.create(
        evidence=renewed,
        provider=provider,
        expired_on=renewed.valid_until or today,
        state=LapseState.RENEWAL_SENT,
        renewal=renewal,
        renewal_sent_at=timezone.now(),
    )
    proposal = SuspensionProposal.objects.create(
        membership=membership,
        recheck=sent,
        grounds="The re-check was due 20 days ago and the provider was reminded twice.",
    )
    return {
        "system": system.pk,
        "open_recheck": current.pk,
        "open_item": open_items[0].pk,
        "sent_recheck": sent.pk,
        "sent_item": sent_items[0].pk,
        "expired": expired.pk,
        "renewal_sent": renewal_sent.pk,
        "proposal": proposal.pk,
    }
