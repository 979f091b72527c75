"""Sign-in and sign-out go into the audit log. Django announces them only by signal."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from fps_portal.actors import actor_for_user
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record


@receiver(user_logged_in, dispatch_uid="audit_signed_in")
def _signed_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(actor=actor_for_user(user), verb=AuditVerb.SIGNED_IN, obj=user)


@receiver(user_logged_out, dispatch_uid="audit_signed_out")
def _signed_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(actor=actor_for_user(user), verb=AuditVerb.SIGNED_OUT, obj=user)


@receiver(user_login_failed, dispatch_uid="audit_sign_in_failed")
def _sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    # The e-mail typed is kept (never the password) so repeated guessing can be spotted.
    audit_record(
        actor=None,
        verb=AuditVerb.SIGNED_IN_FAILED,
        object_type="accounts.user",
        reason=f"Sign-in failed for {str(credentials.get('username', ''))[:200]}",
    )
