"""Who sees what of the purchasing system, providers' settings, prices and judgements.

Authorities see every setting of a provider that is or was on the system (a placing authority
must still see a suspended setting where it has a child); providers see their own; forums see
settings of active members only, and never a price. The public (the forum's pages, open to
anyone) sees settings on the FPS and their published, confirmed inspections, never a price
(ADR 0005). Lots, areas of need, primary needs and the postcode and GIAS lookups are reference
data everyone may read.
"""

from __future__ import annotations

from django.db.models import QuerySet

from fps_portal.actors import Actor
from fps_portal.scoping import register_public_scope, register_reference_data, register_scope
from providers.models import (
    AdditionalService,
    AuthorityLocation,
    CheckStatus,
    FpsMembership,
    GiasEstablishment,
    InspectionJudgement,
    Lot,
    MembershipState,
    PostcodeDistrict,
    PriceChange,
    PrimaryNeed,
    PurchasingSystem,
    Setting,
    SettingLot,
    Specialism,
)
from providers.selectors.search.query import on_the_fps

register_reference_data(
    Lot, Specialism, PrimaryNeed, PostcodeDistrict, AuthorityLocation, GiasEstablishment
)


def _sees_everything(actor: Actor) -> bool:
    # Not a platform administrator by being staff: they see no organisation's data through the
    # portal or the API (the back office is theirs).
    return actor.is_lead_evaluator


@register_scope(PurchasingSystem)
def _purchasing_systems(qs: QuerySet[PurchasingSystem], actor: Actor) -> QuerySet[PurchasingSystem]:
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
    would only mislead them. Forums see what the public sees (`published_judgements`).
    """
    qs = _apply(qs, "setting__", actor)
    if _sees_everything(actor) or actor.is_provider:
        return qs
    if actor.is_authority:
        return qs.exclude(check_status=CheckStatus.REJECTED)
    return published_judgements(qs)


def published_judgements(qs: QuerySet[InspectionJudgement]) -> QuerySet[InspectionJudgement]:
    """What the public and forums may see of inspections: published, confirmed facts only.

    An inspection without a publication date is a draft the inspectorate has not published; a
    provider's own report the lead authority has not confirmed (or has rejected) is not a
    published fact. The one definition: the forum's scope, the public scope and so the forum's
    pages and the forum's API all read through it.
    """
    return qs.filter(check_status=CheckStatus.CONFIRMED, publication_date__isnull=False)


@register_public_scope(Setting)
def _public_settings(qs: QuerySet[Setting]) -> QuerySet[Setting]:
    return on_the_fps(qs)


@register_public_scope(InspectionJudgement)
def _public_judgements(qs: QuerySet[InspectionJudgement]) -> QuerySet[InspectionJudgement]:
    return published_judgements(qs.filter(setting__in=on_the_fps(Setting.objects.all())))


@register_scope(SettingLot)
def _setting_lots(qs: QuerySet[SettingLot], actor: Actor) -> QuerySet[SettingLot]:
    if actor.is_forum:
        return qs.none()  # prices are commercial information
    return _apply(qs, "setting__", actor)


@register_scope(PriceChange)
def _price_changes(qs: QuerySet[PriceChange], actor: Actor) -> QuerySet[PriceChange]:
    """The lead authority (it decides) and the setting's own provider. A commissioner sees only
    that a change is pending (`SettingLot.change_pending`), never an unapproved price."""
    if _sees_everything(actor):
        return qs
    if actor.is_provider:
        return qs.filter(offer__setting__provider_id=actor.organisation_id)
    return qs.none()


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
