"""The audit log: written with the change it records, never changed afterwards."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client

from fps_portal.accounts.models import Role
from fps_portal.actors import actor_for_user
from fps_portal.audit.models import AuditEvent, AuditLogIsAppendOnly, AuditVerb
from fps_portal.audit.services import audit_record, snapshot
from tests.factories import PASSWORD, person

pytestmark = pytest.mark.django_db


def _event() -> AuditEvent:
    user = person(Role.COMMISSIONER)
    with transaction.atomic():
        return audit_record(
            actor=actor_for_user(user), verb=AuditVerb.UPDATED, obj=user, reason="a test change"
        )


def test_audit_record_names_the_actor_their_organisation_and_the_object() -> None:
    user = person(Role.QA_OFFICER)
    actor = actor_for_user(user)
    assert actor is not None
    with transaction.atomic():
        event = audit_record(
            actor=actor,
            verb=AuditVerb.UPDATED,
            obj=user,
            before={"full_name": "Old"},
            after=snapshot(user, ["full_name", "created_at"]),
            reason="Corrected the name",
        )
    assert event.actor == user
    assert event.actor_label == user.email
    assert event.organisation_id == actor.organisation_id
    assert event.role == Role.QA_OFFICER
    assert (event.object_type, event.object_id) == ("accounts.user", str(user.pk))
    assert event.after is not None
    assert event.after["created_at"] == user.created_at.isoformat()
    offset = event.occurred_at.utcoffset()
    assert offset is not None and offset.total_seconds() == 0


def test_a_system_event_has_no_actor() -> None:
    with transaction.atomic():
        event = audit_record(actor=None, verb=AuditVerb.CREATED, object_type="x.y", object_id="1")
    assert event.actor is None
    assert event.actor_label == "system"
    assert event.organisation is None


def test_audit_record_rolls_back_with_the_callers_transaction() -> None:
    user = person(Role.COMMISSIONER)
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        user.full_name = "Changed"
        user.save(update_fields=["full_name"])
        audit_record(actor=actor_for_user(user), verb=AuditVerb.UPDATED, obj=user)
        raise RuntimeError("the change failed after the audit row was written")
    assert AuditEvent.objects.count() == before
    user.refresh_from_db()
    assert user.full_name != "Changed"


def test_an_audit_event_cannot_be_saved_again_or_deleted() -> None:
    event = _event()
    event.reason = "rewritten"
    with pytest.raises(AuditLogIsAppendOnly):
        event.save()
    with pytest.raises(AuditLogIsAppendOnly):
        event.delete()
    event.refresh_from_db()
    assert event.reason == "a test change"


def test_the_queryset_refuses_update_delete_and_bulk_update() -> None:
    event = _event()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(reason="rewritten")
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.all().delete()
    event.reason = "rewritten"
    # bulk_update opens a transaction of its own; the savepoint keeps the test's usable.
    with pytest.raises(AuditLogIsAppendOnly), transaction.atomic():
        AuditEvent.objects.bulk_update([event], ["reason"])
    assert AuditEvent.objects.get(pk=event.pk).reason == "a test change"


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="The append-only trigger exists only on PostgreSQL (set DATABASE_URL to run this)",
)


@postgresql_only
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET reason = 'rewritten' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ],
)
def test_postgresql_refuses_raw_update_and_delete(sql: str) -> None:
    event = _event()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).reason == "a test change"


@postgresql_only
def test_postgresql_refuses_truncate_by_trigger() -> None:
    """The suite's throwaway database has this trigger off (tests/conftest.py explains why);
    switched on as migrated, it refuses TRUNCATE even from the table's owner.
    tests/portal/test_database_roles.py tries it on a database set up as in production."""
    with (
        pytest.raises(DatabaseError, match="append-only: TRUNCATE refused"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("ALTER TABLE audit_auditevent ENABLE ALWAYS TRIGGER audit_event_no_truncate")
        cursor.execute("TRUNCATE audit_auditevent")


@postgresql_only
def test_the_row_trigger_fires_in_replica_mode_too() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgenabled FROM pg_trigger WHERE tgname = 'audit_event_append_only'"
            " AND tgrelid = 'audit_auditevent'::regclass"
        )
        assert cursor.fetchone() == ("A",)  # ALWAYS: session_replication_role cannot skip it


def test_sign_in_and_sign_out_are_audited_with_the_request_id(client: Client) -> None:
    user = person(Role.COMMISSIONER)
    response = client.post(
        "/account/sign-in/",
        {"username": user.email, "password": PASSWORD},
        HTTP_X_REQUEST_ID="proxy-id-12345",
    )
    assert response["X-Request-ID"] == "proxy-id-12345"
    signed_in = AuditEvent.objects.get(verb=AuditVerb.SIGNED_IN)
    assert signed_in.actor == user
    assert signed_in.organisation == user.memberships.get().organisation
    assert signed_in.request_id == "proxy-id-12345"

    client.post("/account/sign-out/")
    signed_out = AuditEvent.objects.get(verb=AuditVerb.SIGNED_OUT)
    assert signed_out.actor == user
    assert signed_out.request_id and signed_out.request_id != "proxy-id-12345"


def test_a_failed_sign_in_is_audited_without_the_password(client: Client) -> None:
    user = person(Role.PROVIDER_USER)
    client.post("/account/sign-in/", {"username": user.email, "password": "guess-number-one"})
    failed = AuditEvent.objects.get(verb=AuditVerb.SIGNED_IN_FAILED)
    assert failed.actor is None
    assert user.email in failed.reason
    assert "guess-number-one" not in str(AuditEvent.objects.filter(pk=failed.pk).values().get())
    assert not AuditEvent.objects.filter(verb=AuditVerb.SIGNED_IN).exists()


@pytest.mark.parametrize(
    "incoming", ["", "short", "has spaces in it", "x" * 65, "<script>x</script>"]
)
def test_an_unusable_request_id_is_replaced_with_a_fresh_one(client: Client, incoming: str) -> None:
    response = client.get("/account/sign-in/", HTTP_X_REQUEST_ID=incoming)
    echoed = response["X-Request-ID"]
    assert echoed != incoming
    assert len(echoed) == 32 and echoed.isalnum()


def test_each_request_gets_its_own_id(client: Client) -> None:
    first = client.get("/account/sign-in/")["X-Request-ID"]
    second = client.get("/account/sign-in/")["X-Request-ID"]
    assert first != second


def test_the_back_office_shows_the_log_read_only(client: Client, django_user_model) -> None:
    event = _event()
    admin = django_user_model.objects.create_superuser("root@example.org", PASSWORD, full_name="R")
    client.force_login(admin)
    assert client.get("/back-office/audit/auditevent/").status_code == 200
    change_url = f"/back-office/audit/auditevent/{event.pk}/change/"
    page = client.get(change_url)
    assert page.status_code == 200
    assert 'type="submit"' not in page.content.decode().split('id="content-main"')[1]
    assert client.post(change_url, {"reason": "rewritten"}).status_code == 403
    assert client.get(f"/back-office/audit/auditevent/{event.pk}/delete/").status_code == 403
    assert client.get("/back-office/audit/auditevent/add/").status_code == 403


def test_audit_record_refuses_to_run_outside_the_callers_transaction() -> None:
    # Otherwise it would commit a row of its own beside a change that may still roll back. (The
    # test case's own wrapping transaction does not count: it is not the caller's.)
    user = person(Role.COMMISSIONER)
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError, match="inside the transaction"):
        audit_record(actor=actor_for_user(user), verb=AuditVerb.UPDATED, obj=user)
    assert AuditEvent.objects.count() == before
