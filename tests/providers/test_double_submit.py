"""Issue 9, defect 8: a form sent twice makes one record (fps_portal.once).

Each create form carries a hidden submission key made when it is shown; the row stores it under
a unique (owner, key) constraint, so the same form sent again, even by two racing requests,
answers with the first record and makes no second one.
"""

from __future__ import annotations

import re
import threading
import time
import uuid

import pytest
from django.db import connection, connections, transaction
from django.test import Client

from fps_portal.accounts.models import Role
from fps_portal.audit.models import AuditEvent
from providers.models import AdditionalService, Evidence
from providers.services.setting_prices import additional_service_add
from tests.factories import person
from tests.providers.onboarding.factories import (
    actor,
    draft_application,
    make_setting,
    open_window,
    ready_provider,
    upload,
)

pytestmark = pytest.mark.django_db


def _key(page: str, name: str = "submission_key") -> str:
    match = re.search(rf'<input type="hidden" name="{name}" value="([0-9a-f-]{{36}})"', page)
    assert match, f"no hidden {name} on the page"
    return match.group(1)


def _provider_browser() -> tuple[Client, object]:
    user = person(Role.PROVIDER_USER)
    browser = Client()
    browser.force_login(user)
    return browser, user


def test_the_evidence_form_sent_twice_stores_one_item_and_both_answers_redirect() -> None:
    browser, _ = _provider_browser()
    key = _key(browser.get("/onboarding/evidence/new/").content.decode())
    answers = [
        browser.post(
            "/onboarding/evidence/new/",
            {"kind": "policy", "title": "Safeguarding", "file": upload(), "submission_key": key},
        )
        for _ in range(2)
    ]
    assert [a.status_code for a in answers] == [302, 302]
    assert answers[0]["Location"] == answers[1]["Location"] == "/onboarding/evidence/"
    assert Evidence.objects.filter(title="Safeguarding").count() == 1
    assert AuditEvent.objects.filter(object_type="providers.evidence").count() == 1


def test_each_showing_of_the_form_may_add_another_item() -> None:
    browser, _ = _provider_browser()
    for _ in range(2):
        key = _key(browser.get("/onboarding/evidence/new/").content.decode())
        browser.post(
            "/onboarding/evidence/new/",
            {"kind": "policy", "title": "Policy", "file": upload(), "submission_key": key},
        )
    assert Evidence.objects.filter(title="Policy").count() == 2


def test_a_replacement_sent_twice_replaces_once_without_an_error() -> None:
    ready = ready_provider()
    browser = Client()
    browser.force_login(ready.user)
    old = Evidence.objects.filter(provider=ready.provider, kind="policy").get()
    path = f"/onboarding/evidence/new/?replaces={old.pk}"
    key = _key(browser.get(path).content.decode())
    form = {"kind": "policy", "title": "Policy 2027", "submission_key": key}
    first = browser.post(path, {**form, "file": upload()})
    again = browser.post(path, {**form, "file": upload()})
    assert (first.status_code, again.status_code) == (302, 302)
    assert Evidence.objects.filter(provider=ready.provider, title="Policy 2027").count() == 1
    old.refresh_from_db()
    assert old.superseded_at is not None


def test_an_invalid_form_keeps_its_key_so_the_corrected_one_still_makes_one_record() -> None:
    browser, _ = _provider_browser()
    key = _key(browser.get("/onboarding/evidence/new/").content.decode())
    bad = browser.post("/onboarding/evidence/new/", {"kind": "policy", "submission_key": key})
    assert bad.status_code == 400 and _key(bad.content.decode()) == key
    for _ in range(2):
        browser.post(
            "/onboarding/evidence/new/",
            {"kind": "policy", "title": "P", "file": upload(), "submission_key": key},
        )
    assert Evidence.objects.filter(title="P").count() == 1


def test_an_additional_service_sent_twice_is_added_once() -> None:
    browser, user = _provider_browser()
    setting = make_setting(provider=user.memberships.get().organisation)  # type: ignore[attr-defined]
    page = browser.get(f"/settings/{setting.pk}/prices/").content.decode()
    key = _key(page, "service-submission_key")
    form = {
        "service-name": "1:1 support",
        "service-unit": "hour",
        "service-rate": "24.50",
        "service-submission_key": key,
    }
    answers = [browser.post(f"/settings/{setting.pk}/services/", form) for _ in range(2)]
    assert [a.status_code for a in answers] == [302, 302]
    assert answers[0]["Location"] == answers[1]["Location"]
    assert AdditionalService.objects.filter(setting=setting).count() == 1


def test_an_application_service_line_sent_twice_is_added_once() -> None:
    ready = ready_provider()
    application = draft_application(ready, open_window())
    browser = Client()
    browser.force_login(ready.user)
    path = f"/onboarding/applications/{application.pk}/services/"
    key = _key(browser.get(path).content.decode())
    form = {
        "setting": ready.setting.pk,
        "name": "Speech therapy",
        "unit": "session",
        "rate": "60.00",
        "submission_key": key,
    }
    answers = [browser.post(path, form) for _ in range(2)]
    assert [a.status_code for a in answers] == [302, 302]
    # The service goes on the setting's own list (issue 10: one price list per setting).
    added = AdditionalService.objects.filter(setting=ready.setting, name="Speech therapy")
    assert added.count() == 1


def test_a_key_from_another_providers_page_neither_reveals_nor_blocks_their_record() -> None:
    mine, theirs = person(Role.PROVIDER_USER), person(Role.PROVIDER_USER)
    my_setting = make_setting(provider=mine.memberships.get().organisation)
    their_setting = make_setting(provider=theirs.memberships.get().organisation)
    key = uuid.uuid4()
    theirs_made = additional_service_add(
        actor=actor(theirs),
        setting=their_setting,
        name="Their service",
        unit="hour",
        rate="10",
        submission_key=key,
    )
    mine_made = additional_service_add(
        actor=actor(mine),
        setting=my_setting,
        name="My service",
        unit="hour",
        rate="12",
        submission_key=key,
    )
    assert mine_made.pk != theirs_made.pk and mine_made.name == "My service"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a real race needs PostgreSQL")
def test_two_racing_requests_with_one_key_make_one_record() -> None:
    """The second insert runs while the first transaction is still open: it cannot see the first
    row, so only the unique index stops it. It waits on that index, the first commits, and the
    second answers with the first row."""
    user = person(Role.PROVIDER_USER)
    setting = make_setting(provider=user.memberships.get().organisation)
    provider = actor(user)
    key = uuid.uuid4()
    first_inserted, results, errors = threading.Event(), {}, []

    def add(label: str, hold_open: bool) -> None:
        try:
            with transaction.atomic():
                results[label] = additional_service_add(
                    actor=provider,
                    setting=setting,
                    name="1:1 support",
                    unit="hour",
                    rate="24.50",
                    submission_key=key,
                )
                if hold_open:
                    first_inserted.set()
                    _wait_until_another_session_waits_on_a_lock()
        except Exception as exc:  # reported below: a thread's exception is otherwise lost
            errors.append(exc)
        finally:
            connections.close_all()

    first = threading.Thread(target=add, args=("first", True))
    first.start()
    assert first_inserted.wait(10)
    second = threading.Thread(target=add, args=("second", False))
    second.start()
    first.join(20)
    second.join(20)
    assert errors == []
    assert results["first"].pk == results["second"].pk
    assert AdditionalService.objects.filter(setting=setting).count() == 1
    assert AuditEvent.objects.filter(object_type="providers.additionalservice").count() == 1


def _wait_until_another_session_waits_on_a_lock(timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    with connections["default"].cursor() as cursor:
        while time.monotonic() < deadline:
            # Statistics views are a snapshot held for the transaction; take a fresh one.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock' "
                "AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.02)
    raise AssertionError("the second request never waited on the unique index")
