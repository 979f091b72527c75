"""Who sees what of the purchasing system, providers' settings, prices and judgements.

Authorities see every setting of a provider that is or was on the system (a placing authority
must still see a suspended setting where it has a child); providers see their own; forums see
settings of active members only, and never a price.
"""

from __future__ import annotations

from django.db.models import QuerySet

from fps_portal.actors import Actor
from fps_portal.scoping import register_scope
from providers.models import (
    AdditionalService,
    CheckStatus,
    FpsMembership,
    InspectionJudgement,
    Lot,
    MembershipState,
    PurchasingSystem,
    Setting,
    SettingLot,
)


def _sees_everything(actor: Actor) -> bool:
    return actor.is_lead_evaluator or actor.is_platform_admin


@register_scope(PurchasingSystem)
def _purchasing_systems(qs: QuerySet[PurchasingSystem], actor: Actor) -> QuerySet[PurchasingSystem]:
    return qs


@register_scope(Lot)
def _lots(qs: QuerySet[Lot], actor: Actor) -> QuerySet[Lot]:
    return qs


def _settings_filter(prefix: str, actor: Actor) -> dict[str, object] | None:
    """The filter for settings reached through `prefix`; None means no restriction."""
    if _sees_everything(actor):
        return None
    # IN (subquery) rather than a join, so no row is repeated and no DISTINCT is needed.
    members = FpsMembership.objects.values("provider_id")
    if actor.is_authority:
        return {f"{prefix}provider_id__in": members}
    if actor.is_provider:
        return {f"{prefix}provider_id": actor.organisation_id}
    if actor.is_forum:
        return {f"{prefix}provider_id__in": members.filter(state=MembershipState.ACTIVE)}
    return {f"{prefix}pk__in": []}


def _apply(qs: QuerySet, prefix: str, actor: Actor) -> QuerySet:
    lookup = _settings_filter(prefix, actor)
    return qs if lookup is None else qs.filter(**lookup)


@register_scope(Setting)
def _settings(qs: QuerySet[Setting], actor: Actor) -> QuerySet[Setting]:
    return _apply(qs, "", actor)


@register_scope(InspectionJudgement)
def _judgements(qs: QuerySet[InspectionJudgement], actor: Actor) -> QuerySet[InspectionJudgement]:
    """The lead authority and the setting's provider see every judgement, whatever its check.

    Other authorities also see a provider's report awaiting check (marked as such, never as the
    band): a provider reporting a worse inspection is a warning a commissioner should have now,
    not after the check. A rejected report is known not to match a published inspection, so it
    would only mislead them. Forums see confirmed judgements only: they show published facts.
    """
    qs = _apply(qs, "setting__", actor)
    if _sees_everything(actor) or actor.is_provider:
        return qs
    if actor.is_authority:
        return qs.exclude(check_status=CheckStatus.REJECTED)
    return qs.filter(check_status=CheckStatus.CONFIRMED)


@register_scope(SettingLot)
def _setting_lots(qs: QuerySet[SettingLot], actor: Actor) -> QuerySet[SettingLot]:
    if actor.is_forum:
        return qs.none()  # prices are commercial information
    return _apply(qs, "setting__", actor)


@register_scope(AdditionalService)
def _additional_services(
    qs: QuerySet[AdditionalService], actor: Actor
) -> QuerySet[AdditionalService]:
    if actor.is_forum:
        return qs.none()
    return _apply(qs, "setting__", actor)


@register_scope(FpsMembership)
def _memberships(qs: QuerySet[FpsMembership], actor: Actor) -> QuerySet[FpsMembership]:
    if _sees_everything(actor) or actor.is_authority:
        return qs
    if actor.is_provider:
        return qs.filter(provider_id=actor.organisation_id)
    if actor.is_forum:
        return qs.filter(state=MembershipState.ACTIVE)
    return qs.none()
