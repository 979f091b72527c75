"""Who may use the concerns' routes (`fps_portal.access` rules, ADR 0014).

A concern belongs to the placing authority that raised it: its practitioners (commissioners,
QA officers and senior managers) raise, record, escalate and close it. The provider it is about
reads it and answers from stage 2, where its equivalent is engaged (seed 002, Stage 2). The
lead authority's evaluators (as such), forums, authority administrators and the public have no
part in it. Which concerns each sees is the scoping (`quality.concern_scope_rules`).
"""

from __future__ import annotations

from fps_portal.access import PROVIDERS, Access, either
from fps_portal.accounts.models import Role, SeniorPosition
from fps_portal.actors import Actor

CONCERN_ROLES = frozenset({Role.COMMISSIONER, Role.QA_OFFICER, Role.SENIOR_MANAGER})


def handles_concerns(actor: Actor) -> bool:
    """A practitioner of a placing authority: raises and follows its concerns."""
    return actor.is_authority and actor.role in CONCERN_ROLES


def is_safeguarding_lead(actor: Actor) -> bool:
    """The authority's named safeguarding contact (a senior manager in that post)."""
    return (
        actor.role == Role.SENIOR_MANAGER
        and actor.is_authority
        and actor.membership is not None
        and actor.membership.senior_position == SeniorPosition.SAFEGUARDING_LEAD
    )


CONCERN_STAFF = Access(
    handles_concerns,
    "Only the placing authority's commissioners, QA officers and senior managers raise and "
    "follow concerns.",
)
CONCERN_READERS = either(
    CONCERN_STAFF,
    PROVIDERS,
    message="Only the placing authority's practitioners and the provider concerned can see "
    "concerns.",
)
