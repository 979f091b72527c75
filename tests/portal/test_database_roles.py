"""The production database roles, for real (docs/deployment.md): ops/db/setup-roles.sh on a fresh
PostgreSQL database, `migrate` as the owner, the portal's normal work as the application's role,
and then that role tries every way of erasing the audit log.

It needs a PostgreSQL superuser (roles are created for the cluster); CI has one and sets
FPS_REQUIRE_DATABASE_ROLE_TESTS=1, so there a missing superuser fails instead of skipping.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
SETUP_ROLES = ROOT / "ops" / "db" / "setup-roles.sh"
OWNER, APP = "fps_owner", "fps_app"
AUDIT = "audit_auditevent"

pytestmark = [
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="The database roles exist only on PostgreSQL (set DATABASE_URL to run this)",
    ),
    # One xdist worker runs the module, so roles_database (a migrate and the demo data, in
    # subprocesses) is built once, not once per worker; and the roles are the cluster's, which
    # each build gives new passwords, so on a server that checks them one worker's build would
    # lock the other's connections out.
    pytest.mark.xdist_group("postgresql_roles"),
]

psycopg2 = pytest.importorskip("psycopg2")


@dataclass(frozen=True)
class RolesDatabase:
    name: str
    superuser_url: str
    owner_url: str
    app_url: str


def _url(user: str, password: str, database: str) -> str:
    server = settings.DATABASES["default"]
    credentials = quote(user, safe="") + (f":{quote(password, safe='')}" if password else "")
    return (
        f"postgres://{credentials}@{server['HOST'] or 'localhost'}:{server['PORT'] or 5432}"
        f"/{database}"
    )


@contextmanager
def _connect(url: str) -> Iterator[Any]:
    connection = psycopg2.connect(url)
    connection.autocommit = True
    try:
        yield connection
    finally:
        connection.close()


def _one(url: str, sql: str, params: tuple[object, ...] = ()) -> Any:
    with _connect(url) as connection, connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def _manage(database_url: str, *args: str) -> None:
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "fps_portal.settings.test",
        "PYTHONPATH": str(ROOT),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)} failed:\n{result.stderr[-4000:]}"


def _setup_roles(database: RolesDatabase, passwords: dict[str, str]) -> None:
    result = subprocess.run(
        [str(SETUP_ROLES), database.superuser_url],
        env={**os.environ, **passwords},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="module")
def roles_database() -> Iterator[RolesDatabase]:
    """A database set up exactly as docs/deployment.md says: roles first, then `migrate` as the
    owner, then the roles script again (as after any upgrade), then demo data as the app role."""
    server = settings.DATABASES["default"]
    superuser, password = server["USER"], server["PASSWORD"] or ""
    admin_url = _url(superuser, password, "postgres")
    if not _one(admin_url, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"):
        message = f"{superuser} is not a PostgreSQL superuser, so it cannot create the roles"
        if os.environ.get("FPS_REQUIRE_DATABASE_ROLE_TESTS") == "1":
            pytest.fail(message)
        pytest.skip(message)
    name = f"fps_roles_test_{os.getpid()}"
    passwords = {
        "FPS_OWNER_DB_PASSWORD": secrets.token_urlsafe(24),
        "FPS_APP_DB_PASSWORD": secrets.token_urlsafe(24),
    }
    database = RolesDatabase(
        name=name,
        superuser_url=_url(superuser, password, name),
        owner_url=_url(OWNER, passwords["FPS_OWNER_DB_PASSWORD"], name),
        app_url=_url(APP, passwords["FPS_APP_DB_PASSWORD"], name),
    )
    with _connect(admin_url) as admin, admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        _setup_roles(database, passwords)
        _manage(database.owner_url, "migrate", "--no-input", "-v", "0")
        _setup_roles(database, passwords)
        _manage(database.app_url, "load_demo_data")
        yield database
    finally:
        with _connect(admin_url) as admin, admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _audit_fingerprint(url: str) -> tuple[int, str]:
    with _connect(url) as connection, connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*), md5(string_agg(id || reason, ',' ORDER BY id)) FROM {AUDIT}"
        )
        count, digest = cursor.fetchone()
        return count, digest


def test_neither_role_is_a_superuser_or_a_member_of_a_role(roles_database: RolesDatabase) -> None:
    with _connect(roles_database.superuser_url) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT rolname, rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls,"
            " (SELECT count(*) FROM pg_auth_members WHERE member = r.oid)"
            " FROM pg_roles AS r WHERE rolname IN (%s, %s) ORDER BY rolname",
            (OWNER, APP),
        )
        rows = cursor.fetchall()
    assert rows == [(APP, False, False, False, False, False, 0), (OWNER, *[False] * 5, 0)]


def test_the_owner_owns_everything_and_the_app_role_nothing(roles_database: RolesDatabase) -> None:
    owners = _one(
        roles_database.superuser_url,
        "SELECT array_agg(DISTINCT pg_get_userbyid(c.relowner)) FROM pg_class AS c"
        " JOIN pg_namespace AS n ON n.oid = c.relnamespace WHERE n.nspname = 'public'",
    )
    assert owners == [OWNER]
    assert (
        _one(
            roles_database.superuser_url,
            "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()",
        )
        == OWNER
    )


def test_the_audit_log_grants_the_app_role_only_select_and_insert(
    roles_database: RolesDatabase,
) -> None:
    acl = _one(
        roles_database.superuser_url,
        f"SELECT relacl::text[] FROM pg_class WHERE oid = '{AUDIT}'::regclass",
    )
    assert sorted(acl) == sorted([f"{OWNER}=arwdDxt/{OWNER}", f"{APP}=ar/{OWNER}"])


def test_the_app_role_did_the_portals_normal_work(roles_database: RolesDatabase) -> None:
    # The fixture loaded the demo data as the app role: services wrote rows and audit events.
    assert _one(roles_database.app_url, "SELECT count(*) FROM providers_setting") > 0
    assert _one(roles_database.app_url, f"SELECT count(*) FROM {AUDIT}") > 0
    with _connect(roles_database.app_url) as connection, connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO django_session (session_key, session_data, expire_date)"
            " VALUES ('roles-test', 'a', now())"
        )
        cursor.execute(
            "UPDATE django_session SET session_data = 'b' WHERE session_key = 'roles-test'"
        )
        assert cursor.rowcount == 1
        cursor.execute("DELETE FROM django_session WHERE session_key = 'roles-test'")
        assert cursor.rowcount == 1


def test_the_app_role_appends_to_and_reads_the_audit_log(roles_database: RolesDatabase) -> None:
    before, _ = _audit_fingerprint(roles_database.app_url)
    new_id = _one(
        roles_database.app_url,
        f"INSERT INTO {AUDIT} (occurred_at, actor_label, role, verb, object_type, object_id,"
        " object_repr, reason, request_id) VALUES (now(), 'system', '', 'created', 'x.y', '1',"
        " '', 'appended by the app role', '') RETURNING id",
    )
    assert _one(roles_database.app_url, f"SELECT reason FROM {AUDIT} WHERE id = %s", (new_id,)) == (
        "appended by the app role"
    )
    assert _audit_fingerprint(roles_database.app_url)[0] == before + 1


@pytest.mark.parametrize(
    "attack",
    [
        f"UPDATE {AUDIT} SET reason = 'rewritten'",
        f"DELETE FROM {AUDIT}",
        f"TRUNCATE {AUDIT}",
        f"TRUNCATE {AUDIT} CASCADE",
        f"ALTER TABLE {AUDIT} DISABLE TRIGGER audit_event_append_only",
        f"ALTER TABLE {AUDIT} DISABLE TRIGGER ALL",
        "SET session_replication_role = replica",
        f"ALTER TABLE {AUDIT} OWNER TO {APP}",
        f"DROP TABLE {AUDIT} CASCADE",
        f"CREATE TRIGGER t BEFORE INSERT ON {AUDIT} EXECUTE FUNCTION audit_event_is_append_only()",
        f"SELECT id FROM {AUDIT} FOR UPDATE",
        f"SET ROLE {OWNER}",
        f"CREATE TABLE {AUDIT}_copy (id bigint)",
    ],
)
def test_the_app_role_cannot_change_or_erase_the_audit_log(
    roles_database: RolesDatabase, attack: str
) -> None:
    before = _audit_fingerprint(roles_database.superuser_url)
    with (
        _connect(roles_database.app_url) as connection,
        connection.cursor() as cursor,
        pytest.raises(psycopg2.errors.InsufficientPrivilege),
    ):
        cursor.execute(attack)
    assert _audit_fingerprint(roles_database.superuser_url) == before


@pytest.mark.parametrize(
    ("attack", "error"),
    [
        (f"TRUNCATE {AUDIT}", "append-only: TRUNCATE refused"),
        (f"UPDATE {AUDIT} SET reason = 'rewritten'", "append-only: UPDATE refused"),
        (f"DELETE FROM {AUDIT}", "append-only: DELETE refused"),
        ("SET session_replication_role = replica", "permission denied to set parameter"),
    ],
)
def test_even_the_owner_cannot_erase_the_audit_log(
    roles_database: RolesDatabase, attack: str, error: str
) -> None:
    """The owner holds every privilege on its table; the triggers stop it all the same."""
    before = _audit_fingerprint(roles_database.superuser_url)
    with (
        _connect(roles_database.owner_url) as connection,
        connection.cursor() as cursor,
        pytest.raises(psycopg2.errors.InsufficientPrivilege, match=error),
    ):
        cursor.execute(attack)
    assert _audit_fingerprint(roles_database.superuser_url) == before


def test_replica_mode_does_not_silence_the_audit_triggers(roles_database: RolesDatabase) -> None:
    """Replica mode skips ordinary triggers; these are ALWAYS triggers. (Only a superuser may set
    the mode, so the superuser tries it here.)"""
    before = _audit_fingerprint(roles_database.superuser_url)
    with _connect(roles_database.superuser_url) as connection, connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        for attack in (f"TRUNCATE {AUDIT}", f"DELETE FROM {AUDIT}"):
            with pytest.raises(psycopg2.errors.InsufficientPrivilege, match="append-only"):
                cursor.execute(attack)
    assert _audit_fingerprint(roles_database.superuser_url) == before


def test_a_table_a_later_migration_creates_is_granted_to_the_app_role(
    roles_database: RolesDatabase,
) -> None:
    with _connect(roles_database.owner_url) as connection, connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE later_migration (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
            " label text NOT NULL)"
        )
    try:
        with _connect(roles_database.app_url) as connection, connection.cursor() as cursor:
            cursor.execute("INSERT INTO later_migration (label) VALUES ('a') RETURNING id")
            new_id = cursor.fetchone()[0]
            cursor.execute("UPDATE later_migration SET label = 'b' WHERE id = %s", (new_id,))
            cursor.execute("SELECT label FROM later_migration")
            assert cursor.fetchall() == [("b",)]
            cursor.execute("DELETE FROM later_migration")
            assert cursor.rowcount == 1
            with pytest.raises(psycopg2.errors.InsufficientPrivilege):
                cursor.execute("TRUNCATE later_migration")
    finally:
        with _connect(roles_database.owner_url) as connection, connection.cursor() as cursor:
            cursor.execute("DROP TABLE later_migration")


def test_the_roles_script_may_run_for_several_databases_at_once(
    roles_database: RolesDatabase,
) -> None:
    """Roles belong to the whole server; without its lock, runs at the same moment (two databases
    set up at once, or two CI jobs) failed with "tuple concurrently updated"."""
    server = settings.DATABASES["default"]
    admin_url = _url(server["USER"], server["PASSWORD"] or "", "postgres")
    names = [f"{roles_database.name}_at_once_{n}" for n in range(4)]
    with _connect(admin_url) as admin, admin.cursor() as cursor:
        for name in names:
            cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        runs = [
            subprocess.Popen(
                [str(SETUP_ROLES), _url(server["USER"], server["PASSWORD"] or "", name)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for name in names
        ]
        outcomes = [(run.wait(timeout=60), run.communicate()[1]) for run in runs]
        assert outcomes == [(0, "")] * len(names)
    finally:
        with _connect(admin_url) as admin, admin.cursor() as cursor:
            for name in names:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
