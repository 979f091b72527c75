"""Improvement plans on the pages and the API: the QA officer agrees a plan and adds an action,
the provider marks it done, the officer accepts it and the plan closes; each side reads only its
own (another authority or provider: 404; a forum or the lead evaluator: 403); bad input stays at
the field and writes nothing; the provider never reads which child a sign-off was for."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from fps_portal.accounts.models import Role
from quality.models import ActionState, ImprovementAction, ImprovementPlan, PlanOrigin, PlanState
from quality.services.improvement_plans import plan_create
from tests.factories import api_client_for, lead_authority, person
from tests.quality.plan_world import World, a_plan, an_action, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return build_world()


def _date(prefix: str, day: datetime.date) -> dict[str, str]:
    return {
        f"{prefix}_day": str(day.day),
        f"{prefix}_month": str(day.month),
        f"{prefix}_year": str(day.year),
    }


def test_the_journey_on_the_pages(world, client):
    client.force_login(world.qa)
    new = reverse("quality:improvement-plan-new")
    first = client.get(new)
    assert first.status_code == 302 and "once=" in first.url
    page = client.get(first.url)
    assert page.status_code == 200 and "Oak House" in page.content.decode()
    empty = client.post(first.url, {})
    assert empty.status_code == 400 and "govuk-error-summary" in empty.content.decode()
    assert not ImprovementPlan.objects.exists()
    key = first.url.split("once=")[1]
    body = {
        "origin": "alert",
        "origin_alert": str(world.alert),
        "title": "After the Inadequate judgement",
        "cause": "Ofsted found safeguarding ineffective.",
        "submission_key": key,
    }
    made = client.post(first.url, body)
    assert made.status_code == 302
    again = client.post(first.url, body)  # the form sent twice: one plan
    assert again.status_code == 302 and ImprovementPlan.objects.count() == 1
    plan = ImprovementPlan.objects.get()
    assert plan.setting == world.oak_house
    add = client.get(reverse("quality:improvement-action-new", args=[plan.pk]))
    past = client.post(
        add.url,
        {"description": "Train every DSL", "owner": "provider"}
        | _date("due_on", timezone.localdate() - datetime.timedelta(days=1)),
    )
    assert past.status_code == 400 and "today or later" in past.content.decode()
    assert not plan.actions.exists()
    ok = client.post(
        add.url,
        {"description": "Train every DSL", "owner": "provider"}
        | _date("due_on", timezone.localdate() + datetime.timedelta(days=10)),
    )
    assert ok.status_code == 302
    action = plan.actions.get()

    client.force_login(world.oak_user)
    url = reverse("quality:improvement-action", args=[plan.pk, action.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Mark it done" in page.content.decode()
    missing = client.post(url, {"step": "completed", "text": ""})
    assert missing.status_code == 400 and "Enter the evidence" in missing.content.decode()
    assert client.post(url, {"step": "accept"}).status_code == 400  # not a choice for them
    done = client.post(url, {"step": "completed", "text": "All four DSLs trained in May."})
    assert done.status_code == 302

    client.force_login(world.qa)
    assert client.post(url, {"step": "accept"}).status_code == 302
    plan.refresh_from_db()
    action.refresh_from_db()
    assert action.state == ActionState.ACCEPTED and plan.state == PlanState.CLOSED
    shown = client.get(reverse("quality:improvement-plan", args=[plan.pk])).content.decode()
    assert "Plan closed" in shown and "Reopen the plan" in shown


def test_each_side_reads_only_its_own_pages(world, client):
    plan = a_plan(world)
    action = an_action(world, plan)
    urls = [
        reverse("quality:improvement-plan", args=[plan.pk]),
        reverse("quality:improvement-action", args=[plan.pk, action.pk]),
    ]
    for user in (world.qa, world.commissioner, world.senior, world.oak_user):
        client.force_login(user)
        assert [client.get(u).status_code for u in urls] == [200, 200]
    for user in (world.wirral_qa, world.elm_user):
        client.force_login(user)
        assert [client.get(u).status_code for u in urls] == [404, 404]
        listed = client.get(reverse("quality:improvement-plan-list")).content.decode()
        assert "Safer recruitment" not in listed
    for role, org in ((Role.LEAD_EVALUATOR, lead_authority()), (Role.FORUM_MEMBER, None)):
        client.force_login(person(role, org))
        assert client.get(urls[0]).status_code == 403
    client.force_login(world.commissioner)
    assert client.get(reverse("quality:improvement-plan-new")).status_code == 403


def test_the_provider_never_reads_which_child_a_sign_off_was_for(world, client):
    plan = plan_create(
        actor=world.qa_actor,
        title="Oak House's own action plan",
        cause="The action plan sent at the sign-off.",
        origin=PlanOrigin.SIGNOFF,
        origin_id=world.award.pk,
    )
    referral = world.award.referral
    child = referral.child
    client.force_login(world.oak_user)
    page = client.get(reverse("quality:improvement-plan", args=[plan.pk])).content.decode()
    api = api_client_for(world.oak_user).get(f"/api/v1/improvement-plans/{plan.pk}/")
    for seen in (page, api.content.decode()):
        assert child.given_name not in seen and child.family_name not in seen
        assert referral.reference not in seen
    client.force_login(world.qa)  # the authority's own: the referral it came from, no child
    own = client.get(reverse("quality:improvement-plan", args=[plan.pk])).content.decode()
    assert referral.reference in own and child.family_name not in own


def test_the_api_journey_and_its_gates(world):
    qa, oak = api_client_for(world.qa), api_client_for(world.oak_user)
    bad = qa.post(
        "/api/v1/improvement-plans/",
        {"title": "", "cause": "", "origin": "other", "origin_reason": ""},
        format="json",
    )
    assert bad.status_code == 400 and not ImprovementPlan.objects.exists()
    made = qa.post(
        "/api/v1/improvement-plans/",
        {
            "title": "Safer recruitment",
            "cause": "References missing.",
            "origin": "other",
            "origin_reason": "A complaint by telephone.",
            "setting": world.oak_house.pk,
        },
        format="json",
    )
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    assert oak.post("/api/v1/improvement-plans/", {}, format="json").status_code == 403
    due = (timezone.localdate() + datetime.timedelta(days=5)).isoformat()
    past = (timezone.localdate() - datetime.timedelta(days=5)).isoformat()
    add = f"/api/v1/improvement-plans/{pk}/add-action/"
    refused = qa.post(add, {"description": "A", "owner": "provider", "due_on": past}, format="json")
    assert refused.status_code == 400
    added = qa.post(add, {"description": "A", "owner": "provider", "due_on": due}, format="json")
    assert added.status_code == 201
    action_id = added.json()["actions"][0]["id"]
    base = f"/api/v1/improvement-actions/{action_id}"
    # Completing takes a file (multipart/form-data), so its body is sent as one.
    complete = f"{base}/complete/"
    assert qa.post(complete, {"evidence_text": "x"}, format="multipart").status_code == 403
    assert oak.post(f"{base}/accept/").status_code == 403
    assert oak.post(complete, {"evidence_text": ""}, format="multipart").status_code == 400
    assert oak.post(complete, {"evidence_text": "Done."}, format="multipart").status_code == 200
    assert qa.post(f"{base}/accept/").json()["state"] == "accepted"
    assert qa.post(f"{base}/accept/").status_code == 409
    assert qa.get(f"/api/v1/improvement-plans/{pk}/").json()["state"] == "closed"
    reopened = qa.post(f"{base}/reopen/", {"reason": "One file missing."}, format="json")
    assert reopened.json()["state"] == "open"
    for stranger in (world.wirral_qa, world.elm_user):
        client = api_client_for(stranger)
        assert client.get(f"/api/v1/improvement-plans/{pk}/").status_code == 404
        assert client.get(f"{base}/").status_code == 404
        assert client.get("/api/v1/improvement-plans/").json()["results"] == []
    assert api_client_for(world.senior).get(f"{base}/").status_code == 200
    assert ImprovementAction.objects.count() == 1
