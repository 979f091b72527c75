"""Outcomes of moderation: a pass approves the settings on the lots applied for; a fail tells the
provider which requirements failed and why, and when it may apply again."""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse
from django.utils import timezone

from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record
from fps_portal.notifications.services import notify
from providers.models import (
    AdditionalService,
    Application,
    ApplicationState,
    SettingLot,
    Verdict,
)
from providers.services._common import provider_users
from providers.services.windows import next_window_message


def _set_outcome(application: Application, *, state: str, actor: Actor, reason: str) -> None:
    application.state, application.outcome_at, application.outcome_by = (
        state,
        timezone.now(),
        actor.user,
    )
    application.outcome_reason = reason.strip()
    application.save(update_fields=["state", "outcome_at", "outcome_by", "outcome_reason"])
    audit_record(
        actor=actor,
        verb=AuditVerb.STATE_CHANGED,
        obj=application,
        before={"state": ApplicationState.UNDER_EVALUATION},
        after={"state": state},
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
    for price in application.prices.filter(setting_id__in=passed):
        SettingLot.objects.update_or_create(
            setting_id=price.setting_id,
            lot_id=price.lot_id,
            defaults={
                "weekly_price": price.weekly_price,
                "approved_at": now,
                "price_effective_from": timezone.localdate(),
            },
        )
    for line in application.service_prices.filter(setting_id__in=passed):
        existing = AdditionalService.objects.filter(
            setting_id=line.setting_id, name=line.name
        ).first()
        if existing is None:
            AdditionalService.objects.create(
                setting_id=line.setting_id, name=line.name, unit=line.unit, rate=line.rate
            )
        else:
            existing.unit, existing.rate = line.unit, line.rate
            existing.save(update_fields=["unit", "rate"])
    audit_record(
        actor=actor,
        verb=AuditVerb.UPDATED,
        obj=application,
        after={"approved_settings": sorted(passed)},
        reason="Settings approved on the lots applied for",
    )
    notify(
        recipients=provider_users(application.provider_id),
        event_key=f"application-outcome:{application.pk}",
        subject="Your application has passed",
        body=(
            f"Your application to join {application.purchasing_system} has passed. Sign the FPS "
            "agreement "
            "to become a member; your settings appear to every authority once it is signed."
        ),
        url=reverse("providers:agreement-sign", args=[application.pk]),
    )


def application_fail(*, application: Application, actor: Actor, reason: str) -> None:
    _set_outcome(application, state=ApplicationState.FAILED, actor=actor, reason=reason)
    failed = application.results.filter(final_result=Verdict.FAIL).select_related("setting")
    lines = [
        f"- {r.get_requirement_display()}{f' ({r.setting.name})' if r.setting else ''}: "
        f"{r.final_reason}"
        for r in failed
    ]
    notify(
        recipients=provider_users(application.provider_id),
        event_key=f"application-outcome:{application.pk}",
        subject="Your application was not successful",
        body=(
            "Your application was not successful. These requirements were not met:\n"
            + "\n".join(lines)
            + f"\n\n{next_window_message(system=application.purchasing_system)}"
        ),
        url=reverse("providers:application-detail", args=[application.pk]),
    )
