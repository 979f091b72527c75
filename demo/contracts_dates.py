"""When the demo's agreements would have been issued and signed (demo/contracts.py).

The services stamp everything with the moment the demo is loaded, so a placement that started a
year ago would read "signed today". As the demo's FPS agreement is moved back to when it was
published (demo/agreement.py), these stamps are moved back to when each step would have happened:
issued two days after the award, signed by the provider two days later and countersigned the
day after, activated on the start date (or an hour after the countersignature, the beat's next
run, if that was later), an uplift signed in the weeks before it took effect, a breakdown
recorded the day after notice was given and ended the day after its last day. Only the moments
move (never a state, a term, a hash or a date of the agreement itself), and the audit log keeps
the real times, as it does for the FPS agreement.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from contracts.models import (
    Agreement,
    AgreementVersion,
    Order,
    PlacementEnd,
    Signature,
    Variation,
)
from referrals.models import Award

DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)


def _morning(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(8)))


def _first_version(agreement: Agreement, awarded: datetime.datetime) -> datetime.datetime | None:
    """Version 1 issued and signed after the award; returns the countersignature's moment."""
    version = AgreementVersion.objects.get(agreement=agreement, number=1)
    issued, provider_signed, signed = awarded + 2 * DAY, awarded + 4 * DAY, awarded + 5 * DAY
    AgreementVersion.objects.filter(pk=version.pk).update(created_at=awarded)
    if version.issued_at is None:
        return None
    stamps = {"issued_at": issued}
    if version.provider_signed_at is not None:
        stamps["provider_signed_at"] = provider_signed
        Signature.objects.filter(version=version, party="provider").update(
            signed_at=provider_signed
        )
    if version.signed_at is not None:
        stamps["signed_at"] = signed
        Signature.objects.filter(version=version, party="authority").update(signed_at=signed)
    AgreementVersion.objects.filter(pk=version.pk).update(**stamps)
    Agreement.objects.filter(pk=agreement.pk).update(**stamps)
    return stamps.get("signed_at")


def _variations(agreement: Agreement) -> None:
    """Each agreed variation proposed three weeks before it took effect, signed by the provider
    the next day and countersigned a week after it was proposed."""
    for variation in Variation.objects.filter(agreement=agreement).select_related("version"):
        proposed = _morning(variation.effective_from) - 21 * DAY
        provider_signed, signed = proposed + DAY, proposed + 7 * DAY
        Variation.objects.filter(pk=variation.pk).update(
            proposed_at=proposed, agreed_at=signed if variation.agreed_at else None
        )
        AgreementVersion.objects.filter(pk=variation.version_id).update(
            created_at=proposed, issued_at=proposed, provider_signed_at=provider_signed
        )
        if variation.version.signed_at is not None:
            AgreementVersion.objects.filter(pk=variation.version_id).update(signed_at=signed)
        for party, at in (("provider", provider_signed), ("authority", signed)):
            Signature.objects.filter(version_id=variation.version_id, party=party).update(
                signed_at=at
            )


def as_it_happened(agreement: Agreement) -> None:
    """Move the agreement's, its versions', signatures', variations' and end's moments back."""
    award = Award.objects.get(order__agreement=agreement)
    awarded = award.completed_at
    assert awarded is not None
    Agreement.objects.filter(pk=agreement.pk).update(created_at=awarded)
    Order.objects.filter(pk=agreement.order_id).update(issued_at=awarded)
    signed = _first_version(agreement, awarded)
    agreement.refresh_from_db()
    if agreement.activated_at is not None and signed is not None:
        activated = max(_morning(agreement.start_date), signed + HOUR)
        Agreement.objects.filter(pk=agreement.pk).update(activated_at=activated)
    _variations(agreement)
    end = PlacementEnd.objects.filter(agreement=agreement).first()
    if end is not None:
        PlacementEnd.objects.filter(pk=end.pk).update(
            recorded_at=_morning(end.notice_given_on) + DAY
        )
        if agreement.ended_at is not None:
            Agreement.objects.filter(pk=agreement.pk).update(ended_at=_morning(end.last_day) + DAY)
