"""Writes for the second factor: setting up an authenticator app, checking codes, recovery
codes. Each is atomic and audited; a wrong code is audited too, so guessing shows in the log."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from fps_portal.accounts.models import User
from fps_portal.actors import actor_for_user
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record

RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
_NOT_CODE_CHARACTERS = re.compile(r"[\s-]+")


@dataclass(frozen=True)
class CodeCheck:
    """The outcome of a code: accepted (with the device that accepted it), wrong, or refused
    unchecked because too many wrong codes came just before (`retry_after` seconds)."""

    device: TOTPDevice | StaticDevice | None
    retry_after: int = 0

    @property
    def accepted(self) -> bool:
        return self.device is not None


def normalise_code(value: str) -> str:
    """Codes as typed, without the spaces and hyphens people copy with them."""
    return _NOT_CODE_CHARACTERS.sub("", value).lower()


def confirmed_app(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def recovery_device(user: User) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def app_for_enrolment(*, user: User, device_id: int | None) -> TOTPDevice:
    """The authenticator app being set up in this session (`device_id`, kept in the session):
    the same key until it is confirmed, so reloading the page keeps what was scanned. Another
    session gets a new key, and any key shown before stops working: a key someone else saw
    cannot become this person's app."""
    with transaction.atomic():
        device = TOTPDevice.objects.filter(pk=device_id, user=user, confirmed=False).first()
        if device is None:
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def _wait_seconds(device: TOTPDevice | StaticDevice) -> int:
    allowed, data = device.verify_is_allowed()
    if allowed or not data or "locked_until" not in data:
        return 0
    return max(1, int((data["locked_until"] - timezone.now()).total_seconds()) + 1)


def _check(*, user: User, device: TOTPDevice | StaticDevice, code: str, what: str) -> CodeCheck:
    if wait := _wait_seconds(device):
        return CodeCheck(device=None, retry_after=wait)
    with transaction.atomic():
        if device.verify_token(code):
            return CodeCheck(device=device)
        audit_record(
            actor=actor_for_user(user),
            verb=AuditVerb.MFA_FAILED,
            obj=user,
            reason=f"Wrong {what} ({device.throttling_failure_count} in a row)",
        )
    return CodeCheck(device=None)


def app_enrolment_confirm(
    *, user: User, device: TOTPDevice, code: str
) -> tuple[CodeCheck, list[str]]:
    """Confirms the app being set up with a code it shows; on success the person also gets
    their first recovery codes (returned once, to show once)."""
    if device.user_id != user.pk or device.confirmed:
        raise ValueError("Only the person's own unconfirmed app can be confirmed.")
    check = _check(user=user, device=device, code=normalise_code(code), what="set-up code")
    if not check.accepted:
        return check, []
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        codes = _replace_recovery_codes(user)
        audit_record(
            actor=actor_for_user(user),
            verb=AuditVerb.MFA_ENROLLED,
            obj=user,
            reason=f"Set up an authenticator app and got {len(codes)} recovery codes",
        )
    return check, codes


def _second_step(
    user: User,
    device: TOTPDevice | StaticDevice | None,
    code: str,
    *,
    what: str,
    verb: AuditVerb,
    reason: Callable[[], str],
) -> CodeCheck:
    """One code for the second sign-in step: its use and its audit row together."""
    if device is None:
        return CodeCheck(device=None)
    with transaction.atomic():
        check = _check(user=user, device=device, code=normalise_code(code), what=what)
        if check.accepted:
            audit_record(actor=actor_for_user(user), verb=verb, obj=user, reason=reason())
    return check


def app_code_check(*, user: User, code: str) -> CodeCheck:
    return _second_step(
        user,
        confirmed_app(user),
        code,
        what="app code",
        verb=AuditVerb.MFA_VERIFIED,
        reason=lambda: "App code",
    )


def recovery_code_use(*, user: User, code: str) -> CodeCheck:
    """Accepts one recovery code, once: it is deleted as it is used."""
    # The codes left are counted after this one is used up.
    return _second_step(
        user,
        recovery_device(user),
        code,
        what="recovery code",
        verb=AuditVerb.RECOVERY_CODE_USED,
        reason=lambda: f"{recovery_codes_left(user)} recovery codes left",
    )


def recovery_codes_replace(*, user: User) -> list[str]:
    """New recovery codes for a verified session; the old ones stop working."""
    with transaction.atomic():
        codes = _replace_recovery_codes(user)
        audit_record(
            actor=actor_for_user(user),
            verb=AuditVerb.RECOVERY_CODES_ISSUED,
            obj=user,
            reason=f"{len(codes)} new recovery codes; earlier ones no longer work",
        )
    return codes


def _replace_recovery_codes(user: User) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    # 16 base32 characters (80 bits) each, django-otp's longest; wrong codes slow down
    # exponentially, so they cannot be guessed online.
    codes = [_random_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def _random_recovery_code() -> str:
    return StaticToken.random_token() + StaticToken.random_token()


def formatted_code(code: str) -> str:
    """A recovery code in groups of four, easier to copy by hand: abcd-efgh-ijkl-mnop."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))
