"""The placements list, its export and the API list make the same number of queries however
many placements there are (the budgets in tests/contracts/placements_budgets.py name each
query): measured with two signed agreements, then again with two more."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from fps_portal.accounts.models import User
from tests.contracts.signed_world import another_signed, signed
from tests.factories import api_client_for

pytestmark = pytest.mark.django_db


def _counted(get: Callable[[], object]) -> int:
    get()  # warm: the first visit may write the session
    with CaptureQueriesContext(connection) as queries:
        get()
    return len(queries.captured_queries)


def _requests(user: User) -> dict[str, Callable[[], object]]:
    browser = Client()
    browser.force_login(user)
    api = api_client_for(user)

    def ok(client: Client, path: str) -> Callable[[], object]:
        def get() -> object:
            answer = client.get(path)
            assert answer.status_code == 200, path
            return answer

        return get

    return {
        "page": ok(browser, "/placements/"),
        "page, filtered": ok(browser, "/placements/?state=signed&variation_pending=no"),
        "CSV": ok(browser, "/placements/export/?format=csv"),
        "XLSX": ok(browser, "/placements/export/?format=xlsx"),
        "API": ok(api, "/api/v1/placements/"),
    }


@pytest.mark.parametrize("who", ["commissioner", "provider_user"])
def test_the_query_count_does_not_grow_with_the_placements(who: str) -> None:
    p = signed()
    q = another_signed(p)
    user = getattr(p, who)
    before = {name: _counted(get) for name, get in _requests(user).items()}
    another_signed(p)
    another_signed(q)
    after = {name: _counted(get) for name, get in _requests(user).items()}
    assert after == before
