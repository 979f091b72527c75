"""The child's record services: what they save, what they refuse (nothing written), the audit."""

from __future__ import annotations

import datetime
from dataclasses import replace

import pytest
from django.utils import timezone

from fps_portal.accounts.models import Role
from fps_portal.audit.models import AuditEvent, AuditVerb
from fps_portal.errors import InvalidInput, NotAllowed
from referrals.models import Child, EhcpOutcome, LegalStatus, ParentCarer
from referrals.services.children import (
    CASE_NUMBER_TAKEN,
    ParentCarerDetails,
    child_create,
    child_update,
)
from tests.factories import authority, person
from tests.referrals.children.helpers import actor_of, details, placing

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, int, int, int]:
    return (
        Child.objects.count(),
        EhcpOutcome.objects.count(),
        ParentCarer.objects.count(),
        AuditEvent.objects.count(),
    )


def test_a_commissioner_creates_the_whole_record() -> None:
    p = placing()
    child = child_create(actor=p.actor, details=details())
    child.refresh_from_db()
    assert child.authority == p.authority
    assert child.home_postcode == "L20 3NJ"
    assert child.case_number == "ICS-424242"
    assert [n.code for n in child.other_needs.all()] == ["SLCN"]
    assert list(child.outcomes.values_list("text", flat=True)) == [
        "To read at age level by Year 9",
        "To travel to school independently",
    ]
    carer = child.parent_carers.get()
    assert (carer.relationship, carer.preferred_setting_other) == (
        "foster carer",
        "Oakfield School",
    )
    assert (child.social_worker_name, child.iro_email) == (
        "Sam Social",
        "iris.reviewer@sefton.example",
    )
    event = AuditEvent.objects.get(verb=AuditVerb.CREATED, object_type="referrals.child")
    # By id only: the log holds no copy of the child's name.
    assert event.object_id == str(child.pk)
    assert event.object_repr == ""
    assert "Marigold" not in str(event.after)


def test_a_senior_manager_may_create_too() -> None:
    p = placing(role=Role.SENIOR_MANAGER)
    assert child_create(actor=p.actor, details=details()).authority == p.authority


@pytest.mark.parametrize("role", [Role.QA_OFFICER, Role.LEAD_EVALUATOR, Role.AUTHORITY_ADMIN])
def test_other_authority_roles_cannot_create(role: str) -> None:
    user = person(role, authority("Sefton"))
    before = _counts()
    with pytest.raises(NotAllowed):
        child_create(actor=actor_of(user), details=details())
    assert _counts() == before


def test_a_looked_after_child_needs_social_worker_and_iro_and_nothing_is_written() -> None:
    p = placing()
    before = _counts()
    with pytest.raises(InvalidInput) as caught:
        child_create(
            actor=p.actor,
            details=details(
                social_worker_name="",
                social_worker_email="",
                iro_name=" ",
                iro_email="not-an-email",
            ),
        )
    fields = caught.value.fields
    assert set(fields) == {"social_worker_name", "social_worker_email", "iro_name", "iro_email"}
    assert fields["iro_email"] == [
        "Enter an e-mail address in the correct format, like name@example.org."
    ]
    assert _counts() == before


def test_a_child_not_looked_after_keeps_no_social_worker_or_iro() -> None:
    p = placing()
    child = child_create(actor=p.actor, details=details(legal_status=LegalStatus.EHCP_ONLY))
    assert (child.social_worker_name, child.iro_name, child.iro_email) == ("", "", "")


def test_every_bad_field_is_named_at_once() -> None:
    p = placing()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    before = _counts()
    with pytest.raises(InvalidInput) as caught:
        child_create(
            actor=p.actor,
            details=details(
                given_name="",
                date_of_birth=tomorrow,
                home_postcode="nowhere",
                gender="robot",
                primary_need=None,
                caseworker_email="casey at sefton",
                ehcp_next_review_on=datetime.date(2021, 1, 1),
                parent_carers=[ParentCarerDetails(name="", relationship="mother")],
            ),
        )
    assert set(caught.value.fields) == {
        "given_name",
        "date_of_birth",
        "home_postcode",
        "gender",
        "primary_need",
        "caseworker_email",
        "ehcp_issued_on",  # before a birth date that is tomorrow
        "ehcp_next_review_on",
        "parent_carers.0.name",
    }
    assert caught.value.fields["date_of_birth"] == [
        "The date of birth must be today or in the past."
    ]
    assert _counts() == before


def test_a_young_person_over_25_is_refused() -> None:
    p = placing()
    with pytest.raises(InvalidInput) as caught:
        child_create(actor=p.actor, details=details(date_of_birth=datetime.date(1990, 1, 1)))
    assert "25 or younger" in caught.value.fields["date_of_birth"][0]


def test_too_long_text_is_a_field_error() -> None:
    p = placing()
    with pytest.raises(InvalidInput) as caught:
        child_create(actor=p.actor, details=details(given_name="A" * 101))
    assert caught.value.fields["given_name"] == ["Given name must be 100 characters or fewer."]


def test_the_case_number_is_unique_in_the_authority_not_across_authorities() -> None:
    sefton = placing()
    child_create(actor=sefton.actor, details=details())
    before = _counts()
    with pytest.raises(InvalidInput) as caught:
        child_create(actor=sefton.actor, details=details(case_number="ics-424242"))
    assert caught.value.fields["case_number"] == [CASE_NUMBER_TAKEN]
    assert _counts() == before
    blackpool = placing("Blackpool")
    assert child_create(actor=blackpool.actor, details=details()).authority == blackpool.authority


def test_the_same_form_sent_twice_makes_one_record() -> None:
    import uuid

    p = placing()
    key = uuid.uuid4()
    first = child_create(actor=p.actor, details=details(), submission_key=key)
    again = child_create(actor=p.actor, details=details(), submission_key=key)
    assert first.pk == again.pk
    assert Child.objects.count() == 1


def test_an_edit_replaces_the_parts_and_audits_which_fields_changed() -> None:
    p = placing()
    child = child_create(actor=p.actor, details=details())
    child_update(
        actor=p.actor,
        child=child,
        details=details(
            family_name="Thistlewood-Hart",
            outcomes=["To sit GCSE English"],
            parent_carers=[],
            other_needs=[],
        ),
    )
    child.refresh_from_db()
    assert child.family_name == "Thistlewood-Hart"
    assert list(child.outcomes.values_list("text", flat=True)) == ["To sit GCSE English"]
    assert not child.parent_carers.exists()
    event = AuditEvent.objects.get(verb=AuditVerb.UPDATED, object_type="referrals.child")
    assert event.after == {"changed": ["family_name", "other_needs", "outcomes", "parent_carers"]}
    assert "Thistlewood" not in str(event.after)


def test_another_authority_cannot_edit() -> None:
    child = child_create(actor=placing().actor, details=details())
    other = placing("Blackpool")
    with pytest.raises(NotAllowed):
        child_update(actor=other.actor, child=child, details=replace(details(), given_name="X"))
    child.refresh_from_db()
    assert child.given_name == "Marigold"


def test_a_bad_edit_changes_nothing() -> None:
    p = placing()
    child = child_create(actor=p.actor, details=details())
    before = _counts()
    with pytest.raises(InvalidInput):
        child_update(actor=p.actor, child=child, details=details(outcomes=["New"], case_number=""))
    child.refresh_from_db()
    assert child.case_number == "ICS-424242"
    first_outcome = child.outcomes.values_list("text", flat=True).first()
    assert first_outcome == "To read at age level by Year 9"
    assert _counts() == before
