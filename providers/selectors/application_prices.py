"""The price lines an application shows: while it is a draft, its settings' own price list for
the round (one list, so the two cannot differ); once submitted, the copy frozen then, the record
of what was tendered (`providers.services.application_prices`).

Both kinds of line have `setting`, `lot` and `weekly_price` (prices) or `setting`, `name`, `unit`
and `rate` (services), so pages and the API show either the same way.
"""

from __future__ import annotations

from django.db.models import QuerySet

from providers.models import (
    AdditionalService,
    Application,
    ApplicationPrice,
    ApplicationServicePrice,
    ApplicationState,
    SettingLot,
)


def round_offers(application: Application) -> QuerySet[SettingLot]:
    """The settings' offers on the lots of the round."""
    return (
        SettingLot.objects.filter(
            setting__in=application.settings.all(), lot__in=application.lots.all()
        )
        .select_related("setting", "lot")
        .order_by("setting__name", "lot__display_order", "lot__code")
    )


def round_services(application: Application) -> QuerySet[AdditionalService]:
    """The settings' additional services."""
    return (
        AdditionalService.objects.filter(setting__in=application.settings.all())
        .select_related("setting")
        .order_by("setting__name", "name", "pk")
    )


def _live(application: Application) -> bool:
    return application.state == ApplicationState.DRAFT


def _prefetched(application: Application, name: str) -> bool:
    # The API prefetches the frozen lines for a page of applications; a page of one reads them
    # with their settings and lots.
    return name in getattr(application, "_prefetched_objects_cache", {})


def price_lines(application: Application) -> list[ApplicationPrice] | list[SettingLot]:
    if _live(application):
        return list(round_offers(application))
    if _prefetched(application, "prices"):
        return list(application.prices.all())
    return list(application.prices.select_related("setting", "lot"))


def service_lines(
    application: Application,
) -> list[ApplicationServicePrice] | list[AdditionalService]:
    if _live(application):
        return list(round_services(application))
    if _prefetched(application, "service_prices"):
        return list(application.service_prices.all())
    return list(application.service_prices.select_related("setting"))
