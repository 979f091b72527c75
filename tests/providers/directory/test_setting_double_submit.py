"""Issue 9, defect 8, for settings: the "add a setting" form sent twice adds one setting, and the
second answer goes where the first did (not "Another setting already has this URN")."""

from __future__ import annotations

import re

import pytest

from fps_portal.accounts.models import Role
from providers.models import Setting
from tests.factories import person
from tests.reference_data import AN_AREA_OF_NEED

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Harbour School",
    "urn": "912345",
    "postcode": "L20 3AB",
    "host_authority": "",
    "age_from": "7",
    "age_to": "16",
    "gender": "mixed",
    "offers_day": "on",
    "capacity": "30",
    "vacancies": "2",
    "specialisms": AN_AREA_OF_NEED,
}


def test_the_add_a_setting_form_sent_twice_adds_one_setting(world, client):
    client.force_login(person(Role.PROVIDER_USER, organisation=world.provider))
    page = client.get("/settings/new/", follow=True).content.decode()
    match = re.search(r'name="submission_key" value="([0-9a-f-]{36})"', page)
    assert match, "the form carries no submission key"
    form = {**FORM, "submission_key": match.group(1)}
    first, again = client.post("/settings/new/", form), client.post("/settings/new/", form)
    assert (first.status_code, again.status_code) == (302, 302)
    assert first["Location"] == again["Location"]
    assert Setting.objects.filter(provider=world.provider, name="Harbour School").count() == 1


def test_the_edit_form_carries_no_key_and_still_saves(world, client):
    client.force_login(person(Role.PROVIDER_USER, organisation=world.provider))
    page = client.get(f"/settings/{world.crewe.pk}/edit/").content.decode()
    assert 'name="submission_key"' not in page


def test_back_then_save_sends_the_same_key_and_adds_one_setting(world, client):
    """Signed-in pages are no-store, so Back fetches the form again: its key is in its address,
    so the fresh copy carries the same key as the one first sent (issue 10)."""
    client.force_login(person(Role.PROVIDER_USER, organisation=world.provider))
    first_visit = client.get("/settings/new/")
    assert first_visit.status_code == 302 and "?once=" in first_visit["Location"]
    address = first_visit["Location"]
    key = re.search(r"once=([0-9a-f-]{36})", address)
    assert key is not None
    page = client.get(address).content.decode()
    assert f'name="submission_key" value="{key.group(1)}"' in page
    form = {**FORM, "urn": "", "submission_key": key.group(1)}
    saved = client.post(address, form)
    # Back: the same address again, the same key; Save again answers with the first setting.
    back = client.get(address).content.decode()
    assert f'value="{key.group(1)}"' in back
    again = client.post(address, form)
    assert saved["Location"] == again["Location"]
    assert Setting.objects.filter(provider=world.provider, name="Harbour School").count() == 1
    # A new visit (the "Add a setting" link has no key) gets a new key.
    assert client.get("/settings/new/")["Location"] != address
