"""A world of data built once for a test module, each test's writes undone at a savepoint.

For modules of many tests that only ask (the authorisation matrix, the API's key tables): the
world is built in a transaction that stays open for the module and is rolled back at its end,
and each test runs inside a savepoint of it, rolled back afterwards. Two queries a test, where
pytest-django's per-test transaction and a world built per test cost a dozen queries and the
world's whole build.

    world, db, module_world = world_per_module(build_world)

at module level gives the module a function-scoped `world` fixture, the world in a savepoint of
its own (and overrides pytest-django's `db` there, so a test asking for it gets the savepoint
too); `module_world` is the world itself, for module-scoped fixtures. Fixtures take the names
they are assigned to, so the first may be named for what the module calls it. The module must
not also carry the `django_db` mark: that would wrap each test in a transaction of
pytest-django's own. Work that waits for a commit (`transaction.on_commit`) never runs in such
a module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pytest
from django.db import transaction

W = TypeVar("W")


def world_per_module(build: Callable[[], W]) -> tuple[Any, Any, Any]:
    @pytest.fixture(scope="module")
    def module_world(django_db_setup: None, django_db_blocker: Any) -> Iterator[W]:
        with django_db_blocker.unblock(), transaction.atomic():
            yield build()
            transaction.set_rollback(True)

    @pytest.fixture
    def db(module_world: W) -> Iterator[None]:
        savepoint = transaction.savepoint()
        try:
            yield
        finally:
            transaction.savepoint_rollback(savepoint)
            # ROLLBACK TO keeps the savepoint open, so without the RELEASE each test would nest
            # the next one level deeper, and every level that wrote keeps its transaction id's
            # lock to the module's end: on PostgreSQL 8,000 tests ran the lock table out of
            # shared memory.
            transaction.savepoint_commit(savepoint)

    @pytest.fixture
    def world(db: None, module_world: W) -> W:
        return module_world

    return world, db, module_world
