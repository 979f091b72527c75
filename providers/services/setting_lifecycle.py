"""A provider takes a setting off its list: deleting a draft, or withdrawing one.

- **Delete** is for a setting that was never part of a submitted application (a draft, a
  mistake, a duplicate): nothing the lead authority decided rests on it, so it goes, with its
  prices, services and overview, and out of the provider's draft applications.
- **Withdraw** is for every other setting (closed, sold, no longer offered). The row stays, for
  the record of the applications and placements that name it, but the setting leaves the FPS:
  its lot approvals end (`approved_at` cleared, so offering it again is a new application the
  lead authority evaluates), which takes it out of every commissioner's search (`listed`), and it
  leaves the provider's draft applications. The provider's membership of the FPS is its
  organisation's and is not touched. The lead authority's evaluators are told, with the reason.

Both are refused while the setting is in an application the lead authority has not decided yet
(submitted or under evaluation): that application must be withdrawn or decided first.
"""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record
from fps_portal.errors import InvalidInput, WrongState
from fps_portal.notifications.services import notify
from fps_portal.transitions import lock
from providers.models import (
    Application,
    ApplicationPrice,
    ApplicationServicePrice,
    ApplicationState,
    Setting,
    SettingLot,
)
from providers.services._common import lead_evaluators, require_provider
from providers.services.settings import setting_snapshot

REASON_MISSING = "Enter why the setting is being withdrawn."
REASON_MAX = 1000
REASON_TOO_LONG = f"The reason must be {REASON_MAX} characters or fewer."
ALREADY_WITHDRAWN = "This setting has already been withdrawn."
_UNDECIDED = (ApplicationState.SUBMITTED, ApplicationState.UNDER_EVALUATION)


def _undecided_application(setting: Setting) -> Application | None:
    return setting.applications.filter(state__in=_UNDECIDED).order_by("pk").first()


def setting_delete_blocker(setting: Setting) -> str:
    """Why this setting cannot be deleted; empty when it can. The page offers "Delete" only
    when this is empty, and the service asks it again under the lock."""
    if setting.is_withdrawn:
        return ALREADY_WITHDRAWN
    if setting.applications.filter(submitted_at__isnull=False).exists():
        return (
            "This setting was part of a submitted application, so it cannot be deleted. "
            "Withdraw it instead."
        )
    if setting.evidence.exists():
        return "Remove this setting's documents from your evidence library first, then delete it."
    return ""


def setting_withdraw_blocker(setting: Setting) -> str:
    """Why this setting cannot be withdrawn; empty when it can."""
    if setting.is_withdrawn:
        return ALREADY_WITHDRAWN
    if (application := _undecided_application(setting)) is not None:
        return (
            f"This setting is in {application}, which the lead authority has not decided yet. "
            "Withdraw that application first, or wait for its outcome."
        )
    return ""


def _leave_draft_applications(setting: Setting) -> list[int]:
    drafts = list(setting.applications.filter(state=ApplicationState.DRAFT).order_by("pk"))
    ids = [a.pk for a in drafts]
    ApplicationPrice.objects.filter(application_id__in=ids, setting=setting).delete()
    ApplicationServicePrice.objects.filter(application_id__in=ids, setting=setting).delete()
    setting.applications.remove(*drafts)
    return ids


def setting_delete(*, actor: Actor, setting: Setting) -> None:
    """Deletes a setting never submitted in an application (see the module's docstring)."""
    require_provider(actor, setting.provider_id)
    with transaction.atomic():
        locked = lock(setting)
        if blocker := setting_delete_blocker(locked):
            raise WrongState(blocker)
        before = setting_snapshot(locked)
        before["draft_applications"] = _leave_draft_applications(locked)
        audit_record(actor=actor, verb=AuditVerb.DELETED, obj=locked, before=before)
        locked.delete()


def setting_withdraw(*, actor: Actor, setting: Setting, reason: str) -> Setting:
    """Withdraws a setting from the FPS and the provider's list (see the module's docstring)."""
    require_provider(actor, setting.provider_id)
    reason = reason.strip()
    if not reason:
        raise InvalidInput.on_fields({"reason": REASON_MISSING})
    if len(reason) > REASON_MAX:
        raise InvalidInput.on_fields({"reason": REASON_TOO_LONG})
    with transaction.atomic():
        locked = lock(setting)
        if blocker := setting_withdraw_blocker(locked):
            raise WrongState(blocker)
        approved = list(
            SettingLot.objects.filter(setting=locked, approved_at__isnull=False)
            .select_related("lot")
            .order_by("lot__code")
        )
        was_listed = locked.listed
        drafts = _leave_draft_applications(locked)
        # Through each row's save, so the search fields (`listed`) are recomputed in step.
        for offer in approved:
            offer.approved_at = None
            offer.save(update_fields=["approved_at"])
        locked.withdrawn_at = timezone.now()
        locked.withdrawn_by = actor.user
        locked.withdrawal_reason = reason
        locked.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
        audit_record(
            actor=actor,
            verb=AuditVerb.STATE_CHANGED,
            obj=locked,
            before={
                "withdrawn_at": None,
                "listed": was_listed,
                "approved_lots": [o.lot.code for o in approved],
                "draft_applications": drafts,
            },
            after={
                "withdrawn_at": locked.withdrawn_at.isoformat(),
                "listed": locked.listed,
                "approved_lots": [],
            },
            reason=reason,
        )
        notify(
            recipients=lead_evaluators(),
            event_key=f"setting-withdrawn:{locked.pk}",
            template="notifications/setting_withdrawn",
            context={
                "setting": locked,
                "provider": locked.provider.name,
                "reason": reason,
                "lots": [o.lot.code for o in approved],
            },
            url=reverse("providers:setting-detail", args=[locked.pk]),
        )
    return locked
