"""The child's record: created and changed by the placing authority's commissioners and senior
managers, and every read of it written to the audit log.

Special category data. The audit rows name the child by id only (`object_repr` is left empty:
the log is read in the back office, and a name there is one more copy of it), and an edit records
which fields changed, not their old and new values.

Every rule is checked before anything is written: bad input raises `InvalidInput` naming each
field at fault, and nothing is saved. The record and its parts (EHC plan outcomes, parents or
carers) are replaced together in one transaction, under a lock on the child's row, so two
colleagues saving at once leave one whole version, never a mix of both.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record
from fps_portal.errors import InvalidInput, NotAllowed
from fps_portal.once import already_made, create_once
from fps_portal.text import too_long
from fps_portal.transitions import lock
from providers.models import PrimaryNeed, Setting
from providers.postcodes import PostcodeError, normalise_postcode
from referrals.models import (
    LOOKED_AFTER,
    Child,
    ChildGender,
    EhcpOutcome,
    LegalStatus,
    ParentCarer,
)
from referrals.scope_rules import places_children

CHILD_TYPE = "referrals.child"
#: The oldest a young person with an EHC plan can be (plans run to 25).
MAX_AGE_YEARS = 25
MAX_OUTCOMES = 30
MAX_PARENT_CARERS = 6

NOT_PLACING = (
    "Only the placing authority's commissioners and senior managers can change a child's record."
)
CASE_NUMBER_TAKEN = "Your authority already has a child with this case number. Check the number."


@dataclass
class ParentCarerDetails:
    name: str
    relationship: str
    email: str = ""
    phone: str = ""
    preferred_setting: Setting | None = None
    preferred_setting_other: str = ""
    views: str = ""


@dataclass
class ChildDetails:
    """Everything the record holds, as typed (the services trim and check it)."""

    given_name: str
    family_name: str
    date_of_birth: datetime.date | None
    case_number: str
    gender: str
    legal_status: str
    caseworker_name: str
    caseworker_email: str
    primary_need: PrimaryNeed | None
    home_postcode: str
    other_needs: Sequence[PrimaryNeed] = ()
    social_worker_name: str = ""
    social_worker_email: str = ""
    iro_name: str = ""
    iro_email: str = ""
    current_setting: Setting | None = None
    current_setting_name: str = ""
    ehcp_issued_on: datetime.date | None = None
    ehcp_next_review_on: datetime.date | None = None
    young_person_views: str = ""
    outcomes: Sequence[str] = ()
    parent_carers: Sequence[ParentCarerDetails] = field(default_factory=list)


#: The record's own columns that `ChildDetails` sets (the parts are written apart).
RECORD_FIELDS = (
    "given_name",
    "family_name",
    "date_of_birth",
    "case_number",
    "gender",
    "legal_status",
    "caseworker_name",
    "caseworker_email",
    "social_worker_name",
    "social_worker_email",
    "iro_name",
    "iro_email",
    "primary_need",
    "home_postcode",
    "current_setting",
    "current_setting_name",
    "ehcp_issued_on",
    "ehcp_next_review_on",
    "young_person_views",
)

# What each field is called in its messages.
_WHAT = {
    "given_name": "Given name",
    "family_name": "Family name",
    "case_number": "Case number",
    "caseworker_name": "SEND caseworker's name",
    "caseworker_email": "SEND caseworker's e-mail",
    "social_worker_name": "Social worker's name",
    "social_worker_email": "Social worker's e-mail",
    "iro_name": "Independent Reviewing Officer's name",
    "iro_email": "Independent Reviewing Officer's e-mail",
    "current_setting_name": "Current setting",
}
_REQUIRED = {
    "given_name": "Enter the child's given name.",
    "family_name": "Enter the child's family name.",
    "case_number": "Enter the authority's case number for the child, like ICS-123456.",
    "caseworker_name": "Enter the name of the child's SEND caseworker.",
    "caseworker_email": "Enter the SEND caseworker's e-mail address.",
}
_LOOKED_AFTER_REQUIRED = {
    "social_worker_name": "Enter the name of the child's social worker.",
    "social_worker_email": "Enter the social worker's e-mail address.",
    "iro_name": "Enter the name of the child's Independent Reviewing Officer.",
    "iro_email": "Enter the Independent Reviewing Officer's e-mail address.",
}
_EMAILS = ("caseworker_email", "social_worker_email", "iro_email")
EMAIL_INVALID = "Enter an e-mail address in the correct format, like name@example.org."


def require_placing(actor: Actor, child: Child | None = None) -> None:
    if not places_children(actor) or (
        child is not None and child.authority_id != actor.organisation_id
    ):
        raise NotAllowed(NOT_PLACING)


def _limit(name: str) -> int | None:
    return getattr(Child._meta.get_field(name), "max_length", None)


def _checked(details: ChildDetails) -> tuple[dict[str, object], dict[str, list[str]]]:
    """The record's column values, trimmed, and the messages of every rule broken."""
    problems: dict[str, list[str]] = {}

    def fail(name: str, message: str) -> None:
        problems.setdefault(name, []).append(message)

    values: dict[str, object] = {}
    texts = (
        "given_name",
        "family_name",
        "case_number",
        "caseworker_name",
        "caseworker_email",
        "social_worker_name",
        "social_worker_email",
        "iro_name",
        "iro_email",
        "current_setting_name",
    )
    for name in texts:
        value = " ".join(str(getattr(details, name) or "").split())
        values[name] = value
        limit = _limit(name)
        if limit is not None and len(value) > limit:
            fail(name, too_long(_WHAT[name], limit)["max_length"])
    values["case_number"] = str(values["case_number"]).upper()
    for name, message in _REQUIRED.items():
        if not values[name]:
            fail(name, message)
    looked_after = details.legal_status in LOOKED_AFTER
    if looked_after:
        for name, message in _LOOKED_AFTER_REQUIRED.items():
            if not values[name]:
                fail(name, message)
    for name in _EMAILS:
        if values[name] and name not in problems:
            try:
                validate_email(str(values[name]))
            except ValidationError:
                fail(name, EMAIL_INVALID)
            else:
                values[name] = str(values[name]).lower()
    if details.gender not in ChildGender.values:
        fail("gender", "Select the child's gender.")
    values["gender"] = details.gender
    if details.legal_status not in LegalStatus.values:
        fail("legal_status", "Select the child's legal status.")
    values["legal_status"] = details.legal_status
    if not looked_after:
        # Only a looked-after child has a social worker and IRO on this record; a status changed
        # away from looked after clears them rather than keep stale contacts.
        for name in _LOOKED_AFTER_REQUIRED:
            values[name] = ""
    today = timezone.localdate()
    born = details.date_of_birth
    if born is None:
        fail("date_of_birth", "Enter the child's date of birth.")
    elif born > today:
        fail("date_of_birth", "The date of birth must be today or in the past.")
    elif (today.year - born.year - ((today.month, today.day) < (born.month, born.day))) > (
        MAX_AGE_YEARS
    ):
        fail(
            "date_of_birth",
            f"The child must be {MAX_AGE_YEARS} or younger: EHC plans end at 25. Check the year.",
        )
    values["date_of_birth"] = born
    if details.primary_need is None:
        fail("primary_need", "Select the child's primary need.")
    values["primary_need"] = details.primary_need
    postcode = ""
    if not str(details.home_postcode or "").strip():
        fail("home_postcode", "Enter the child's home postcode.")
    else:
        try:
            postcode = normalise_postcode(details.home_postcode)
        except PostcodeError:
            fail("home_postcode", "Enter a real postcode, like L20 3NJ.")
    values["home_postcode"] = postcode
    values["current_setting"] = details.current_setting
    issued, review = details.ehcp_issued_on, details.ehcp_next_review_on
    if issued is not None and issued > today:
        fail("ehcp_issued_on", "The date the EHC plan was issued must be today or in the past.")
    if issued is not None and born is not None and issued < born:
        fail("ehcp_issued_on", "The EHC plan cannot be issued before the child's date of birth.")
    if issued is not None and review is not None and review <= issued:
        fail("ehcp_next_review_on", "The next annual review must be after the plan was issued.")
    values["ehcp_issued_on"], values["ehcp_next_review_on"] = issued, review
    values["young_person_views"] = str(details.young_person_views or "").strip()
    outcomes = [" ".join(str(o).split()) for o in details.outcomes]
    if len([o for o in outcomes if o]) > MAX_OUTCOMES:
        fail("outcomes", f"List at most {MAX_OUTCOMES} outcomes.")
    if len(details.parent_carers) > MAX_PARENT_CARERS:
        fail("parent_carers", f"Record at most {MAX_PARENT_CARERS} parents or carers.")
    for i, carer in enumerate(details.parent_carers):
        prefix = f"parent_carers.{i}"
        if not carer.name.strip():
            fail(f"{prefix}.name", "Enter the parent or carer's name.")
        elif len(carer.name.strip()) > 200:
            fail(f"{prefix}.name", too_long("Name", 200)["max_length"])
        if not carer.relationship.strip():
            fail(f"{prefix}.relationship", "Enter their relationship to the child, like mother.")
        elif len(carer.relationship.strip()) > 60:
            fail(f"{prefix}.relationship", too_long("Relationship", 60)["max_length"])
        if carer.email.strip():
            try:
                validate_email(carer.email.strip())
            except ValidationError:
                fail(f"{prefix}.email", EMAIL_INVALID)
        if len(carer.phone.strip()) > 30:
            fail(f"{prefix}.phone", too_long("Phone number", 30)["max_length"])
        if len(carer.preferred_setting_other.strip()) > 200:
            fail(
                f"{prefix}.preferred_setting_other",
                too_long("Preferred setting", 200)["max_length"],
            )
    return values, problems


def child_problems(details: ChildDetails) -> dict[str, list[str]]:
    """Every rule `details` breaks, by field (a form shows them beside its own checks)."""
    return _checked(details)[1]


def _case_number_taken(authority_id: int, case_number: str, exclude_pk: int | None) -> bool:
    same = Child.objects.filter(authority_id=authority_id, case_number=case_number)
    if exclude_pk is not None:
        same = same.exclude(pk=exclude_pk)
    return same.exists()


def _write_parts(child: Child, details: ChildDetails) -> None:
    needs = {n.pk: n for n in details.other_needs if n.pk != child.primary_need_id}
    child.other_needs.set(list(needs.values()))
    child.outcomes.all().delete()
    EhcpOutcome.objects.bulk_create(
        EhcpOutcome(child=child, text=text, position=position)
        for position, text in enumerate(
            t for t in (" ".join(str(o).split()) for o in details.outcomes) if t
        )
    )
    child.parent_carers.all().delete()
    ParentCarer.objects.bulk_create(
        ParentCarer(
            child=child,
            name=" ".join(c.name.split()),
            relationship=" ".join(c.relationship.split()),
            email=c.email.strip().lower(),
            phone=c.phone.strip(),
            preferred_setting=c.preferred_setting,
            preferred_setting_other=c.preferred_setting_other.strip(),
            views=c.views.strip(),
        )
        for c in details.parent_carers
    )


def child_created_by(*, actor: Actor, submission_key: uuid.UUID | None) -> Child | None:
    """The record this create form already made, if it was sent before (fps_portal.once)."""
    if not places_children(actor):
        return None
    return already_made(Child.objects.filter(authority_id=actor.organisation_id), submission_key)


def child_create(
    *, actor: Actor, details: ChildDetails, submission_key: uuid.UUID | None = None
) -> Child:
    """A new child's record in the actor's authority. The same form sent twice makes one."""
    require_placing(actor)
    assert actor.organisation_id is not None
    mine = Child.objects.filter(authority_id=actor.organisation_id)
    if (earlier := already_made(mine, submission_key)) is not None:
        return earlier
    values, problems = _checked(details)
    if "case_number" not in problems and _case_number_taken(
        actor.organisation_id, str(values["case_number"]), None
    ):
        problems["case_number"] = [CASE_NUMBER_TAKEN]
    if problems:
        raise InvalidInput.on_fields(problems)

    authority_id: int = actor.organisation_id

    def make() -> Child:
        return Child.objects.create(
            authority_id=authority_id,
            created_by=actor.user,
            submission_key=submission_key,
            **values,
        )

    try:
        with transaction.atomic():
            child, created = create_once(earlier=mine, submission_key=submission_key, create=make)
            if not created:
                return child
            _write_parts(child, details)
            audit_record(
                actor=actor,
                verb=AuditVerb.CREATED,
                object_type=CHILD_TYPE,
                object_id=str(child.pk),
                after={"fields": sorted(RECORD_FIELDS)},
            )
    except IntegrityError as exc:
        # A colleague saved the same case number a moment before (the unique constraint).
        if _case_number_taken(actor.organisation_id, str(values["case_number"]), None):
            raise InvalidInput.on_fields({"case_number": CASE_NUMBER_TAKEN}) from exc
        raise
    return child


def _parts_of(child: Child) -> dict[str, object]:
    return {
        "other_needs": sorted(child.other_needs.values_list("pk", flat=True)),
        "outcomes": list(child.outcomes.order_by("position", "id").values_list("text", flat=True)),
        "parent_carers": list(
            child.parent_carers.order_by("id").values_list(
                "name",
                "relationship",
                "email",
                "phone",
                "preferred_setting_id",
                "preferred_setting_other",
                "views",
            )
        ),
    }


_FOREIGN_KEYS = ("primary_need", "current_setting")


def _stored(child: Child, name: str) -> object:
    return getattr(child, f"{name}_id" if name in _FOREIGN_KEYS else name)


def _given(values: dict[str, object], name: str) -> object:
    value = values[name]
    return getattr(value, "pk", None) if name in _FOREIGN_KEYS else value


def child_update(*, actor: Actor, child: Child, details: ChildDetails) -> Child:
    """Replaces the record and its parts with `details`; audits the names of the fields changed."""
    require_placing(actor, child)
    values, problems = _checked(details)
    if "case_number" not in problems and _case_number_taken(
        child.authority_id, str(values["case_number"]), child.pk
    ):
        problems["case_number"] = [CASE_NUMBER_TAKEN]
    if problems:
        raise InvalidInput.on_fields(problems)
    try:
        with transaction.atomic():
            locked = lock(child)
            before_parts = _parts_of(locked)
            changed = [
                name for name in RECORD_FIELDS if _stored(locked, name) != _given(values, name)
            ]
            for name in RECORD_FIELDS:
                setattr(locked, name, values[name])
            locked.updated_at = timezone.now()
            locked.save()
            _write_parts(locked, details)
            after_parts = _parts_of(locked)
            changed += [name for name in after_parts if after_parts[name] != before_parts[name]]
            audit_record(
                actor=actor,
                verb=AuditVerb.UPDATED,
                object_type=CHILD_TYPE,
                object_id=str(locked.pk),
                after={"changed": sorted(changed)},
            )
    except IntegrityError as exc:
        if _case_number_taken(child.authority_id, str(values["case_number"]), child.pk):
            raise InvalidInput.on_fields({"case_number": CASE_NUMBER_TAKEN}) from exc
        raise
    return locked


# -- reads: every view of a child's record is audited ----------------------------------------------


def child_record_viewed(*, actor: Actor, child: Child, how: str) -> None:
    """One read of the record (`how`: "page", "api", "export as CSV", ...)."""
    require_placing(actor, child)
    with transaction.atomic():
        audit_record(
            actor=actor,
            verb=AuditVerb.VIEWED_CHILD_RECORD,
            object_type=CHILD_TYPE,
            object_id=str(child.pk),
            reason=how,
        )


def children_listed(*, actor: Actor, ids: Sequence[int], how: str, searched: bool) -> None:
    """A list of children's names is a view of personal data too: one event naming every id
    shown. A list that showed nobody records nothing (no one's data was seen)."""
    if not ids:
        return
    require_placing(actor)
    with transaction.atomic():
        audit_record(
            actor=actor,
            verb=AuditVerb.VIEWED_CHILD_RECORD,
            object_type=CHILD_TYPE,
            after={"listed": list(ids), "searched": searched},
            reason=how,
        )
