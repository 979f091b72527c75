from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from fps_portal.accounts.models import Role, User
from tests.factories import person

ALL_ROLES = [r.value for r in Role]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """Django empties every table with one TRUNCATE after each transactional test, and the audit
    log refuses TRUNCATE (migration audit/0003); in the suite's throwaway database only, it may.
    tests/portal/test_database_roles.py tries the trigger on a database set up as in production.
    """
    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1 FROM pg_trigger WHERE tgname = 'audit_event_no_truncate'")
                if cursor.fetchone():  # absent with --no-migrations
                    cursor.execute(
                        "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_truncate"
                    )


@pytest.fixture
def make_person(db: None) -> Callable[..., User]:
    return person


@pytest.fixture
def signed_in(client: Client, db: None) -> Callable[[User], Client]:
    """A browser session signed in as the given user."""

    def sign_in(user: User) -> Client:
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture(autouse=True)
def _reference_data(request: pytest.FixtureRequest) -> None:
    """Transactional tests start from migrated reference data even after another one flushed it."""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if transactional:
        from tests.reference_data import restore_reference_data

        request.getfixturevalue("transactional_db")
        restore_reference_data()
