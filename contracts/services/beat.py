"""The beat's jobs on IPAs (issue 12): a signed agreement becomes active on its start date, and a
version left unsigned reminds the party whose turn it is, once per interval. Each agreement is
changed under its row lock with its state re-checked, so a job run twice, or two at once, does
each thing once."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from contracts.models import (
    AGREEMENT_TRANSITIONS,
    Agreement,
    AgreementState,
    AgreementVersion,
    VersionState,
)
from contracts.services.signing_notices import remind
from fps_portal.dates import uk_local
from fps_portal.scoping import dangerously_unscoped
from fps_portal.transitions import lock, transition

#: An issued or provider-signed version unsigned this long reminds the party whose turn it is,
#: and again after each further interval.
REMIND_AFTER = datetime.timedelta(days=3)


def uk_today() -> datetime.date:
    return uk_local(timezone.now()).date()


def agreements_to_activate(today: datetime.date | None = None) -> list[int]:
    today = today or uk_today()
    return list(
        dangerously_unscoped(Agreement)
        .filter(state=AgreementState.SIGNED, start_date__lte=today)
        .values_list("pk", flat=True)
    )


@transaction.atomic
def agreement_activate(*, agreement_id: int, today: datetime.date | None = None) -> bool:
    """A signed agreement whose start date has come is active: the placement has started."""
    today = today or uk_today()
    agreement = lock(dangerously_unscoped(Agreement).get(pk=agreement_id))
    if agreement.state != AgreementState.SIGNED or agreement.start_date > today:
        return False
    transition(
        agreement,
        to=AgreementState.ACTIVE,
        table=AGREEMENT_TRANSITIONS,
        event="activated",
        actor=None,
        reason=f"The placement started on {agreement.start_date.isoformat()}.",
    )
    return True


def activate_started_agreements() -> int:
    return sum(agreement_activate(agreement_id=pk) for pk in agreements_to_activate())


def _waiting_since(version: AgreementVersion) -> datetime.datetime | None:
    if version.state == VersionState.ISSUED:
        return version.issued_at
    if version.state == VersionState.PROVIDER_SIGNED:
        return version.provider_signed_at
    return None


def versions_to_remind(now: datetime.datetime | None = None) -> list[int]:
    due = (now or timezone.now()) - REMIND_AFTER
    return list(
        dangerously_unscoped(AgreementVersion)
        .filter(
            Q(state=VersionState.ISSUED, issued_at__lte=due)
            | Q(state=VersionState.PROVIDER_SIGNED, provider_signed_at__lte=due)
        )
        .filter(Q(agreement__reminded_at__isnull=True) | Q(agreement__reminded_at__lte=due))
        .values_list("pk", flat=True)
    )


@transaction.atomic
def version_remind(*, version_id: int, now: datetime.datetime | None = None) -> bool:
    """Remind the party whose turn it is, if the version is still unsigned and nobody was
    reminded of it within the interval (`Agreement.reminded_at`)."""
    now = now or timezone.now()
    version = dangerously_unscoped(AgreementVersion).get(pk=version_id)
    agreement = lock(version.agreement)
    version = lock(version)
    since = _waiting_since(version)
    due = now - REMIND_AFTER
    if since is None or since > due:
        return False
    if agreement.reminded_at is not None and agreement.reminded_at > max(due, since):
        return False
    provider_turn = version.state == VersionState.ISSUED
    remind(agreement, version, provider_turn=provider_turn, at=now.strftime("%Y%m%d%H%M"))
    agreement.reminded_at = now
    agreement.save(update_fields=["reminded_at"])
    return True


def remind_unsigned_agreements() -> int:
    return sum(version_remind(version_id=pk) for pk in versions_to_remind())
