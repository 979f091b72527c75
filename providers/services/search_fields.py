"""Keeps the search fields on Setting true: `listed`, `cheapest_price`, `cheapest_lot`.

They are derived from the setting's approved offers (SettingLot.approved_at, weekly_price) and its
provider's membership (FpsMembership.state). Signal receivers recompute them whenever an offer or
a membership is saved or deleted, and whenever a setting is saved (so a stale Setting instance
saved later cannot write old values back); the receivers run inside the writer's transaction,
so the search never sees a half-applied change. Bulk writes (the large demo data set) call
`settings_refresh_search_fields` themselves.

Two writers changing offers of the same setting at once (say two lots approved in two requests)
would each see only their own uncommitted offer, and the later commit would write a cheapest price
that ignores the other. So the recompute first locks the settings' rows, in primary-key order (no
deadlock between a membership change and an offer change): the second writer waits for the first
to commit, and under READ COMMITTED its next statements read the committed offers.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from providers.models import FpsMembership, MembershipState, Setting, SettingLot


def settings_refresh_search_fields(setting_ids: Iterable[int] | None = None) -> int:
    """Recomputes the search fields of these settings (every setting when None).

    Returns how many settings changed. Three queries, whatever the number of settings, plus the
    savepoint when called inside a transaction.
    """
    with transaction.atomic():
        return _refresh(setting_ids)


def _refresh(setting_ids: Iterable[int] | None) -> int:
    settings = Setting.objects.order_by("pk").select_for_update()
    offers = SettingLot.objects.filter(approved_at__isnull=False)
    if setting_ids is not None:
        ids = set(setting_ids)
        if not ids:
            return 0
        settings = settings.filter(pk__in=ids)
        offers = offers.filter(setting_id__in=ids)
    rows = list(
        settings.values_list(
            "pk", "provider_id", "listed", "cheapest_price", "cheapest_lot_id", "withdrawn_at"
        )
    )
    if not rows:
        return 0
    active = set(
        FpsMembership.objects.filter(
            state=MembershipState.ACTIVE, provider_id__in={r[1] for r in rows}
        ).values_list("provider_id", flat=True)
    )
    cheapest: dict[int, tuple[Decimal, int]] = {}
    # The same order the search used to pick a setting's cheapest lot: price, then lot order.
    for setting_id, offer_price, offer_lot_id in offers.order_by(
        "setting_id", "weekly_price", "lot__display_order", "lot__code"
    ).values_list("setting_id", "weekly_price", "lot_id"):
        cheapest.setdefault(setting_id, (offer_price, offer_lot_id))
    changed = []
    for pk, provider_id, listed, price, lot_id, withdrawn_at in rows:
        new_price: Decimal | None
        new_lot: int | None
        new_price, new_lot = cheapest.get(pk, (None, None))
        # A withdrawn setting is never on the FPS, whatever is left of its offers.
        new_listed = provider_id in active and pk in cheapest and withdrawn_at is None
        if (listed, price, lot_id) != (new_listed, new_price, new_lot):
            changed.append(
                Setting(pk=pk, listed=new_listed, cheapest_price=new_price, cheapest_lot_id=new_lot)
            )
    Setting.objects.bulk_update(
        changed, ["listed", "cheapest_price", "cheapest_lot"], batch_size=1000
    )
    return len(changed)


@receiver(post_save, sender=SettingLot, dispatch_uid="search_fields_offer_saved")
@receiver(post_delete, sender=SettingLot, dispatch_uid="search_fields_offer_deleted")
def _offer_changed(sender: Any, instance: SettingLot, **kwargs: Any) -> None:
    settings_refresh_search_fields([instance.setting_id])


@receiver(post_save, sender=FpsMembership, dispatch_uid="search_fields_membership_saved")
@receiver(post_delete, sender=FpsMembership, dispatch_uid="search_fields_membership_deleted")
def _membership_changed(sender: Any, instance: FpsMembership, **kwargs: Any) -> None:
    settings_refresh_search_fields(
        Setting.objects.filter(provider_id=instance.provider_id).values_list("pk", flat=True)
    )


@receiver(post_save, sender=Setting, dispatch_uid="search_fields_setting_saved")
def _setting_saved(sender: Any, instance: Setting, created: bool, raw: bool, **kwargs: Any) -> None:
    if raw:  # loading fixtures: the offers and memberships may not be there yet
        return
    if created and instance.listed is False and instance.cheapest_price is None:
        return  # a new setting has no approved offer yet: nothing to derive
    settings_refresh_search_fields([instance.pk])
    # Keep the saved instance in step with its row.
    fresh = Setting.objects.filter(pk=instance.pk).values(
        "listed", "cheapest_price", "cheapest_lot_id"
    )
    for name, value in (fresh.first() or {}).items():
        setattr(instance, name, value)
