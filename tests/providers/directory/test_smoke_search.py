from __future__ import annotations

from fps_portal.accounts.models import Role
from tests.factories import api_client_for, person


def test_search_page_and_api(world, client):
    user = person(Role.COMMISSIONER)
    client.force_login(user)
    response = client.get("/find-a-setting/", {"postcode": "L20 3AB", "radius_miles": "300"})
    assert response.status_code == 200, response.content.decode()[:3000]
    api = api_client_for(user)
    response = api.get("/api/v1/settings/", {"postcode": "L20 3AB"})
    assert response.status_code == 200, response.json()
    names = [r["name"] for r in response.json()["results"]]
    assert names == ["Bootle College", "Crewe School", "Carlisle House"]
