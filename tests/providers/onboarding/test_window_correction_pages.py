"""The lead authority corrects a window on its pages and through the API (issue 10): each action
is offered only in a state that allows it, asks for a reason, says what went wrong at the field
with nothing written, and answers 409 once the window has moved on."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.utils import timezone

from fps_portal.accounts.models import Role
from fps_portal.text import possessive
from providers.models import EvaluationWindow, WindowState
from tests.factories import api_client_for, person
from tests.providers.onboarding.factories import evaluator, open_window, scheduled_window
from tests.providers.onboarding.states import evaluated, passed, under_evaluation

pytestmark = pytest.mark.django_db


class _Inputs(HTMLParser):
    """Every named input's value and every textarea's text, as the browser would send them."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self._textarea = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "input" and named.get("name") and named.get("type") != "submit":
            self.values[named["name"] or ""] = named.get("value") or ""
        elif tag == "textarea":
            self._textarea = named.get("name") or ""
            self.values[self._textarea] = ""

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.values[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self.values[self._textarea] = self.values[self._textarea].strip()
            self._textarea = ""


def _lead_client(client: Client) -> Client:
    client.force_login(evaluator())
    return client


def _form_values(body: str) -> dict[str, str]:
    """What the page's form would send as shown, whatever widgets its dates use."""
    parser = _Inputs()
    parser.feed(body)
    return parser.values


def _links(body: str) -> set[str]:
    return set(re.findall(r'href="(/fps/windows/\d+/[a-z-]+/)"', body))


def test_a_scheduled_window_offers_change_open_now_and_cancel(client: Client) -> None:
    window = scheduled_window()
    body = _lead_client(client).get(f"/fps/windows/{window.pk}/").content.decode()
    base = f"/fps/windows/{window.pk}/"
    assert _links(body) == {f"{base}change/", f"{base}open-now/", f"{base}cancel/"}
    assert "Complete this round" not in body


def test_an_open_window_offers_only_close_early(client: Client) -> None:
    window = open_window()
    body = _lead_client(client).get(f"/fps/windows/{window.pk}/").content.decode()
    assert _links(body) == {f"/fps/windows/{window.pk}/close-early/"}


def test_complete_this_round_is_offered_only_when_it_can_succeed(client: Client) -> None:
    application = evaluated()
    window = application.window
    body = _lead_client(client).get(f"/fps/windows/{window.pk}/").content.decode()
    assert "Complete this round" not in body
    why = f"{possessive(application.provider.name)} application still has no outcome."
    assert html.escape(why) in body
    assert f"/{application.pk} " not in body and f"Application {application.pk}" not in body
    done = passed()
    finished = client.get(f"/fps/windows/{done.window_id}/").content.decode()
    assert "Complete this round" in finished and "data-completion-blocker" not in finished


def test_reschedule_shows_the_current_values_and_needs_a_reason(client: Client) -> None:
    window = scheduled_window(name="Round 6")
    page = f"/fps/windows/{window.pk}/change/"
    shown = _form_values(_lead_client(client).get(page).content.decode())
    assert shown["name"] == "Round 6"
    refused = client.post(page, shown | {"name": "Round 6 (2027)", "reason": ""})
    assert refused.status_code == 400
    assert "Give the reason for the change." in refused.content.decode()
    assert "govuk-error-summary" in refused.content.decode()
    window.refresh_from_db()
    assert window.name == "Round 6"
    done = client.post(page, shown | {"name": "Round 6 (2027)", "reason": "Add the year."})
    assert done.status_code == 302 and done["Location"] == f"/fps/windows/{window.pk}/"
    window.refresh_from_db()
    assert window.name == "Round 6 (2027)" and window.state == WindowState.SCHEDULED


def test_cancel_asks_for_confirmation_and_a_reason_then_shows_it(client: Client) -> None:
    window = scheduled_window(name="Round 6")
    page = f"/fps/windows/{window.pk}/cancel/"
    confirm = _lead_client(client).get(page).content.decode()
    assert "Are you sure you want to cancel Round 6?" in confirm
    assert "govuk-button--warning" in confirm
    assert client.post(page, {"reason": ""}).status_code == 400
    assert EvaluationWindow.objects.get(pk=window.pk).state == WindowState.SCHEDULED
    assert client.post(page, {"reason": "Wrong year."}).status_code == 302
    detail = client.get(f"/fps/windows/{window.pk}/").content.decode()
    assert "Wrong year." in detail and 'data-state="cancelled"' in detail
    assert _links(detail) == set()
    # Once cancelled, the page says so instead of offering the form again.
    again = client.get(page).content.decode()
    assert "data-notice" in again and "<textarea" not in again
    assert client.post(page, {"reason": "Again."}).status_code == 409


def test_close_early_and_open_now_on_their_pages(client: Client) -> None:
    window = scheduled_window()
    lead = _lead_client(client)
    assert lead.post(f"/fps/windows/{window.pk}/close-early/", {"reason": "x"}).status_code == 409
    assert lead.post(f"/fps/windows/{window.pk}/open-now/", {"reason": "Ready."}).status_code == 302
    window.refresh_from_db()
    assert window.state == WindowState.OPEN
    assert (
        lead.post(f"/fps/windows/{window.pk}/close-early/", {"reason": "Enough."}).status_code
        == 302
    )
    window.refresh_from_db()
    assert window.state == WindowState.EVALUATING and window.closes_at <= timezone.now()


@pytest.mark.parametrize("role", [Role.PROVIDER_USER, Role.COMMISSIONER, Role.FORUM_MEMBER])
def test_no_one_else_reaches_the_pages(client: Client, role: str) -> None:
    window = scheduled_window()
    client.force_login(person(role))
    for action in ("change", "cancel", "open-now", "close-early"):
        assert (
            client.post(f"/fps/windows/{window.pk}/{action}/", {"reason": "x"}).status_code == 403
        )
    assert EvaluationWindow.objects.get(pk=window.pk).state == WindowState.SCHEDULED


# -- the API --------------------------------------------------------------------------------------


def test_the_api_reschedules_keeping_what_is_left_out() -> None:
    window = scheduled_window(name="Round 6")
    api = api_client_for(evaluator())
    later = (window.closes_at + (window.closes_at - window.opens_at)).isoformat()
    answer = api.post(
        f"/api/v1/windows/{window.pk}/reschedule/",
        {"closes_at": later, "reason": "A longer round."},
        format="json",
    )
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert body["name"] == "Round 6" and body["rescheduled_at"] is not None
    window.refresh_from_db()
    assert window.closes_at.isoformat() == later


def test_the_api_refuses_a_missing_reason_in_the_error_shape() -> None:
    window = scheduled_window()
    answer = api_client_for(evaluator()).post(
        f"/api/v1/windows/{window.pk}/cancel/", {"reason": ""}, format="json"
    )
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["code"] and isinstance(error["fields"]["reason"], list)
    assert EvaluationWindow.objects.get(pk=window.pk).state == WindowState.SCHEDULED


def test_the_api_cancels_opens_now_and_closes_early_or_answers_409() -> None:
    api = api_client_for(evaluator())
    cancelled = scheduled_window()
    assert (
        api.post(f"/api/v1/windows/{cancelled.pk}/cancel/", {"reason": "Typo."}).json()["state"]
        == "cancelled"
    )
    window = scheduled_window(purchasing_system=cancelled.purchasing_system)
    early = api.post(f"/api/v1/windows/{window.pk}/close-early/", {"reason": "No."})
    assert early.status_code == 409 and early.json()["error"]["fields"] == {}
    opened = api.post(f"/api/v1/windows/{window.pk}/open-now/", {"reason": "Ready."})
    assert opened.status_code == 200 and opened.json()["state"] == "open"
    closed = api.post(f"/api/v1/windows/{window.pk}/close-early/", {"reason": "Enough."})
    assert closed.status_code == 200 and closed.json()["state"] == "evaluating"


def test_the_api_refuses_other_roles_before_reading_the_body() -> None:
    window = scheduled_window()
    for role in (Role.PROVIDER_USER, Role.COMMISSIONER):
        answer = api_client_for(person(role)).post(
            f"/api/v1/windows/{window.pk}/cancel/", "not json", content_type="application/json"
        )
        assert answer.status_code == 403
    assert EvaluationWindow.objects.get(pk=window.pk).state == WindowState.SCHEDULED


def test_completing_through_the_api_names_the_provider_still_waiting() -> None:
    application = under_evaluation()
    answer = api_client_for(evaluator()).post(f"/api/v1/windows/{application.window_id}/complete/")
    assert answer.status_code == 409
    assert possessive(application.provider.name) in answer.json()["error"]["message"]
