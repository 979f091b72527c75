"""Who may use the QA visit routes (`fps_portal.access` rules, ADR 0014; issue 14).

An authority's QA officers run its visits (plan, schedule, record, complete, cancel); its senior
managers and commissioners read them (REQUIREMENTS C27: the officers work "with the Commissioning
Support Manager and Commissioning Officers"). A provider reads the completed reports about its
own settings and answers them on factual accuracy. Every authority's staff read the shared
summaries (C60-C61). Which objects each sees is the scoping (`quality.visits.scope_rules`).
"""

from __future__ import annotations

from fps_portal.access import PROVIDERS, Access, either
from fps_portal.accounts.models import Role
from fps_portal.actors import Actor

#: The authority roles that read their own authority's visits and programme.
VISIT_READING_ROLES = frozenset({Role.QA_OFFICER, Role.SENIOR_MANAGER, Role.COMMISSIONER})


def runs_visits(actor: Actor) -> bool:
    return actor.is_authority and actor.role == Role.QA_OFFICER


def reads_visits(actor: Actor) -> bool:
    return actor.is_authority and actor.role in VISIT_READING_ROLES


QA_OFFICERS = Access(runs_visits, "Only the authority's QA officers can plan and record visits.")
PROGRAMME_READERS = Access(
    reads_visits,
    "Only the authority's QA officers, senior managers and commissioners see its visits.",
)
VISIT_READERS = either(
    PROGRAMME_READERS,
    PROVIDERS,
    message=(
        "Only the visiting authority's QA officers, senior managers and commissioners, and the "
        "provider visited, can see a QA visit."
    ),
)
SUMMARY_READERS = Access(
    lambda actor: actor.is_authority,
    "Only local authority staff can read the region's QA visit summaries.",
)
