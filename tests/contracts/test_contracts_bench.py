"""The placements benchmark (bench/contracts_bench.py): it measures the commissioner of the
authority with the most agreements, builds only what is missing, and names the routes plist
builds (a list not there yet is skipped, not failed)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from bench import contracts_bench
from bench.lists import page_url


@pytest.mark.django_db
def test_the_busiest_authority_is_the_one_with_the_most_agreements() -> None:
    call_command("load_demo_data", stdout=StringIO())
    # Blackpool has three agreements in the demo (the uplifted, the ended, the spot purchase's);
    # Sefton two.
    assert contracts_bench.busiest_authority().name == "Blackpool"


@pytest.mark.django_db
def test_nothing_is_built_when_the_large_set_is_there(monkeypatch, capsys) -> None:
    import demo.large
    import demo.large_contracts
    import demo.large_referrals

    for module, exists in (
        (demo.large, "large_demo_exists"),
        (demo.large_referrals, "large_referrals_exist"),
        (demo.large_contracts, "large_contracts_exist"),
    ):
        monkeypatch.setattr(module, exists, lambda: True)
    contracts_bench.ensure_large_data()
    assert capsys.readouterr().out == ""


def test_the_routes_it_measures_are_the_placements_page_and_api() -> None:
    assert contracts_bench.PAGE == "contracts:placements"
    assert contracts_bench.API == "placement-list"
    for name in (contracts_bench.PAGE, contracts_bench.API):
        url = page_url(name)  # None until plist's routes are merged: the bench then skips
        assert url is None or url in {"/placements/", "/api/v1/placements/"}
