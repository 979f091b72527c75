"""A referral and its child as one placing authority's placements officer makes them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from demo.placements.rows import (
    ChildSpec,
    age_on,
    child_create,
    criteria_create,
    documents_create,
    publish_snapshot,
)
from demo.placements.world import World
from fps_portal.accounts.models import Organisation, User
from referrals.models import Child, Referral, Route

DAY = datetime.timedelta(days=1)


@dataclass
class Placing:
    """One placing authority of the demo: who writes its referrals, and how they are numbered."""

    world: World
    authority: Organisation
    commissioner: User
    prefix: str
    referrer: tuple[str, str]
    children: dict[str, ChildSpec]

    def child(self, key: str, days_ago: int) -> Child:
        """The child's record with its EHC plan and the copy redacted for providers."""
        at = self.world.now - days_ago * DAY
        child = child_create(
            authority=self.authority, spec=self.children[key], by=self.commissioner, at=at
        )
        documents_create(child=child, need=child.primary_need.name, by=self.commissioner, at=at)
        return child

    def referral(
        self,
        number: int,
        child: Child | None,
        *,
        lot: str,
        state: str,
        created_days_ago: int,
        summary: str,
        outcomes: str,
        route: str = Route.OPEN_COMPETITION,
        start_in_days: int = 42,
        published_days_ago: int | None = None,
        deadline_in_days: int | None = None,
        **fields: object,
    ) -> Referral:
        """The referral with its criteria and scale, the child's redacted EHC plan marked
        shareable; published (its snapshot taken) when `published_days_ago` is given."""
        now = self.world.now
        if child is not None:  # the authority's summary gives the age in years, never the birth
            written = now - (published_days_ago or created_days_ago) * DAY
            summary = summary.format(age=age_on(child.date_of_birth, written.date()))
        values: dict[str, object] = dict(
            authority=self.authority,
            purchasing_system=self.world.system,
            reference=f"{self.prefix}-{now.year}-{number:04d}",
            child=child,
            route=route,
            lot=self.world.lots[lot],
            start_date=(now + start_in_days * DAY).date(),
            expected_end_date=(now + (start_in_days + 3 * 365) * DAY).date(),
            primary_need=child.primary_need if child else None,
            outcomes_sought=outcomes,
            provider_summary=summary,
            referrer_name=self.referrer[0],
            referrer_email=self.referrer[1],
            state=state,
            created_at=now - created_days_ago * DAY,
            created_by=self.commissioner,
            updated_at=now - min(created_days_ago, published_days_ago or created_days_ago) * DAY,
        )
        referral = Referral(**{**values, **fields})
        if published_days_ago is not None:
            publish_snapshot(referral, now - published_days_ago * DAY, self.commissioner)
        if deadline_in_days is not None:
            referral.response_deadline = (now + deadline_in_days * DAY).replace(hour=12)
        referral.save()
        if child is not None:
            referral.needs.set([child.primary_need, *child.other_needs.all()])
            referral.specialisms.set({n.specialism_id for n in referral.needs.all()})
            # The redacted plan is marked shareable from the start; invitees see it once published.
            referral.shared_documents.set(child.documents.filter(kind="redacted_ehc_plan"))
        criteria_create(referral)
        return referral
