import pytest
from typing import Any

from tests.browser import test_accessibility as t
from tests.browser.pages import ACCOUNTS, PASSWORD_ONLY, build_world


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_accounts_only(open_signed_in: Any, live_server: Any, settings: Any) -> None:
    settings.ROOT_URLCONF = "tests.browser.urls"
    world = build_world()
    gate = t.Gate()
    persona = ACCOUNTS
    gate.page = open_signed_in(world.users.get(persona), second_factor=True).new_page()
    gate.page.set_default_timeout(15_000)
    t._check_every_page_as(persona, world, gate.page, live_server.url, gate)
    assert not gate.problems, "\n" + gate.report()
