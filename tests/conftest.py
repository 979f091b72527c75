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
