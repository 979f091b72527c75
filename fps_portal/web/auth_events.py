"""Sign-in and sign-out go into the audit log. Django announces them only by signal.

Each receiver opens its own atomic block: the event it records (a sign-in, a lockout) has already
happened when the signal fires, and `audit_record` refuses to run outside one.
"""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.dispatch import receiver

from fps_portal.accounts.sign_in_limits import client_ip
from fps_portal.actors import actor_for_user
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record


@receiver(user_logged_in, dispatch_uid="audit_signed_in")
def _signed_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    with transaction.atomic():
        audit_record(actor=actor_for_user(user), verb=AuditVerb.SIGNED_IN, obj=user)


@receiver(user_logged_out, dispatch_uid="audit_signed_out")
def _signed_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        with transaction.atomic():
            audit_record(actor=actor_for_user(user), verb=AuditVerb.SIGNED_OUT, obj=user)


@receiver(user_login_failed, dispatch_uid="audit_sign_in_failed")
def _sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    # The e-mail typed is kept (never the password) so repeated guessing can be spotted.
    with transaction.atomic():
        audit_record(
            actor=None,
            verb=AuditVerb.SIGNED_IN_FAILED,
            object_type="accounts.user",
            reason=f"Sign-in failed for {str(credentials.get('username', ''))[:200]}"
            + (f" from {client_ip(request)}" if request is not None else ""),
        )


@receiver(user_locked_out, dispatch_uid="audit_locked_out")
def _locked_out(
    sender: Any, request: Any, username: str | None, ip_address: str | None, **kwargs: Any
) -> None:
    # Sent by django-axes when an e-mail reaches the limit from an address, and again for each
    # attempt refused while it stays locked out.
    with transaction.atomic():
        audit_record(
            actor=None,
            verb=AuditVerb.LOCKED_OUT,
            object_type="accounts.user",
            reason=(
                f"Sign-in locked out for {str(username or '')[:200]} from {ip_address} after "
                f"{settings.AXES_FAILURE_LIMIT} failed attempts"
            ),
        )
