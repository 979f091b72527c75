"""Outcomes of moderation: a pass approves the settings on the lots applied for; a fail tells the
provider which requirements failed and why, and when it may apply again.

A pass can be partial: a setting that failed one of its own requirements is not admitted while
the others are, and a setting is admitted only on the lots it gave a weekly price for. The
provider is told exactly that, on the page and in the e-mail, from one `OutcomeSummary`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record
from fps_portal.notifications.services import notify
from fps_portal.transitions import transition
from providers.models import (
    APPLICATION_TRANSITIONS,
    AdditionalService,
    Application,
    ApplicationState,
    Lot,
    Setting,
    SettingLot,
    Verdict,
)
from providers.services._common import provider_users
from providers.services.window_messages import next_window_message


@dataclass(frozen=True)
class NotMet:
    """A requirement whose final result is fail, with the reason the provider is given."""

    requirement: str
    reason: str


@dataclass(frozen=True)
class SettingOutcome:
    """One setting of a moderated application.

    `admitted` is true when the application passed and none of the setting's own requirements
    failed; it is then on `lots` (those it gave a weekly price for) and not on `unpriced_lots`.
    """

    setting: Setting
    admitted: bool
    lots: list[Lot]
    unpriced_lots: list[Lot]
    not_met: list[NotMet]

    @property
    def lots_in_words(self) -> str:
        return lots_in_words(self.lots)

    @property
    def unpriced_lots_in_words(self) -> str:
        return lots_in_words(self.unpriced_lots)


@dataclass(frozen=True)
class OutcomeSummary:
    """Which settings were admitted on which lots, which were not, and why."""

    passed: bool
    settings: list[SettingOutcome]
    organisation_not_met: list[NotMet]
    lots_without_setting: list[Lot]

    @property
    def admitted(self) -> list[SettingOutcome]:
        return [s for s in self.settings if s.admitted]

    @property
    def not_admitted(self) -> list[SettingOutcome]:
        return [s for s in self.settings if not s.admitted]

    @property
    def lots_without_setting_in_words(self) -> str:
        return lots_in_words(self.lots_without_setting)


def lots_in_words(lots: Sequence[Lot]) -> str:
    """The lots as a phrase: "lot 1 (52-week placements) and lot 3 (Day placements)"."""
    names = [f"lot {lot.code} ({lot.name})" for lot in lots]
    if len(names) < 2:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def outcome_summary(application: Application) -> OutcomeSummary:
    """The outcome of a moderated application, setting by setting (four queries).

    A setting is admitted by the rule moderation applies: the application passed and none of
    the setting's own requirements failed.
    """
    failures = application.results.filter(final_result=Verdict.FAIL).select_related("setting")
    organisation_not_met: list[NotMet] = []
    not_met_by_setting: dict[int, list[NotMet]] = defaultdict(list)
    for result in failures.order_by("id"):
        item = NotMet(requirement=result.get_requirement_display(), reason=result.final_reason)
        if result.setting_id is None:
            organisation_not_met.append(item)
        else:
            not_met_by_setting[result.setting_id].append(item)
    lots = list(application.lots.order_by("display_order", "code"))
    priced: dict[int, set[int]] = defaultdict(set)
    for setting_id, lot_id in application.prices.values_list("setting_id", "lot_id"):
        priced[setting_id].add(lot_id)
    passed = application.state == ApplicationState.PASSED
    settings = [
        SettingOutcome(
            setting=setting,
            admitted=passed and not not_met_by_setting.get(setting.pk),
            lots=[lot for lot in lots if lot.pk in priced[setting.pk]],
            unpriced_lots=[lot for lot in lots if lot.pk not in priced[setting.pk]],
            not_met=not_met_by_setting.get(setting.pk, []),
        )
        for setting in application.settings.order_by("name", "pk")
    ]
    on_some_lot = {lot.pk for s in settings if s.admitted for lot in s.lots}
    return OutcomeSummary(
        passed=passed,
        settings=settings,
        organisation_not_met=organisation_not_met,
        lots_without_setting=[lot for lot in lots if passed and lot.pk not in on_some_lot],
    )


def _set_outcome(application: Application, *, state: str, actor: Actor, reason: str) -> None:
    """Within moderation's transaction and row lock: under evaluation -> passed or failed."""
    transition(
        application,
        to=state,
        table=APPLICATION_TRANSITIONS,
        event="outcome",
        by=actor.user,
        also={"outcome_reason": reason.strip()},
        what="application",
        actor=actor,
        reason=reason,
    )


def application_pass(
    *, application: Application, actor: Actor, passed_setting_ids: Iterable[int], reason: str
) -> None:
    """Within moderation's transaction: approve each passed setting on each lot it priced.

    The rows are approved now, but search shows only settings of providers with an active
    membership, and the membership becomes active when the agreement is signed.
    """
    passed = set(passed_setting_ids)
    now = timezone.now()
    _set_outcome(application, state=ApplicationState.PASSED, actor=actor, reason=reason)
    # The tendered prices (frozen at submission) are approved. An offer the lead authority
    # approved before keeps its approved price: a change to it is a proposal of its own.
    for price in application.prices.filter(setting_id__in=passed):
        offer = SettingLot.objects.filter(setting_id=price.setting_id, lot_id=price.lot_id).first()
        if offer is None:
            SettingLot.objects.create(
                setting_id=price.setting_id,
                lot_id=price.lot_id,
                weekly_price=price.weekly_price,
                approved_at=now,
                price_effective_from=timezone.localdate(),
            )
        elif offer.approved_at is None:
            offer.weekly_price, offer.approved_at = price.weekly_price, now
            offer.price_effective_from = timezone.localdate()
            offer.save(update_fields=["weekly_price", "approved_at", "price_effective_from"])
    # The services are on the settings' own list already; one tendered before that list was the
    # only one (issue 10) is added if it is missing, never changed.
    for line in application.service_prices.filter(setting_id__in=passed):
        AdditionalService.objects.get_or_create(
            setting_id=line.setting_id,
            name=line.name,
            defaults={"unit": line.unit, "rate": line.rate},
        )
    audit_record(
        actor=actor,
        verb=AuditVerb.UPDATED,
        obj=application,
        after={"approved_settings": sorted(passed)},
        reason="Settings approved on the lots applied for",
    )
    summary = outcome_summary(application)
    notify(
        recipients=provider_users(application.provider_id),
        event_key=f"application-outcome:{application.pk}",
        template="notifications/application_passed",
        context={
            "system": application.purchasing_system,
            "summary": summary,
            "next_window": (
                next_window_message(system=application.purchasing_system)
                if summary.not_admitted
                else ""
            ),
        },
        url=reverse("providers:agreement-sign", args=[application.pk]),
    )


def application_fail(*, application: Application, actor: Actor, reason: str) -> None:
    _set_outcome(application, state=ApplicationState.FAILED, actor=actor, reason=reason)
    failed = application.results.filter(final_result=Verdict.FAIL).select_related("setting")
    notify(
        recipients=provider_users(application.provider_id),
        event_key=f"application-outcome:{application.pk}",
        template="notifications/application_failed",
        context={
            "failed": failed,
            "next_window": next_window_message(system=application.purchasing_system),
        },
        url=reverse("providers:application-detail", args=[application.pk]),
    )
