"""The re-check and expiry part of the authorisation matrix's world (tests/portal/matrix_world.py):
for each side (provider X, an active member; provider Y, suspended), the objects the routes take
an id of, written as the rows they are:
- recheck: this year's re-check of the provider's membership, open, one item per evidence item;
- recheck_item: its first item (with the re-check's id, for the nested route);
- suspension_proposal: a proposal on the lead authority's queue for the membership;
- evidence_lapse: the provider's first evidence item, flagged as expired.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from providers.models import Evidence, FpsMembership
from quality.models import EvidenceLapse, Recheck, RecheckEvent, RecheckItem, SuspensionProposal

KINDS = ("recheck", "recheck_item", "suspension_proposal", "evidence_lapse")


def build_quality_side(*, membership_id: int) -> dict[str, int]:
    membership = FpsMembership.objects.get(pk=membership_id)
    today = timezone.localdate()
    recheck = Recheck.objects.create(
        membership=membership, cycle=today.year, due_on=today + datetime.timedelta(days=28)
    )
    held = list(Evidence.objects.filter(provider_id=membership.provider_id).order_by("pk"))
    items = RecheckItem.objects.bulk_create(
        RecheckItem(recheck=recheck, evidence=evidence) for evidence in held
    )
    RecheckEvent.objects.create(recheck=recheck, kind="opened", detail="Matrix.")
    proposal = SuspensionProposal.objects.create(
        membership=membership, grounds="Matrix: the re-check is overdue."
    )
    lapse = EvidenceLapse.objects.create(
        evidence=held[0],
        provider_id=membership.provider_id,
        expired_on=today - datetime.timedelta(days=1),
    )
    return {
        "recheck": recheck.pk,
        "recheck_item": items[0].pk,
        "suspension_proposal": proposal.pk,
        "evidence_lapse": lapse.pk,
    }
