from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from fps_portal.accounts.models import Role, User
from tests.factories import person

ALL_ROLES = [r.value for r in Role]


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
