"""Who may use the rating alerts' routes (`fps_portal.access` rules, ADR 0014).

Alerts go to named senior posts of each authority with a child placed at the setting, and to the
lead authority (its senior managers in those posts and its evaluators, who decide on a fail
band). So the alert pages and API are for authorities' senior managers and the lead authority's
evaluators; which alerts each sees is the scoping (`quality.scope_rules`): those told to their own
authority. The decision queue is the lead authority's evaluators' alone.
"""

from __future__ import annotations

from fps_portal.access import LEAD_EVALUATORS, Access
from fps_portal.accounts.models import Role, SeniorPosition
from fps_portal.actors import Actor

#: The senior posts told of a rating alert (issue 13): the DCS, the head of service for
#: commissioning, the head of children's services and the commissioning service manager.
ALERT_POSITIONS = (
    SeniorPosition.DCS,
    SeniorPosition.HEAD_OF_SERVICE_COMMISSIONING,
    SeniorPosition.HEAD_OF_CHILDRENS_SERVICES,
    SeniorPosition.COMMISSIONING_SERVICE_MANAGER,
)


def reads_alerts(actor: Actor) -> bool:
    """An authority's senior manager, or the lead authority's evaluator."""
    if not actor.is_authority:
        return False
    return actor.role == Role.SENIOR_MANAGER or actor.is_lead_evaluator


ALERT_READERS = Access(
    reads_alerts,
    "Only authorities' senior managers and the lead authority's evaluators receive rating alerts.",
)

DECIDERS = LEAD_EVALUATORS
