"""One error shape: `fields` maps each field to a list of messages, always, whatever raised it;
what Django answers itself under /api/ is the same shape; parameters the fuzzing gate found
quietly ignored are refused, naming them."""

from __future__ import annotations

from typing import Any

import pytest

from fps_portal.accounts.models import Role
from fps_portal.api.errors import error_body, field_messages
from fps_portal.errors import InvalidInput, NotAllowed
from tests.factories import api_client_for, person

pytestmark = pytest.mark.django_db


def test_a_domain_error_keeps_each_field_as_a_list_of_messages() -> None:
    error = NotAllowed("No.", fields={"role": "Not this role.", "email": ["One.", "Two."]})
    assert error.fields == {"role": ["Not this role."], "email": ["One.", "Two."]}


def test_invalid_input_on_fields_takes_its_message_from_the_first_field() -> None:
    error = InvalidInput.on_fields({"title": "Enter a title.", "file": ["Choose a file."]})
    assert error.message == "Enter a title."
    assert error.fields == {"title": ["Enter a title."], "file": ["Choose a file."]}
    assert InvalidInput.on_fields({"a": ["x"]}, message="Check a.").message == "Check a."


@pytest.mark.parametrize(
    ("detail", "fields"),
    [
        ({"name": "Too long."}, {"name": ["Too long."]}),
        (["Whole-form problem."], {"non_field_errors": ["Whole-form problem."]}),
        (
            {"decisions": [{}, {"verdict": ["Not a valid choice."]}]},
            {"decisions.1.verdict": ["Not a valid choice."]},
        ),
        ({"grades": {"overall": ["Enter 1 to 4."]}}, {"grades.overall": ["Enter 1 to 4."]}),
    ],
)
def test_every_error_detail_becomes_field_paths_with_lists(detail: Any, fields: Any) -> None:
    assert field_messages(detail) == fields
    assert error_body("validation_error", "Check.", detail)["error"]["fields"] == fields


def test_a_nested_input_error_in_the_api_is_named_by_its_path() -> None:
    from tests.providers.onboarding.factories import under_evaluation

    application = under_evaluation()
    response = api_client_for(person(Role.LEAD_EVALUATOR)).post(
        f"/api/v1/applications/{application.pk}/evaluation/",
        {"decisions": [{"result": 1, "verdict": "maybe"}]},
        format="json",
    )
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert list(fields) == ["decisions.0.verdict"]
    assert isinstance(fields["decisions.0.verdict"], list)


@pytest.mark.parametrize("query", ["page_size=0", "page_size=201", "page_size=ten", "page_size=-3"])
def test_a_page_size_out_of_range_is_refused_naming_it(query: str) -> None:
    response = api_client_for(person(Role.COMMISSIONER)).get(f"/api/v1/lots/?{query}")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"page_size": ["Give a page size from 1 to 200."]}


@pytest.mark.parametrize("path", ["/api/v1/windows/?state=", "/api/v1/lots/?is_residential="])
def test_an_empty_filter_is_refused_rather_than_meaning_any(path: str) -> None:
    response = api_client_for(person(Role.COMMISSIONER)).get(path)
    assert response.status_code == 400
    (name,) = response.json()["error"]["fields"]
    assert name in path


def test_a_path_under_the_api_with_no_route_answers_the_error_shape() -> None:
    response = api_client_for(person(Role.COMMISSIONER)).get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "error": {"code": "not_found", "message": "Not found.", "fields": {}}
    }


def test_a_page_with_no_route_is_still_the_page(client: Any) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
