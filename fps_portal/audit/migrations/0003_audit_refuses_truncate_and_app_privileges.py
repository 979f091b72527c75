"""On PostgreSQL the audit table also refuses TRUNCATE, whoever asks, and only its owner may change it.

Migration 0002's row trigger stops UPDATE and DELETE, but TRUNCATE fires no row trigger. This adds a
statement trigger for it (the owner, who runs migrations, holds TRUNCATE, so privileges alone do not
stop it). Both triggers become ALWAYS triggers, so `session_replication_role = replica` (which
silences ordinary triggers) does not silence them either.

The application's own role (docs/deployment.md) is given SELECT, INSERT, UPDATE and DELETE on every
table by the owner's default privileges, this one included when 0001 created it; here every role
other than the owner loses all but SELECT and INSERT on it. Migrations cannot know the role's name,
so the grants are read from the table's ACL. `ops/db/roles.sql` asserts the same grants again.

The test suite, which empties tables with TRUNCATE between transactional tests, turns the TRUNCATE
trigger off in its own throwaway database only (tests/conftest.py).
"""

from django.db import migrations

CREATE = """
CREATE TRIGGER audit_event_no_truncate
    BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_is_append_only();
ALTER TABLE audit_auditevent ENABLE ALWAYS TRIGGER audit_event_append_only;
ALTER TABLE audit_auditevent ENABLE ALWAYS TRIGGER audit_event_no_truncate;
DO $$
DECLARE
    grantee_name text;
BEGIN
    REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON audit_auditevent FROM PUBLIC;
    FOR grantee_name IN
        SELECT DISTINCT grantee.rolname
        FROM pg_class AS c
        CROSS JOIN LATERAL aclexplode(c.relacl) AS acl
        JOIN pg_roles AS grantee ON grantee.oid = acl.grantee
        WHERE c.oid = 'audit_auditevent'::regclass AND acl.grantee <> c.relowner
    LOOP
        EXECUTE format(
            'REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON audit_auditevent FROM %I',
            grantee_name
        );
    END LOOP;
END
$$;
"""
DROP = """
DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_auditevent;
ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_append_only;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    # The revoked privileges are not given back: granting UPDATE or DELETE on the audit log is a
    # decision for a person, not for a rollback.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_audit_append_only_trigger")]
    operations = [migrations.RunPython(create, drop)]
