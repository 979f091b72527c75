from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from fps_portal.accounts.models import Role, User
from tests.factories import person
from tests.reference_data import remember_reference_data

ALL_ROLES = [r.value for r in Role]


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """How many xdist workers `-n auto` (pyproject's addopts) starts: PYTEST_WORKERS when set (0:
    none, the tests run in this process); none for a run of named test files, where starting a
    worker per core (each importing Django and migrating a test database of its own) costs more
    than it saves; else pytest-xdist's own count, one per core. `-n N` always means N."""
    workers = os.environ.get("PYTEST_WORKERS", "").strip()
    if workers.isdigit():
        return int(workers)
    if config.args_source == pytest.Config.ArgsSource.ARGS and all(
        Path(arg.split("::")[0]).is_file() for arg in config.args
    ):
        return 0
    return None


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """`xdist_group` for pytest 9.2, until pytest-xdist mends it (pytest-xdist issue #1386).

    Under --dist loadgroup each xdist worker adds "@<group>" to a grouped test's id and the
    scheduler hands every test of a group to one worker; pytest-xdist 3.8 still writes the id to
    `item._nodeid`, which pytest 9.2 no longer reads (ids are structured, in `item._id`), so the
    groups were silently ignored. This writes the suffix where pytest reads it; it does nothing
    once pytest-xdist has done so itself."""
    if not getattr(config.option, "loadgroup", False):
        return
    from _pytest.nodeid import NodeId

    for item in items:
        groups = sorted(
            {
                str(m.args[0] if m.args else m.kwargs.get("name", "default"))
                for m in item.iter_markers("xdist_group")
            }
        )
        suffix = f"@{'_'.join(groups)}"
        if groups and not item.nodeid.endswith(suffix) and hasattr(item, "_id"):
            item._id = NodeId.parse(item.nodeid + suffix)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """Django empties every table with one TRUNCATE after each transactional test, and the audit
    log refuses TRUNCATE (migration audit/0003); in the suite's throwaway database only, it may.
    tests/portal/test_database_roles.py tries the trigger on a database set up as in production.
    The reference rows the migrations loaded are remembered here, for transactional tests to get
    back after each flush (tests/reference_data.py).
    """
    with django_db_blocker.unblock():
        remember_reference_data()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1 FROM pg_trigger WHERE tgname = 'audit_event_no_truncate'")
                if cursor.fetchone():  # absent with --no-migrations
                    cursor.execute(
                        "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_truncate"
                    )


@pytest.fixture(scope="session", autouse=True)
def _files_of_this_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Uploads and the embedded broker's file go to folders of this run's own (of this xdist
    worker's, under -n), never the checkout's var/: `make run`'s demo keeps its files there, and
    every worker of the suite (and every other run on the machine) would share them. A test that
    looks inside the folder still points it at its own tmp_path (the `settings` fixture, the
    broker fixtures of tests/portal/conftest.py)."""
    from django.conf import settings

    from fps_portal.celery import app as celery_app

    private = tmp_path_factory.mktemp("private")
    media = settings.PRIVATE_MEDIA_ROOT, settings.MEDIA_ROOT
    settings.PRIVATE_MEDIA_ROOT = settings.MEDIA_ROOT = private
    broker = celery_app.conf.broker_url
    if celery_app.conf.broker_transport == "fps_portal.broker:Transport":
        celery_app.conf.broker_url = (
            f"sqlite:///{tmp_path_factory.mktemp('var') / 'broker.sqlite3'}"
        )
    try:
        yield
    finally:
        settings.PRIVATE_MEDIA_ROOT, settings.MEDIA_ROOT = media
        celery_app.conf.broker_url = broker


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


#: Django's own force_login, which signs in with no factor at all (not even a password).
password_only_force_login = Client.force_login


def _force_login_past_the_second_factor(
    self: Client, user: User, backend: str | None = None
) -> None:
    """Client.force_login, and the second factor passed as well.

    Most of the suite tests what a signed-in person may see and do, not how they signed in, and
    calls `client.force_login` (directly, through `signed_in`, or in browser fixtures) for that.
    Since a password-only session of an authority user or administrator now reaches nothing but
    the sign-in steps, force_login here also does what a correct code would do: the user gets a
    confirmed authenticator app (if they have none) and the session records it as verified, which
    is exactly what django_otp.login stores. How people really get there (password, then code,
    recovery code or enrolment) is tested through the real pages in
    tests/portal/test_second_factor.py and tests/browser/test_sign_in.py; tests that need a
    password-only session call `password_only_force_login(client, user)` or post the sign-in
    form.
    """
    password_only_force_login(self, user, backend)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Test suite's app", confirmed=True)
    session = self.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture(autouse=True)
def _force_login_passes_the_second_factor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Client, "force_login", _force_login_past_the_second_factor)


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Sign-in lockouts (django-axes), rate limits and API throttles count in the cache: each
    test starts with none, so no test inherits another's failures."""
    cache.clear()


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
