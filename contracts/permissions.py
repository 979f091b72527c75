"""Who may use the contracts app's routes (`fps_portal.access` rules, ADR 0014).

An Order and its IPA are the two parties' alone: the placing authority's commissioners and senior
managers (`PLACING`, the roles that read a child's record, since the IPA names the child) and the
provider's users (`PROVIDERS`). Everyone else is refused before anything is looked up; another
authority's or provider's agreement is then 404 through scoping (`contracts.scope_rules`)."""

from __future__ import annotations

from fps_portal.access import PROVIDERS, Access, either
from referrals.permissions import PLACING

AGREEMENT_PARTIES: Access = either(
    PLACING,
    PROVIDERS,
    message=(
        "Only the placing authority's commissioners and senior managers and the provider's users "
        "can see Orders and placement agreements."
    ),
)
