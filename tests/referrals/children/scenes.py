"""Children's records for the query budgets: Sefton's commissioner with two whole records."""

from __future__ import annotations

from dataclasses import dataclass

from fps_portal.accounts.models import Role, User
from referrals.models import Child, ChildDocument
from referrals.services.child_documents import child_document_add
from referrals.services.children import child_create
from tests.factories import authority, person
from tests.providers.onboarding.factories import upload
from tests.referrals.children.helpers import actor_of, details


@dataclass
class Records:
    commissioner: User
    children: list[Child]
    document: ChildDocument


def two_records() -> Records:
    """Two looked-after children, each with two outcomes, a carer, other needs and a document."""
    commissioner = person(Role.COMMISSIONER, authority("Sefton"))
    actor = actor_of(commissioner)
    children = [
        child_create(actor=actor, details=details(case_number=f"ICS-BUDGET-{n}")) for n in (1, 2)
    ]
    documents = [
        child_document_add(
            actor=actor, child=child, kind="ehc_plan", title="EHC plan", upload=upload("p.pdf")
        )
        for child in children
    ]
    return Records(commissioner, children, documents[0])
