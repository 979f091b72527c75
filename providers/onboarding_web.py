"""Navigation entries and dashboard work queues for onboarding, registered at start-up."""

from __future__ import annotations

from django.urls import reverse

from fps_portal.accounts.models import Role
from fps_portal.actors import Actor
from fps_portal.context_processors import register_nav
from fps_portal.scoping import scoped
from fps_portal.web.dashboard import Panel, QueueItem, register_panel
from providers.inspections.selectors import judgements_awaiting_check
from providers.models import (
    Application,
    ApplicationState,
    EvaluationWindow,
    WindowState,
)
from providers.selectors.onboarding_queues import (
    applications_awaiting_evaluation,
    applications_awaiting_moderation,
    clarifications_to_answer,
)
from providers.services.membership import applications_with_agreement_to_sign
from providers.services.price_changes import price_changes_pending

register_nav(
    "Applications",
    "providers:application-list",
    lambda actor: actor is not None and actor.is_provider,
)
register_nav(
    "Evidence", "providers:evidence-list", lambda actor: actor is not None and actor.is_provider
)
register_nav(
    "Windows", "providers:window-list", lambda actor: actor is not None and actor.is_lead_evaluator
)
register_nav(
    "The FPS", "providers:fps-manage", lambda actor: actor is not None and actor.is_lead_evaluator
)
register_nav(
    "Memberships",
    "providers:membership-list",
    lambda actor: actor is not None and actor.is_lead_evaluator,
)


@register_panel(roles={Role.PROVIDER_USER}, order=10)
def provider_onboarding_panel(actor: Actor) -> Panel:
    applications = scoped(Application, actor)
    drafts = applications.filter(state=ApplicationState.DRAFT).count()
    questions = clarifications_to_answer(actor).count()
    to_sign_count = len(applications_with_agreement_to_sign(actor))
    url = reverse("providers:application-list")
    return Panel(
        title="Joining the FPS",
        items=[
            QueueItem(label="Application drafts", count=drafts, url=url),
            QueueItem(
                label="Clarification questions to answer",
                count=questions,
                url=reverse("providers:clarification-list"),
            ),
            QueueItem(label="Agreements to sign", count=to_sign_count, url=url),
        ],
    )


@register_panel(roles={Role.LEAD_EVALUATOR}, order=10)
def evaluator_onboarding_panel(actor: Actor) -> Panel | None:
    if not actor.is_lead_evaluator:
        return None
    awaiting_me = applications_awaiting_evaluation(actor).count()
    # Ready for moderation: enough evaluators have recorded decisions and no outcome yet.
    ready = applications_awaiting_moderation(actor).count()
    windows_open = scoped(EvaluationWindow, actor).filter(state=WindowState.OPEN).count()
    return Panel(
        title="Evaluation",
        items=[
            QueueItem(
                label="Applications awaiting your evaluation",
                count=awaiting_me,
                url=reverse("providers:application-queue") + "?awaiting=evaluation",
            ),
            QueueItem(
                label="Applications awaiting moderation",
                count=ready,
                url=reverse("providers:application-queue") + "?awaiting=moderation",
            ),
            QueueItem(
                label="Windows open", count=windows_open, url=reverse("providers:window-list")
            ),
            # Checking a provider's reported inspection is evaluation work for the same people.
            QueueItem(
                label="Inspection judgements awaiting check",
                count=judgements_awaiting_check(actor).count(),
                url=reverse("providers:judgement-check-list"),
            ),
            # A member's change to an approved price goes live only when accepted here.
            QueueItem(
                label="Price changes to decide",
                count=price_changes_pending(actor).count(),
                url=reverse("providers:price-change-list"),
            ),
        ],
    )
