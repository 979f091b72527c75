"""What a page says instead of its form once the action is no longer possible: what happened, and
where to go. Whether it is possible is decided by the services' own predicates (`*_blocker`); this
module only words the notice."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.urls import reverse

from fps_portal.actors import Actor
from fps_portal.dates import govuk_date
from fps_portal.scoping import scoped
from providers.models import (
    Application,
    ClarificationQuestion,
    FpsMembership,
    MembershipState,
    Moderation,
    Verdict,
)


@dataclass(frozen=True)
class Notice:
    text: str
    url: str
    link_text: str


def _day(moment: datetime.datetime | None) -> str:
    return govuk_date(moment)


def evaluation_notice(actor: Actor, application: Application, blocker: str) -> Notice:
    """For the evaluate and moderate pages of an application that has moved on."""
    url = reverse("providers:evaluation-detail", args=[application.pk])
    moderation = scoped(Moderation, actor).filter(application=application).first()
    if moderation is not None:
        outcome = "passed" if moderation.outcome == Verdict.PASS else "failed"
        return Notice(
            f"This application was moderated on {_day(moderation.moderated_at)}: {outcome}.",
            url,
            "See the outcome",
        )
    return Notice(blocker, url, "See the application")


def clarification_notice(clarification: ClarificationQuestion, blocker: str) -> Notice:
    url = reverse("providers:application-detail", args=[clarification.application_id])
    if clarification.withdrawn_at is not None:
        text = (
            f"The evaluators withdrew this question on {_day(clarification.withdrawn_at)}, so "
            "it needs no answer."
        )
    elif clarification.answered_at is not None:
        text = f"This question was answered on {_day(clarification.answered_at)}."
    else:
        text = blocker
    return Notice(text, url, "See your application")


def agreement_notice(
    application: Application, membership: FpsMembership | None, blocker: str
) -> Notice:
    # Only called when the service's predicate refused; an active, signed membership means the
    # refusal is "already signed".
    if (
        membership is not None
        and membership.state == MembershipState.ACTIVE
        and membership.agreement_signed_at is not None
    ):
        return Notice(
            f"The agreement was signed on {_day(membership.agreement_signed_at)} by "
            f"{membership.agreement_signatory_name}.",
            reverse("providers:membership-status"),
            "See your membership",
        )
    return Notice(
        blocker,
        reverse("providers:application-detail", args=[application.pk]),
        "See your application",
    )
