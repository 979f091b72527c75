"""QA's onboarding UX defects: a form is not offered once its action is no longer possible (a
notice says what happened and where to go; POST still answers 409), the dashboard's queue links
list exactly what they count, and the "submitted" notice names its window and date."""

from __future__ import annotations

import datetime
import html
import re

import pytest
from django.test import Client
from django.utils import timezone

from fps_portal.notifications.models import Notification
from fps_portal.text import possessive
from providers.models import Application, ClarificationQuestion
from providers.services.application_submission import application_submit
from providers.services.clarifications import (
    clarification_answer,
    clarification_ask,
    clarification_withdraw,
)
from providers.services.membership import agreement_sign
from tests.providers.onboarding import states
from tests.providers.onboarding.factories import ReadyProvider, actor, evaluator, open_window
from tests.providers.onboarding.states import draft, evaluated, provider, under_evaluation

pytestmark = pytest.mark.django_db

TODAY = lambda: f"{timezone.localtime():%-d %B %Y}"  # noqa: E731


def _notice(page: str) -> str:
    match = re.search(r'<div class="govuk-inset-text" data-notice>(.*?)</div>', page, re.S)
    assert match, "no notice on the page"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def _has_form(page: str) -> bool:
    return '<form method="post" novalidate' in page


def _moderated() -> tuple[ReadyProvider, Application]:
    ready = provider()
    return ready, states.passed(ready)


# 1. Forms follow the state ------------------------------------------------------------------


@pytest.mark.parametrize("page", ["evaluate", "moderate"])
def test_a_moderated_application_offers_no_evaluation_or_moderation_form(
    client: Client, page: str
) -> None:
    _, application = _moderated()
    client.force_login(evaluator())
    path = f"/fps/applications/{application.pk}/{page}/"
    response = client.get(path)
    body = response.content.decode()
    assert response.status_code == 200
    assert not _has_form(body)
    assert _notice(body) == (
        f"This application was moderated on {TODAY()}: passed. See the outcome."
    )
    assert f'href="/fps/applications/{application.pk}/"' in body
    posted = client.post(path, {"reason": "Again"})
    assert posted.status_code == 409
    assert "This application" in posted.content.decode()


def test_an_application_under_evaluation_still_offers_both_forms(client: Client) -> None:
    application = evaluated()
    client.force_login(evaluator())
    for page in ("evaluate", "moderate"):
        body = client.get(f"/fps/applications/{application.pk}/{page}/").content.decode()
        assert _has_form(body) and "data-notice" not in body


def test_moderation_is_offered_only_when_it_can_succeed_and_says_why_not(client: Client) -> None:
    """Before enough evaluators have evaluated, neither the application's page nor the
    moderation page offers a moderation that would be refused; both say why, naming the
    provider, never the application's id (issue 10)."""
    application = under_evaluation()
    client.force_login(evaluator())
    why = (
        f"At least 2 evaluators must evaluate every requirement of "
        f"{possessive(application.provider.name)} application before it is moderated; 0 have "
        "so far."
    )
    detail = client.get(f"/fps/applications/{application.pk}/").content.decode()
    assert f'href="/fps/applications/{application.pk}/moderate/"' not in detail
    assert html.escape(why) in detail
    page = client.get(f"/fps/applications/{application.pk}/moderate/").content.decode()
    assert not _has_form(page) and html.escape(why) in page
    assert client.post(f"/fps/applications/{application.pk}/moderate/").status_code == 409
    ready = evaluated()
    offered = client.get(f"/fps/applications/{ready.pk}/").content.decode()
    assert f'href="/fps/applications/{ready.pk}/moderate/"' in offered


def test_an_answered_or_overdue_question_offers_no_answer_form(client: Client) -> None:
    ready = provider()
    application = under_evaluation(ready)
    lead = actor(evaluator())
    due = timezone.now() + datetime.timedelta(days=3)
    answered = clarification_ask(actor=lead, application=application, question="B?", due_at=due)
    clarification_answer(actor=ready.actor, clarification=answered, answer="Yes.")
    overdue = clarification_ask(actor=lead, application=application, question="C?", due_at=due)
    ClarificationQuestion.objects.filter(pk=overdue.pk).update(
        due_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    # A withdrawn question is hidden from the provider altogether (scoping), so it is 404.
    withdrawn = clarification_ask(actor=lead, application=application, question="A?", due_at=due)
    clarification_withdraw(actor=lead, clarification=withdrawn)
    client.force_login(ready.user)
    assert client.get(f"/onboarding/clarifications/{withdrawn.pk}/").status_code == 404
    for question, text in [
        (answered, f"This question was answered on {TODAY()}."),
        (overdue, "The time to answer this question has passed."),
    ]:
        path = f"/onboarding/clarifications/{question.pk}/"
        body = client.get(path).content.decode()
        assert not _has_form(body)
        assert _notice(body) == f"{text} See your application."
        assert f'href="/onboarding/applications/{application.pk}/"' in body
        posted = client.post(path, {"answer": "Late"})
        assert posted.status_code == 409
    assert ClarificationQuestion.objects.get(pk=answered.pk).answer == "Yes."


def test_a_question_on_a_finished_evaluation_offers_no_answer_form(client: Client) -> None:
    ready = provider()
    application = under_evaluation(ready)
    question = clarification_ask(
        actor=actor(evaluator()),
        application=application,
        question="C?",
        due_at=timezone.now() + datetime.timedelta(days=3),
    )
    Application.objects.filter(pk=application.pk).update(state="failed")
    client.force_login(ready.user)
    body = client.get(f"/onboarding/clarifications/{question.pk}/").content.decode()
    assert not _has_form(body)
    assert "The evaluation of this application has finished" in _notice(body)


def test_a_signed_agreement_offers_no_signing_form(client: Client) -> None:
    ready, application = _moderated()
    client.force_login(ready.user)
    path = f"/onboarding/applications/{application.pk}/agreement/"
    assert _has_form(client.get(path).content.decode())
    agreement_sign(
        actor=ready.actor, application=application, signatory_name="Alex", signatory_role="CEO"
    )
    body = client.get(path).content.decode()
    assert not _has_form(body)
    assert _notice(body) == (f"The agreement was signed on {TODAY()} by Alex. See your membership.")
    assert 'href="/onboarding/membership/"' in body
    posted = client.post(path, {"signatory_name": "B", "signatory_role": "C"})
    assert posted.status_code == 409
    assert "The agreement has already been signed." in posted.content.decode()


def test_an_application_not_passed_offers_no_signing_form(client: Client) -> None:
    ready = provider()
    application = under_evaluation(ready)
    client.force_login(ready.user)
    path = f"/onboarding/applications/{application.pk}/agreement/"
    response = client.get(path)
    assert response.status_code == 200 and not _has_form(response.content.decode())
    assert _notice(response.content.decode()).startswith(
        "Only a provider whose application passed can sign the agreement."
    )
    assert client.post(path, {"signatory_name": "B", "signatory_role": "C"}).status_code == 409


# 2. Dashboard links list exactly what they count ---------------------------------------------


def _queue_link(page: str, label: str) -> tuple[str, int]:
    slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
    count = re.search(rf'data-queue="{slug}">(\d+)<', page)
    assert count, label
    hrefs = re.findall(r'href="([^"]+)"', page[: count.start()])
    return hrefs[-1].replace("&amp;", "&"), int(count.group(1))


def test_evaluator_queue_links_list_exactly_what_they_count(client: Client) -> None:
    waiting = under_evaluation()
    first, second = evaluator(), evaluator()
    ready_to_moderate = states.evaluated(evaluators=[first, second])
    client.force_login(first)
    page = client.get("/dashboard/").content.decode()
    for label, expected in [
        ("Applications awaiting your evaluation", waiting),
        ("Applications awaiting moderation", ready_to_moderate),
    ]:
        url, count = _queue_link(page, label)
        assert url != "/fps/windows/"
        listed = re.findall(r'data-application="(\d+)"', client.get(url).content.decode())
        assert listed == [str(expected.pk)] and count == 1


def test_the_provider_questions_link_lists_exactly_the_open_questions(client: Client) -> None:
    ready = provider()
    application = under_evaluation(ready)
    lead = actor(evaluator())
    due = timezone.now() + datetime.timedelta(days=3)
    open_one = clarification_ask(actor=lead, application=application, question="A?", due_at=due)
    gone = clarification_ask(actor=lead, application=application, question="B?", due_at=due)
    clarification_withdraw(actor=lead, clarification=gone)
    client.force_login(ready.user)
    url, count = _queue_link(
        client.get("/dashboard/").content.decode(), "Clarification questions to answer"
    )
    listed = re.findall(r'data-clarification="(\d+)"', client.get(url).content.decode())
    assert listed == [str(open_one.pk)] and count == 1


# 3. The submitted notice names its window and date -------------------------------------------


def test_the_submitted_notice_and_subject_name_the_window_and_date(client: Client) -> None:
    ready = provider()
    window = open_window(name="Spring 2027")
    application = draft(ready, window)
    client.force_login(ready.user)
    response = client.post(f"/onboarding/applications/{application.pk}/submit/", follow=True)
    expected = (
        f"Your application for {window.purchasing_system} (Spring 2027) was submitted on {TODAY()}"
    )
    assert expected in response.content.decode()
    subject = Notification.objects.get(
        recipient=ready.user, event_key=f"application-submitted:{application.pk}"
    ).subject
    assert subject == expected


def test_submitted_subjects_differ_between_windows() -> None:
    ready = provider()
    first = draft(ready, open_window(name="Round A"))
    application_submit(actor=ready.actor, application=first)
    other = provider()
    second = draft(other, open_window(name="Round B"))
    application_submit(actor=other.actor, application=second)
    subjects = set(
        Notification.objects.filter(event_key__startswith="application-submitted:").values_list(
            "subject", flat=True
        )
    )
    assert len(subjects) == 2 and all("Round" in s for s in subjects)
