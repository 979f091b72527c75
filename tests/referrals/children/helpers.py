"""A placing authority, its commissioner and a child's details, for the children tests."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace
from typing import Any

from fps_portal.accounts.models import Organisation, Role, User
from fps_portal.actors import Actor, actor_for_user
from referrals.models import ChildGender, LegalStatus
from referrals.services.children import ChildDetails, ParentCarerDetails
from tests.factories import authority, person
from tests.referrals.factories import primary_need


@dataclass
class Placing:
    authority: Organisation
    user: User
    actor: Actor


def placing(name: str = "Sefton", role: str = Role.COMMISSIONER) -> Placing:
    org = authority(name)
    user = person(role, org)
    found = actor_for_user(user)
    assert found is not None
    return Placing(org, user, found)


def actor_of(user: User) -> Actor:
    found = actor_for_user(user)
    assert found is not None
    return found


def details(**changes: Any) -> ChildDetails:
    """A looked-after girl of 12 with autism, two outcomes and her mother's preference."""
    base = ChildDetails(
        given_name="Marigold",
        family_name="Thistlewood",
        date_of_birth=datetime.date(2014, 2, 9),
        case_number="ICS-424242",
        gender=ChildGender.FEMALE,
        legal_status=LegalStatus.LOOKED_AFTER_S31,
        caseworker_name="Casey Worker",
        caseworker_email="casey.worker@sefton.example",
        social_worker_name="Sam Social",
        social_worker_email="sam.social@sefton.example",
        iro_name="Iris Reviewer",
        iro_email="iris.reviewer@sefton.example",
        primary_need=primary_need("ASD"),
        other_needs=[primary_need("SLCN")],
        home_postcode="l20 3nj",
        current_setting_name="Hawthorn Primary",
        ehcp_issued_on=datetime.date(2022, 6, 1),
        ehcp_next_review_on=datetime.date(2026, 6, 1),
        outcomes=["To read at age level by Year 9", "To travel to school independently"],
        young_person_views="I like small classes and quiet spaces.",
        parent_carers=[
            ParentCarerDetails(
                name="Rowan Thistlewood",
                relationship="foster carer",
                email="rowan@example.org",
                preferred_setting_other="Oakfield School",
                views="She needs a calm setting close to home.",
            )
        ],
    )
    return replace(base, **changes)


def api_body(**changes: Any) -> dict[str, Any]:
    """The same child as the API takes it."""
    body: dict[str, Any] = {
        "given_name": "Marigold",
        "family_name": "Thistlewood",
        "date_of_birth": "2014-02-09",
        "case_number": "ICS-515151",
        "gender": "female",
        "legal_status": "ehcp_only",
        "caseworker_name": "Casey Worker",
        "caseworker_email": "casey.worker@sefton.example",
        "primary_need": "ASD",
        "home_postcode": "L20 3NJ",
        "outcomes": ["To read at age level by Year 9"],
        "parent_carers": [{"name": "Rowan Thistlewood", "relationship": "mother"}],
    }
    body.update(changes)
    return body


def form_data(**changes: Any) -> dict[str, Any]:
    """The same child as the create form posts it."""
    data: dict[str, Any] = {
        "given_name": "Marigold",
        "family_name": "Thistlewood",
        "date_of_birth_day": "9",
        "date_of_birth_month": "2",
        "date_of_birth_year": "2014",
        "case_number": "ICS-616161",
        "gender": "female",
        "legal_status": "ehcp_only",
        "caseworker_name": "Casey Worker",
        "caseworker_email": "casey.worker@sefton.example",
        "primary_need": str(primary_need("ASD").pk),
        "home_postcode": "L20 3NJ",
        "outcomes": "To read at age level by Year 9\nTo travel to school independently",
        "carer_0_name": "Rowan Thistlewood",
        "carer_0_relationship": "mother",
        "carer_0_preferred_setting_other": "Oakfield School",
    }
    data.update(changes)
    return data
