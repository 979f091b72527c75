"""The restore drill: back up the PostgreSQL database, restore the backup into a fresh database,
and prove the copy is whole and the portal runs on it.

    make restore-drill                                   (postgres://postgres@localhost/fps_drill)
    make restore-drill RESTORE_DRILL_DATABASE_URL=postgres://USER@HOST:5432/DATABASE

1. An empty source database (a fresh machine) is first migrated and given the demo data.
2. pg_dump (custom format) takes the backup inside a transaction whose snapshot the row counts use
   too, so the counts are exact even while the portal writes.
3. pg_restore loads it into DATABASE_restore_drill, made fresh.
4. Every table's rows are counted in both, and each table's owner, privileges and triggers and each
   sequence's position compared; any difference fails the drill.
5. Django runs against the copy (as --portal-user, e.g. fps_app, when given): `check --database
   default`, `migrate --check` (the schema is the code's), the sign-in page, /healthz's database
   check, and a provider's dashboard naming its organisation.

It prints a report and exits 1 on any difference or failure. The copy is dropped afterwards
unless --keep is given. Run it as a superuser; as anyone else the copy is restored without owners
and privileges, and those are not compared.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = "postgres://postgres@localhost:5432/fps_drill"
SUFFIX = "_restore_drill"

TABLES = """
SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname)
FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname !~ '^pg_(toast|temp)'
ORDER BY 1
"""
# What a restore must bring back besides the rows: who owns each table and who may do what to it
# (the application's role may only read and append to the audit log), and which triggers fire.
PROTECTIONS = """
SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname), pg_get_userbyid(c.relowner),
       (SELECT array_agg(a ORDER BY a)  -- no ACL means the default one: say it in full
        FROM unnest(coalesce(c.relacl, acldefault('r', c.relowner))::text[]) AS a),
       coalesce((SELECT array_agg(t.tgname || ':' || t.tgenabled::text ORDER BY t.tgname)
                 FROM pg_trigger AS t WHERE t.tgrelid = c.oid AND NOT t.tgisinternal), '{}')
FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname !~ '^pg_(toast|temp)'
ORDER BY 1
"""
SEQUENCES = """
SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename), coalesce(last_value, 0)
FROM pg_sequences ORDER BY 1
"""


def _psycopg2() -> Any:
    import psycopg2  # the project's PostgreSQL driver; imported late so --help works without it

    return psycopg2


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def with_user(url: str, user: str) -> str:
    """The URL with another user and no password (libpq finds it in ~/.pgpass, or trust/peer)."""
    parts = urlsplit(url)
    server = parts.hostname or ""
    if ":" in server:
        server = f"[{server}]"
    netloc = f"{user}@{server}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def database_name(url: str) -> str:
    name = urlsplit(url).path.lstrip("/")
    if not name:
        raise SystemExit(f"The URL names no database: {url}")
    return name


@contextmanager
def connect(url: str, *, autocommit: bool = True) -> Iterator[Any]:
    connection = _psycopg2().connect(url)
    connection.autocommit = autocommit
    try:
        yield connection
    finally:
        connection.close()


def query(connection: Any, sql: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or None)  # no parameters: no %-interpolation either
        return list(cursor.fetchall())


def count_rows(connection: Any, tables: list[str]) -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {table}")  # names quoted by quote_ident
            counts[table] = cursor.fetchone()[0]
    return counts


@dataclass
class Snapshot:
    rows: dict[str, int]
    protections: dict[str, tuple[str, list[str], list[str]]]
    sequences: dict[str, int]


def snapshot(connection: Any) -> Snapshot:
    tables = [row[0] for row in query(connection, TABLES)]
    return Snapshot(
        rows=count_rows(connection, tables),
        protections={
            row[0]: (row[1], list(row[2]), list(row[3])) for row in query(connection, PROTECTIONS)
        },
        sequences=dict(query(connection, SEQUENCES)),
    )


def differences(source: Snapshot, restored: Snapshot, *, privileges: bool = True) -> list[str]:
    """Every way the restored database differs from the source, in words; empty when none.
    Owners and privileges are compared only when the restore could set them (`privileges`)."""
    found = []
    for table in sorted(source.rows.keys() | restored.rows.keys()):
        if table not in restored.rows:
            found.append(f"{table}: missing from the restored database")
        elif table not in source.rows:
            found.append(f"{table}: in the restored database only")
        elif source.rows[table] != restored.rows[table]:
            found.append(
                f"{table}: {source.rows[table]} rows in the source, {restored.rows[table]} restored"
            )
    for table in sorted(source.protections.keys() & restored.protections.keys()):
        owner, acl, triggers = source.protections[table]
        restored_owner, restored_acl, restored_triggers = restored.protections[table]
        if privileges and restored_owner != owner:
            found.append(f"{table}: owned by {owner} in the source, {restored_owner} restored")
        if privileges and restored_acl != acl:
            found.append(f"{table}: privileges {acl} in the source, {restored_acl} restored")
        if restored_triggers != triggers:
            found.append(
                f"{table}: triggers {triggers} in the source, {restored_triggers} restored"
            )
    for sequence, position in sorted(source.sequences.items()):
        if restored.sequences.get(sequence) != position:
            restored_position = restored.sequences.get(sequence)
            found.append(f"{sequence}: at {position} in the source, {restored_position} restored")
    return found


@dataclass
class Report:
    steps: list[tuple[str, float, str]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    @contextmanager
    def step(self, name: str) -> Iterator[list[str]]:
        started = time.monotonic()
        notes: list[str] = []
        print(f"-- {name} ...", flush=True)
        try:
            yield notes
        finally:
            elapsed = time.monotonic() - started
            self.steps.append((name, elapsed, "; ".join(notes)))
            print(f"   {elapsed:6.1f} s  {'; '.join(notes)}", flush=True)


def run(
    command: list[str], *, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        command, env={**os.environ, **(env or {})}, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command[:3])} ... failed ({result.returncode}):\n{result.stderr[-3000:]}"
        )
    return result


def manage(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env={
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "fps_portal.settings.test",
            "PYTHONPATH": str(ROOT),
        },
    )


def prepare_source(admin_url: str, source_url: str, notes: list[str]) -> None:
    name = database_name(source_url)
    with connect(admin_url) as admin:
        if not query(admin, "SELECT 1 FROM pg_database WHERE datname = %s", (name,)):
            with admin.cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{name}"')
            notes.append(f"created {name}")
    with connect(source_url) as source:
        empty = not query(source, TABLES)
    if empty:
        manage(source_url, "migrate", "--no-input", "-v", "0")
        manage(source_url, "load_demo_data", "--if-empty")
        notes.append("it was empty: migrated and loaded the demo data")
    else:
        notes.append(f"{name} has tables: dumped as it is")


def portal_check() -> None:
    """Runs in a child process whose DATABASE_URL names the restored database."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from fps_portal.accounts.models import Membership, Role

    call_command("check", "--database", "default", "--fail-level", "ERROR", verbosity=0)
    call_command("migrate", "--check", verbosity=0)  # exits non-zero if a migration is missing
    setup_test_environment()
    client = Client()
    sign_in = client.get("/account/sign-in/")
    assert sign_in.status_code == 200, f"the sign-in page answered {sign_in.status_code}"
    health = client.get("/healthz").json()
    assert health["database"]["status"] == "ok", f"/healthz says the database is {health}"
    membership = (
        Membership.objects.filter(role=Role.PROVIDER_USER, user__is_active=True)
        .select_related("user", "organisation")
        .order_by("pk")
        .first()
    )
    assert membership is not None, "the restored database has no provider user"
    client.force_login(membership.user)
    dashboard = client.get("/dashboard/")
    assert dashboard.status_code == 200, f"the dashboard answered {dashboard.status_code}"
    assert membership.organisation.name in dashboard.content.decode(), (
        f"the dashboard of {membership.user.email} does not name {membership.organisation.name}"
    )
    print(f"sign-in page 200, /healthz database ok, {membership.user.email}'s dashboard 200")


def print_summary(
    source_name: str, report: Report, before: Snapshot | None, after: Snapshot | None
) -> None:
    print()
    print(f"Restore drill of {source_name}")
    if before is not None:
        width = max(len(table) for table in before.rows)
        print(f"  {'table'.ljust(width)}  {'source':>8}  {'restored':>8}")
        for table, rows in before.rows.items():
            restored_rows = after.rows.get(table) if after is not None else None
            mark = "" if restored_rows == rows else "  <- differs"
            print(f"  {table.ljust(width)}  {rows:>8}  {restored_rows!s:>8}{mark}")
    for name, seconds, notes in report.steps:
        print(f"  {seconds:6.1f} s  {name}: {notes}")
    print(f"  {sum(seconds for _, seconds, _ in report.steps):6.1f} s  in all")


def drill(source_url: str, *, keep: bool, portal_user: str = "") -> int:
    report = Report()
    admin_url = with_database(source_url, "postgres")
    source_name = database_name(source_url)
    restored_name = source_name + SUFFIX
    restored_url = with_database(source_url, restored_name)
    before: Snapshot | None = None
    after: Snapshot | None = None
    with tempfile.TemporaryDirectory(prefix="restore-drill-") as folder:
        dump = Path(folder) / f"{source_name}.dump"
        try:
            with report.step(f"source {source_name}") as notes:
                prepare_source(admin_url, source_url, notes)
            with connect(admin_url) as admin:
                ((superuser, source_owner),) = query(
                    admin,
                    "SELECT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user),"
                    " pg_get_userbyid(datdba) FROM pg_database WHERE datname = %s",
                    (source_name,),
                )
            with (
                report.step("pg_dump --format=custom") as notes,
                connect(source_url, autocommit=False) as source,
            ):
                source.set_session(isolation_level="REPEATABLE READ", readonly=True)
                ((snapshot_id,),) = query(source, "SELECT pg_export_snapshot()")
                run(
                    [
                        "pg_dump",
                        "--format=custom",
                        f"--snapshot={snapshot_id}",
                        f"--file={dump}",
                        source_url,
                    ]
                )
                before = snapshot(source)  # what pg_dump read: the same snapshot
                source.rollback()
                notes.append(f"{dump.stat().st_size / 1_000_000:.1f} MB")
            with report.step(f"pg_restore into {restored_name}") as notes:
                with connect(admin_url) as admin, admin.cursor() as cursor:
                    cursor.execute(f'DROP DATABASE IF EXISTS "{restored_name}" WITH (FORCE)')
                    owner = f' OWNER "{source_owner}"' if superuser else ""
                    cursor.execute(f'CREATE DATABASE "{restored_name}" TEMPLATE template0{owner}')
                # Only a superuser can give objects back to their owners and grants to their roles.
                unprivileged = [] if superuser else ["--no-owner", "--no-acl"]
                run(
                    [
                        "pg_restore",
                        "--exit-on-error",
                        *unprivileged,
                        f"--dbname={restored_url}",
                        str(dump),
                    ]
                )
                if unprivileged:
                    notes.append("not a superuser: owners and privileges not restored or compared")
            with report.step("compare") as notes, connect(restored_url) as restored:
                after = snapshot(restored)
                report.failures += differences(before, after, privileges=bool(superuser))
                notes.append(
                    f"{len(before.rows)} tables, {sum(before.rows.values())} rows, "
                    f"{len(before.sequences)} sequences: "
                    + (f"{len(report.failures)} differences" if report.failures else "identical")
                )
            with report.step("the portal on the restored database") as notes:
                result = run(
                    [sys.executable, __file__, "--portal-check"],
                    env={
                        "DATABASE_URL": with_user(restored_url, portal_user)
                        if portal_user
                        else restored_url,
                        "DJANGO_SETTINGS_MODULE": "fps_portal.settings.test",
                        "PYTHONPATH": str(ROOT),
                    },
                )
                notes.append(result.stdout.strip().splitlines()[-1])
                if portal_user:
                    notes.append(f"connected as {portal_user}")
        except (RuntimeError, _psycopg2().Error) as exc:
            report.failures.append(str(exc).strip())
        finally:
            if not keep:
                with connect(admin_url) as admin, admin.cursor() as cursor:
                    cursor.execute(f'DROP DATABASE IF EXISTS "{restored_name}" WITH (FORCE)')
    print_summary(source_name, report, before, after)
    if keep:
        print(f"  the restored copy is kept: {restored_name}")
    if report.failures:
        print("RESTORE DRILL FAILED:")
        for failure in report.failures:
            print(f"  - {failure}")
        return 1
    print("RESTORE DRILL PASSED: every table came back with the same rows, owners, privileges and")
    print("triggers, every sequence at the same position, and the portal answers on the copy.")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--source",
        default=os.environ.get("RESTORE_DRILL_DATABASE_URL") or DEFAULT_SOURCE,
        help="the database to back up (default: $RESTORE_DRILL_DATABASE_URL, else %(default)s)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the restored copy")
    parser.add_argument(
        "--portal-user",
        default=os.environ.get("RESTORE_DRILL_PORTAL_USER", ""),
        help="the role the portal check connects as, e.g. fps_app (default: the source URL's user;"
        " $RESTORE_DRILL_PORTAL_USER)",
    )
    parser.add_argument("--portal-check", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.portal_check:
        portal_check()
        return 0
    return drill(arguments.source, keep=arguments.keep, portal_user=arguments.portal_user)


if __name__ == "__main__":
    sys.exit(main())
