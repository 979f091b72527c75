"""The concerns' pages' object for the accessibility gate (tests/browser/pages.py): a Sefton
concern about the demo provider's own setting (Northshore's), raised by the QA officer and
escalated to stage 2, so the provider persona sees it and answers it, with every kind of entry
on its record."""

from __future__ import annotations

from fps_portal.accounts.models import User
from fps_portal.actors import actor_for_user
from providers.models import Setting
from quality.services.concern_escalation import concern_escalate
from quality.services.concerns import concern_raise, concern_record


def build_concern_pages(*, setting: Setting, qa: User, provider: User) -> dict[str, int]:
    raiser, answerer = actor_for_user(qa), actor_for_user(provider)
    assert raiser is not None and answerer is not None
    concern = concern_raise(
        actor=raiser,
        setting=setting,
        category="communication",
        summary="Parents not told of two incidents",
        description="Two restraint incidents in November were not reported to the parents.",
        immediate_safety=True,
    )
    concern_record(actor=raiser, concern=concern, kind="decided", text="Ask for the log.")
    concern = concern_escalate(
        actor=raiser, concern=concern, reason="The log was not sent.", provider_contact="Head"
    )
    concern_record(actor=answerer, concern=concern, kind="answered", text="Log sent today.")
    return {"concern": concern.pk}
