"""Who hears of each step of signing an IPA, and what they read (issue 12).

Issued: the provider's users. Signed by the provider: the authority's named signatory, the one
person who may countersign. Countersigned: both parties (the provider's users, the named
signatory and whoever issued it). An e-mail never names the child: it names the agreement's
reference and the setting, and the page (for the two parties alone, each view audited) says the
rest. Each event is keyed by the version, so a retried call tells nobody twice.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse

from contracts.models import Agreement, AgreementVersion
from fps_portal.accounts.models import User
from fps_portal.accounts.recipients import provider_users
from fps_portal.notifications.services import notify


def _context(agreement: Agreement, version: AgreementVersion) -> dict[str, object]:
    return {
        "reference": agreement.reference,
        "order_number": agreement.order.number,
        "setting_name": agreement.order.setting_name,
        "authority_name": agreement.authority.name,
        "number": version.number,
        "content_sha256": version.content_sha256,
        "start_date": agreement.start_date,
    }


def _people(*groups: Iterable[User | None]) -> list[User]:
    seen: dict[int, User] = {}
    for group in groups:
        for user in group:
            if user is not None:
                seen.setdefault(user.pk, user)
    return list(seen.values())


def tell_issued(agreement: Agreement, version: AgreementVersion) -> None:
    if agreement.provider_id is None:
        return
    notify(
        recipients=provider_users(agreement.provider_id),
        event_key=f"contracts.version_issued.{version.pk}",
        template="notifications/contracts_issued",
        context=_context(agreement, version),
        url=reverse("contracts:agreement-sign", args=[agreement.pk]),
    )


def tell_provider_signed(agreement: Agreement, version: AgreementVersion) -> None:
    notify(
        recipients=_people([agreement.authority_signatory]),
        event_key=f"contracts.version_provider_signed.{version.pk}",
        template="notifications/contracts_provider_signed",
        context=_context(agreement, version),
        url=reverse("contracts:agreement-sign", args=[agreement.pk]),
    )


def tell_countersigned(agreement: Agreement, version: AgreementVersion) -> None:
    providers = provider_users(agreement.provider_id) if agreement.provider_id else []
    notify(
        recipients=_people(providers, [agreement.authority_signatory, version.issued_by]),
        event_key=f"contracts.version_signed.{version.pk}",
        template="notifications/contracts_countersigned",
        context=_context(agreement, version),
        url=reverse("contracts:agreement", args=[agreement.pk]),
    )


def remind(agreement: Agreement, version: AgreementVersion, *, provider_turn: bool, at: str) -> int:
    """The reminder of an unsigned version to the party whose turn it is; `at` keys the interval
    so each interval reminds once. The number of people told."""
    if provider_turn:
        people = list(provider_users(agreement.provider_id)) if agreement.provider_id else []
    else:
        people = _people([agreement.authority_signatory])
    made = notify(
        recipients=people,
        event_key=f"contracts.unsigned_reminder.{version.pk}.{at}",
        template="notifications/contracts_unsigned_reminder",
        context={**_context(agreement, version), "provider_turn": provider_turn},
        url=reverse("contracts:agreement-sign", args=[agreement.pk]),
    )
    return len(made)
