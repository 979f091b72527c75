"""Demo data for the lead authority's annual re-checks and the evidence expiry clocks (issue 13),
made through the quality services: Oakfield's public liability insurance expires in 21 days (its
30-day reminder sent), and its annual re-check is open with the first item confirmed (a re-check
in progress for bids@oakfield.example, and on lead@cheshireeast.example's list). Idempotent: the
insurance is uploaded with a fixed submission key, a re-check opens once a year, and each clock
stage and each answer is made once."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from fps_portal.accounts.models import User
from fps_portal.actors import actor_for_user
from providers.models import EvidenceKind, FpsMembership, MembershipState
from providers.services.evidence import evidence_add
from quality.models import ItemResponse, Recheck
from quality.services.expiry import expiry_clocks_run
from quality.services.recheck_schedule import recheck_open
from quality.services.rechecks import recheck_item_confirm

PROVIDER_EMAIL = "bids@oakfield.example"
INSURANCE_KEY = uuid.uuid5(uuid.NAMESPACE_URL, "demo:quality:oakfield-public-liability")
INSURANCE_PDF = b"%PDF-1.4\n% Oakfield public liability certificate (demo)\n%%EOF\n"


def load_rechecks() -> None:
    user = User.objects.filter(email=PROVIDER_EMAIL).first()
    actor = actor_for_user(user) if user is not None else None
    if actor is None or actor.organisation is None:
        return
    membership = FpsMembership.objects.filter(
        provider_id=actor.organisation_id, state=MembershipState.ACTIVE
    ).first()
    if membership is None:
        return
    today = timezone.localdate()
    evidence_add(
        actor=actor,
        provider=actor.organisation,
        kind=EvidenceKind.INSURANCE,
        title="Public liability insurance (renews next month)",
        upload=SimpleUploadedFile("public-liability.pdf", INSURANCE_PDF, "application/pdf"),
        insurance_type="public_liability",
        insurer="Zurich Municipal",
        cover_amount=Decimal("10000000"),
        valid_until=today + datetime.timedelta(days=21),
        submission_key=INSURANCE_KEY,
    )
    expiry_clocks_run(today=today)
    recheck_open(membership_id=membership.pk, cycle=today.year, today=today)
    recheck = Recheck.objects.get(membership=membership, cycle=today.year)
    answered = recheck.items.exclude(response=ItemResponse.PENDING).exists()
    first = recheck.items.filter(evidence__superseded_at__isnull=True).order_by("pk").first()
    if not answered and first is not None and first.evidence.is_valid_on(today):
        recheck_item_confirm(actor=actor, item=first)
